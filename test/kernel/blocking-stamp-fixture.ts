// Test fixture for sut-kernel-tun.test.ts (run under `unshare -n`): opens the kernel SUT in this
// process, blocks in accept() on a listener, completes the handshake with two injected packets,
// keeps the main thread busy for 30 ms, then prints `<accept return stamp − final ACK inject stamp
// in µs> <settled>`. With MPD_BLOCKING_CALLS=libuv the call runs on a libuv worker instead of the
// blocking-call thread (the busy main thread then delays the stamp).
import { blockingThread } from "../../src/sut/kernel-tun/blocking-thread.ts";
import { parsePacket } from "../../src/wire/index.ts";
import { int, openListenerSut } from "../support/listener-sut.ts";

const { sut, fd, segment } = await openListenerSut();
// Until the thread is up, blocking calls take the fallback; the script host waits the same way.
await blockingThread()?.ready;
const acc = sut.syscall({ name: "accept", args: [int(fd), { kind: "ellipsis" }, { kind: "ellipsis" }], blocking: true });
const settled = await acc.settled;
await sut.inject(segment(1, 0, 0x02));
const synAck = await sut.nextOutbound(sut.now() + 1_000_000);
const parsed = synAck === null ? null : parsePacket(synAck.bytes);
const l4 = parsed?.ok ? parsed.value.l4 : null;
if (l4?.kind !== "tcp") throw new Error("no SYN/ACK");
const inj = await sut.inject(segment(2, (l4.seq + 1) >>> 0, 0x10));
for (const end = sut.now() + 30_000; sut.now() < end;) Math.sqrt(Math.random());
const out = await acc.result;
if (out.kind !== "returned" || out.ret < 0 || !inj.ok) throw new Error(`accept failed: ${JSON.stringify(out)}`);
process.stdout.write(`${out.endUs - inj.timestampUs} ${settled}\n`);
await sut.close();
