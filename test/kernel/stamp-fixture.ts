// Test fixture for sut-kernel-tun.test.ts (run under `unshare -n`): opens the kernel SUT in this
// process with the stamping mode argv[2], injects a SYN to a listener, keeps the main thread busy
// for 30 ms, then reads the SYN/ACK and prints `<SYN/ACK stamp − inject stamp in µs>`.
import { openListenerSut } from "../support/listener-sut.ts";

const mode = process.argv[2] === "read" ? "read" : "kernel";
const { sut, segment } = await openListenerSut({ outboundStamps: mode });
const inj = await sut.inject(segment(1, 0, 0x02));
for (const end = sut.now() + 30_000; sut.now() < end;) Math.sqrt(Math.random());
const p = await sut.nextOutbound(sut.now() + 1_000_000);
process.stdout.write(`${p !== null && inj.ok ? p.timestampUs - inj.timestampUs : "none"} ${sut.notes.join("; ")}\n`);
await sut.close();
