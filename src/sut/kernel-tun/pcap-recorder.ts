/**
 * `--capture` for the kernel SUT: the pcap recording wrapper (sut/pcap/pcap-recording-sut.ts) with
 * its times moved from CLOCK_MONOTONIC to the wall clock of this machine.
 */
import { PcapRecordingSut } from "../pcap/pcap-recording-sut.ts";
import type { Sut } from "../sut.ts";
import { realtimeOffsetNs } from "./clock.ts";
import { openLibc } from "./libc.ts";

/** Wrap `inner` so its traffic goes to a new pcap at `path`, dated on the wall clock of this machine. */
export function recordToPcap(inner: Sut, path: string): PcapRecordingSut {
  const libc = openLibc();
  return new PcapRecordingSut(inner, path, realtimeOffsetNs((id, ts) => libc.clock_gettime(id, ts)));
}
