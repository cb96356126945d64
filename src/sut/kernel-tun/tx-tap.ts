/**
 * Kernel send timestamps for outbound packets (pkt-language.md §2.3, §10.1): a packet socket on
 * tun0 sees every frame the stack hands to the device, at hand-over time, with a kernel timestamp
 * — what packetdrill's capture on tun0 gives it. The TUN fd reader matches each frame it reads to
 * the tap's copy (same bytes: both see the skb before the device completes any checksum) and uses
 * the tap's time instead of its own read time, so an event loop busy elsewhere no longer delays
 * the stamp.
 *
 * Socket: AF_PACKET / SOCK_RAW (tun has no link header), bound to the device with ETH_P_ALL, a
 * classic BPF filter that keeps only PACKET_OUTGOING and cuts copies to 128 bytes, SO_TIMESTAMPNS.
 * The kernel stamps those copies with CLOCK_REALTIME (`net_timestamp_set` on the tap's clone);
 * they are moved to the SUT clock (CLOCK_MONOTONIC) by a realtime − monotonic offset measured at
 * open. NTP slews both clocks alike; only a step of the wall clock during a run would shift it.
 */
import { MptcpdrillError } from "../../errors.ts";
import { errnoInfo } from "../linux-abi.ts";
import type { MonoMicros } from "../sut.ts";
import { realtimeOffsetNs } from "./clock.ts";
import { closeInBackground, type Libc } from "./libc.ts";

const AF_PACKET = 17;
const SOCK_RAW = 3;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const ETH_P_ALL = 0x0003;
const SOL_SOCKET = 1;
const SO_ATTACH_FILTER = 26;
const SO_RCVBUFFORCE = 33;
const SO_TIMESTAMPNS = 35;
const SCM_TIMESTAMPNS = 35;
const PACKET_OUTGOING = 4;
const MSG_DONTWAIT = 0x40;
/** Bytes of each copy kept: IP + TCP headers with options, enough to tell packets apart. */
const SNAP = 128;
/** How many unmatched tap records a frame may skip (frames the device dropped). */
const SEARCH = 16;
const RCVBUF = 8 << 20;

/** One frame the stack handed to the device. */
interface TapRecord {
  readonly head: Uint8Array;
  readonly us: MonoMicros;
}

/** sock_fprog for: ld pkttype; jeq OUTGOING ? ret SNAP : ret 0. */
function outgoingOnlyFilter(libc: Libc): { prog: Buffer; insns: Buffer } {
  const insns = Buffer.alloc(4 * 8);
  const put = (i: number, code: number, jt: number, jf: number, k: number): void => {
    insns.writeUInt16LE(code, i * 8);
    insns.writeUInt8(jt, i * 8 + 2);
    insns.writeUInt8(jf, i * 8 + 3);
    insns.writeUInt32LE(k >>> 0, i * 8 + 4);
  };
  put(0, 0x20, 0, 0, -0x1000 + 4); // BPF_LD|BPF_W|BPF_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE
  put(1, 0x15, 0, 1, PACKET_OUTGOING); // BPF_JMP|BPF_JEQ|BPF_K
  put(2, 0x06, 0, 0, SNAP); // BPF_RET|BPF_K
  put(3, 0x06, 0, 0, 0);
  const prog = Buffer.alloc(16);
  prog.writeUInt16LE(4, 0);
  prog.writeBigUInt64LE(libc.address(insns), 8);
  return { prog, insns };
}

/** The tap on one device. Create with {@link openTxTap}. */
export class TxTap {
  readonly #libc: Libc;
  readonly #fd: number;
  readonly #offsetNs: bigint;
  readonly #records: TapRecord[] = [];
  readonly #data = Buffer.alloc(SNAP);
  readonly #control = Buffer.alloc(64);
  readonly #iov = Buffer.alloc(16);
  readonly #msg = Buffer.alloc(56);
  #open = true;

  constructor(libc: Libc, fd: number, offsetNs: bigint) {
    this.#libc = libc;
    this.#fd = fd;
    this.#offsetNs = offsetNs;
    this.#iov.writeBigUInt64LE(libc.address(this.#data), 0);
    this.#iov.writeBigUInt64LE(BigInt(SNAP), 8);
    this.#msg.writeBigUInt64LE(libc.address(this.#iov), 16);
    this.#msg.writeBigUInt64LE(1n, 24);
    this.#msg.writeBigUInt64LE(libc.address(this.#control), 32);
  }

