// Test fixture for sut-kernel-tun.test.ts: a parent that starts a test-only SUT host, runs a long
// backtick command carrying a marker, prints "running <hostpid>" and waits to be killed.
import { HostSupervisor } from "../../src/runner/host-process.ts";
import { resolveNetConfig } from "../../src/sut/kernel-tun/net-config.ts";
import { openRemoteKernelSut } from "../support/sut-host/remote-kernel-sut.ts";

const marker = process.argv[2] ?? "mpd-marker";
const sup = new HostSupervisor();
sup.installProcessHandlers();
const sut = await openRemoteKernelSut({ net: resolveNetConfig({ ipVersion: "ipv4" }), scriptDir: "/tmp" }, { timeoutMs: 60_000 }, sup);
void sut.runCommand(`sleep 300; echo ${marker}`);
setTimeout(() => process.stdout.write(`running ${sut.host.pid}\n`), 300);
setInterval(() => undefined, 1000);