  /** The SCM_TIMESTAMPNS of the last recvmsg on the SUT clock, or null. */
  #stamp(): MonoMicros | null {
    const len = Number(this.#msg.readBigUInt64LE(40));
    for (let at = 0; at + 16 <= len;) {
      const cmsgLen = Number(this.#control.readBigUInt64LE(at));
      if (cmsgLen < 16) break;
      if (this.#control.readInt32LE(at + 8) === SOL_SOCKET && this.#control.readInt32LE(at + 12) === SCM_TIMESTAMPNS && cmsgLen >= 32) {
        const ns = this.#control.readBigInt64LE(at + 16) * 1_000_000_000n + this.#control.readBigInt64LE(at + 24);
        return ns === 0n ? null : Number((ns - this.#offsetNs) / 1000n);
      }
      at += (cmsgLen + 7) & ~7;
    }
    return null;
  }

  /** Read every queued copy (non-blocking). */
  drain(): void {
    while (this.#open) {
      this.#msg.writeBigUInt64LE(BigInt(this.#control.length), 40);
      const n = Number(this.#libc.recvmsg(this.#fd, this.#msg, MSG_DONTWAIT));
      if (n < 0) return;
      const us = this.#stamp();
      if (us !== null) this.#records.push({ head: new Uint8Array(this.#data.subarray(0, Math.min(n, SNAP))), us });
    }
  }

  #find(frame: Uint8Array): number {
    const limit = Math.min(this.#records.length, SEARCH);
    for (let i = 0; i < limit; i++) {
      const head = this.#records[i]!.head;
      if (head.length === Math.min(frame.length, SNAP) && head.every((b, j) => b === frame[j])) return i;
    }
    return -1;
  }

  /**
   * The kernel's hand-over time of `frame` (an IP packet as read from the device, before any
   * checksum completion), or null when the tap has no matching copy. Copies older than the
   * match belong to frames the device dropped and are discarded.
   */
  stampFor(frame: Uint8Array): MonoMicros | null {
    let i = this.#find(frame);
    if (i < 0) {
      this.drain();
      i = this.#find(frame);
    }
    if (i < 0) return null;
    const us = this.#records[i]!.us;
    this.#records.splice(0, i + 1);
    return us;
  }

  close(): void {
    if (this.#open) closeInBackground(this.#libc, this.#fd);
    this.#open = false;
    this.#records.length = 0;
  }
}

function fail(libc: Libc, fd: number, what: string): never {
  const e = libc.errno();
  if (fd >= 0) libc.close(fd);
  throw new MptcpdrillError("MPD_ERR_TUN_OPEN", `outbound timestamp tap: ${what}: ${errnoInfo(e)?.name ?? e} (${errnoInfo(e)?.text ?? "unknown"})`);
}

/** Open the tap on `device` (which must exist). Throws MPD_ERR_TUN_OPEN with the failing step. */
export function openTxTap(libc: Libc, device: string): TxTap {
  const fd = libc.socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(libc, -1, "socket(AF_PACKET)");
  const { prog, insns } = outgoingOnlyFilter(libc);
  if (libc.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, prog, prog.length) < 0) fail(libc, fd, "SO_ATTACH_FILTER");
  void insns; // `prog` points into it: keep it alive until the kernel has copied the program
  const one = Buffer.alloc(4);
  one.writeInt32LE(1);
  if (libc.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, one, 4) < 0) fail(libc, fd, "SO_TIMESTAMPNS");
  const size = Buffer.alloc(4);
  size.writeInt32LE(RCVBUF);
  libc.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4);
  const ifindex = Number(libc.if_nametoindex(device));
  if (ifindex === 0) fail(libc, fd, `if_nametoindex(${device})`);
  const sll = Buffer.alloc(20);
  sll.writeUInt16LE(AF_PACKET, 0);
  sll.writeUInt16BE(ETH_P_ALL, 2);
  sll.writeInt32LE(ifindex, 4);
  if (libc.bind(fd, sll, sll.length) < 0) fail(libc, fd, "bind");
  return new TxTap(libc, fd, realtimeOffsetNs((id, ts) => libc.clock_gettime(id, ts)));
}
