/**
 * The kernel job runner with the interpreter inside warm script hosts: events stream back in
 * order, the verdict is the host's, --capture writes a pcap of both directions, a host that dies
 * is an `error` and is replaced, aborting kills the host, and two scripts back to back in one host
 * share nothing (sysctls, addresses, routes, MPTCP endpoints, sockets, TIME_WAIT, commands).
 * Needs root and /dev/net/tun.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ScriptEvent, Variant } from "../../src/interp/events.ts";
import type { RunJobSpec } from "../../src/runner/job-spec.ts";
import { kernelRunner } from "../../src/runner/kernel-runner.ts";
import { HostSupervisor } from "../../src/runner/host-process.ts";
import { parsePacket } from "../../src/wire/index.ts";
import { LINKTYPE_RAW } from "../../src/wire/pcap/link-type.ts";
import { readPcap } from "../../src/wire/pcap/pcap-reader.ts";

const canRun = process.getuid?.() === 0 && existsSync("/dev/net/tun");

const PASSIVE_OPEN = [
  "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
  "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0",
  "+0 bind(3, ..., ...) = 0",
  "+0 listen(3, 1) = 0",
  "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>",
  "+0 > S. 0:0(0) ack 1 <...>",
  "+.1 < . 1:1(0) ack 1 win 257",
  "+0 accept(3, ..., ...) = 4",
];

function spec(dir: string, name: string, variant: Variant, capturePath: string | null = null, verbose = false, seed = 1): RunJobSpec {
  const absFile = path.join(dir, name);
  return { file: name, variant, absFile, cwd: dir, flags: { tolerance_usecs: "50000" }, defines: {}, capturePath, verbose, configPath: null, seed };
}

(canRun ? describe : describe.skip)("kernel jobs: interpreter inside warm script hosts", function () {
  this.timeout(30_000);
  const supervisor = new HostSupervisor();
  const runner = canRun ? kernelRunner({ hosts: 1, variants: ["ipv4", "ipv6"], readFile: (f) => readFileSync(f, "utf8"), supervisor }) : null;
  const run = (...args: Parameters<NonNullable<typeof runner>["run"]>): ReturnType<NonNullable<typeof runner>["run"]> => runner!.run(...args);
  let dir = "";
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "mptcpdrill-host-run-"));
    writeFileSync(path.join(dir, "pass.pkt"), [...PASSIVE_OPEN, "+0 close(4) = 0", "+0 > F. 1:1(0) ack 1 <...>", ""].join("\n"));
    writeFileSync(path.join(dir, "fail.pkt"), [...PASSIVE_OPEN, "+0 write(4, ..., 100) = 100", "+0 > P. 1:101(100) ack 1 win 9999", ""].join("\n"));
    writeFileSync(path.join(dir, "die.pkt"), "0 `kill -9 $PPID`\n");
    // The script side's key is left to the runner (ckey unbound): drawn from the job's seeded generator.
    writeFileSync(path.join(dir, "mpc-key.pkt"), [
      "0 socket(..., SOCK_STREAM, IPPROTO_MPTCP) = 3", ...PASSIVE_OPEN.slice(1, 4),
      "+0 < S 0:0(0) win 65535 <mss 1460, nop, wscale 7, mpcapable v1 flags[flag_h] nokey>",
      "+0 > S. 0:0(0) ack 1 <mss *, nop, wscale *, mpcapable v1 flags[flag_h] key[skey]>",
      "+0 < . 1:1(0) ack 1 win 256 <mpcapable v1 flags[flag_h] key[ckey, skey]>",
      "+0 accept(3, ..., ...) = 4", "",
    ].join("\n"));
    writeFileSync(path.join(dir, "slow.pkt"), [...PASSIVE_OPEN, "+30 close(4) = 0", ""].join("\n"));
    // Ends while its blocking accept can never return: no SYN comes, and neither closing the
    // listener nor the final RST wakes an accept (a blocked read would be woken by that RST, and
    // then the host rightly serves again): the host cannot serve again.
    writeFileSync(path.join(dir, "stuck.pkt"), [...PASSIVE_OPEN.slice(0, 4), "+0...0.2 accept(3, ..., ...) = 4", ""].join("\n"));
  });
  after(async () => {
    await runner?.close();
    expect(supervisor.livePids(), "no host left after close").to.deep.equal([]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams the child's events in order (-v) and takes the verdict from its scriptEnd", async () => {
    const events: ScriptEvent[] = [];
    const out = await run(spec(dir, "fail.pkt", "ipv4", null, true), (e) => events.push(e), new AbortController().signal);
    expect(out).to.include({ verdict: "fail", line: 10 });
    expect(out.message).to.contain("fail.pkt:10").and.match(/expected win \d+, live packet has win \d+$/);
    // The failure crossed the host protocol as data, dumps included.
    const fail = events.find((e) => e.kind === "eventFail");
    expect(fail?.kind === "eventFail" ? fail.failure : undefined).to.deep.include({ kind: "packet", field: "tcp_window", line: 10 })
      .and.satisfy((f: { scriptPacket: string | null; livePacket: string | null }) => f.scriptPacket !== null && f.livePacket !== null);
    const kinds = events.filter((e) => e.kind !== "log" && e.kind !== "eventStart").map((e) => (e.kind === "eventPass" ? `pass ${e.line}` : e.kind));
    expect(events.some((e) => e.kind === "log"), "-v packet logs").to.equal(true);
    expect(kinds).to.deep.equal(["scriptStart", "pass 1", "pass 2", "pass 3", "pass 4", "pass 5", "pass 6", "pass 7", "pass 8", "pass 9", "eventFail", "scriptEnd"]);
    expect(supervisor.livePids(), "the host stays, warm, for the next job").to.have.length(1);
  });

  it("without -v keeps per-event passes in the child: only system calls' starts cross while the script's clock runs", async () => {
    const events: ScriptEvent[] = [];
    const out = await run(spec(dir, "fail.pkt", "ipv4"), (e) => events.push(e), new AbortController().signal);
    expect(out).to.include({ verdict: "fail", line: 10 });
    // fail.pkt: system calls on lines 1-4, 8 and 9 (their starts cross, their ends do not); the
    // packet lines cross only if one takes longer than a moment (the 0.1 s wait of line 7 may,
    // on a loaded machine), and then with their end.
    const syscallStarts = events.flatMap((e) => (e.kind === "eventStart" && e.what.startsWith("syscall ") ? [e.line] : []));
    expect(syscallStarts).to.deep.equal([1, 2, 3, 4, 8, 9]);
    expect(events.filter((e) => e.kind === "eventPass").map((e) => (e.kind === "eventPass" ? e.line : 0)).every((l) => [5, 6, 7, 10].includes(l))).to.equal(true);
    expect(events.map((e) => e.kind).filter((k) => k !== "eventStart" && k !== "eventPass")).to.deep.equal(["scriptStart", "eventFail", "scriptEnd"]);
  });

  it("--capture: the child writes every injected and outbound packet to a raw-IP ns pcap, in time order", async () => {
    const pcap = path.join(dir, "pass.ipv6.pcap");
    const t0 = Date.now();
    const out = await run(spec(dir, "pass.pkt", "ipv6", pcap), () => undefined, new AbortController().signal);
    expect(out.verdict, String(out.message)).to.equal("pass");
    const bytes = new Uint8Array(readFileSync(pcap));
    expect(new DataView(bytes.buffer).getUint32(0, true), "ns magic").to.equal(0xa1b23c4d);
    const packets = [...readPcap(bytes)].flatMap((i) => (i.kind === "packet" ? [i.packet] : []));
    expect(packets.every((p) => p.linkType === LINKTYPE_RAW)).to.equal(true);
    const rows = packets.map((p) => {
      const r = parsePacket(p.data);
      if (!r.ok || r.value.l4.kind !== "tcp") throw new Error("not TCP");
      const inbound = r.value.l4.dstPort === 8080;
      return { dir: inbound ? "in" : "out", flags: r.value.l4.flags, ns: BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec) };
    });
    // SYN in, SYN/ACK out, ACK in, FIN out (close), then the final RST the interpreter injects.
    expect(rows.map((r) => `${r.dir} ${r.flags.toString(16)}`)).to.deep.equal(["in 2", "out 12", "in 10", "out 11", "in 14"]);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.ns >= rows[i - 1]!.ns, `record ${i + 1} not before record ${i}`).to.equal(true);
    const gap = Number(rows[2]!.ns - rows[0]!.ns) / 1e6;
    expect(gap, "the +.1 s gap between SYN and ACK").to.be.within(95, 130);
    expect(Number(rows[0]!.ns / 1_000_000n), "dated on the wall clock").to.be.within(t0 - 1000, Date.now() + 1000);
  });

  it("the run's seed crosses to the host: the script side's unbound MPTCP key replays with the same seed, changes with another", async () => {
    const scriptKey = async (seed: number, name: string): Promise<bigint> => {
      const pcap = path.join(dir, name);
      const out = await run(spec(dir, "mpc-key.pkt", "ipv4", pcap, false, seed), () => undefined, new AbortController().signal);
      expect(out.verdict, String(out.message)).to.equal("pass");
      for (const item of readPcap(new Uint8Array(readFileSync(pcap)))) {
        if (item.kind !== "packet") continue;
        const r = parsePacket(item.packet.data);
        if (!r.ok || r.value.l4.kind !== "tcp" || r.value.l4.dstPort !== 8080) continue;
        for (const o of r.value.l4.options) if (o.kind === "mptcp" && o.subtype === "mpCapable" && o.receiversKey !== undefined && o.sendersKey !== undefined) return o.sendersKey;
      }
      throw new Error("no inbound MP_CAPABLE ACK with two keys");
    };
    const a = await scriptKey(41, "key-a.pcap");
    expect(await scriptKey(41, "key-b.pcap")).to.equal(a);
    expect(await scriptKey(42, "key-c.pcap")).to.not.equal(a);
  });

  it("a host that dies without a verdict is an error naming how it ended, and the next job gets a new host", async () => {
    const before = supervisor.livePids();
    const out = await run(spec(dir, "die.pkt", "ipv4"), () => undefined, new AbortController().signal);
    expect(out).to.deep.equal({ verdict: "error", line: null, message: "script host was killed by SIGKILL (without a verdict)" });
    expect(before.every((pid) => !existsSync(`/proc/${pid}`)), "the dead host is gone").to.equal(true);
    const next = await run(spec(dir, "pass.pkt", "ipv4"), () => undefined, new AbortController().signal);
    expect(next.verdict, String(next.message)).to.equal("pass");
    expect(supervisor.livePids()).to.have.length(1);
    expect(supervisor.livePids()).to.not.include.members(before);
  });

  it("aborting the job kills the child's process group at once", async () => {
    const ac = new AbortController();
    const started = Date.now();
    let pid = 0;
    const result = run(spec(dir, "slow.pkt", "ipv4", null, true), (e) => {
      if (e.kind === "eventPass" && e.line === 8) {
        pid = supervisor.livePids()[0] ?? 0;
        ac.abort("test");
      }
    }, ac.signal);
    const out = await result;
    expect(Date.now() - started).to.be.lessThan(10_000);
    expect(out.verdict).to.equal("error");
    expect(pid).to.be.greaterThan(0);
    expect(existsSync(`/proc/${pid}`)).to.equal(false);
    expect(supervisor.livePids()).to.deep.equal([]);
    const next = await run(spec(dir, "pass.pkt", "ipv4"), () => undefined, new AbortController().signal);
    expect(next.verdict, "a new host serves the next job").to.equal("pass");
  });

  it("a script whose AST fills the IPC channel still runs (a queued send is not a dead host)", async () => {
    const lines = ["0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", ...Array.from({ length: 3000 }, () => "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0"), "+0 close(3) = 0", ""];
    writeFileSync(path.join(dir, "big.pkt"), lines.join("\n"));
    // 3000 calls at +0 add up to tens of ms of lateness: a wide tolerance, this test is about IPC.
    const out = await run({ ...spec(dir, "big.pkt", "ipv4"), flags: { tolerance_usecs: "10000000" } }, () => undefined, new AbortController().signal);
    expect(out.verdict, String(out.message)).to.equal("pass");
  });

  it("a host left with a blocking call stuck in the kernel is replaced; its job keeps its verdict", async () => {
    await run(spec(dir, "pass.pkt", "ipv4"), () => undefined, new AbortController().signal);
    const before = supervisor.livePids();
    expect(before).to.have.length(1);
    const out = await run(spec(dir, "stuck.pkt", "ipv4"), () => undefined, new AbortController().signal);
    expect(out.verdict).to.equal("fail");
    expect(out.message).to.contain("blocking system call is in progress");
    for (const deadline = Date.now() + 3000; before.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    expect(before.filter((pid) => existsSync(`/proc/${pid}`)), "the stuck host is gone").to.deep.equal([]);
    const next = await run(spec(dir, "pass.pkt", "ipv4"), () => undefined, new AbortController().signal);
    expect(next.verdict, String(next.message)).to.equal("pass");
    expect(supervisor.livePids()).to.have.length(1).and.not.include.members(before);
  });

  describe("two scripts back to back in one host", () => {
    const marker = `sleep ${(100 + (process.pid % 1000) / 1000).toFixed(3)}`;
    // Leaves everything a script can leave behind in its namespace: a sysctl, an address and a
    // route, an MPTCP endpoint, a socket in TIME_WAIT on port 8080, a command still running.
    const DIRTY = [
      "`echo $PPID > host-a.pid; sysctl -q net.ipv4.tcp_timestamps=0 && ip addr add 198.51.100.77/32 dev lo && ip route add 203.0.113.0/24 dev tun0 && ip mptcp endpoint add 198.51.100.77 signal`",
      `\`${marker} > /dev/null 2>&1 &\``,
      ...PASSIVE_OPEN,
      "+0 close(4) = 0",
      "+0 > F. 1:1(0) ack 1 <...>",
      "+0 < F. 1:1(0) ack 2 win 257",
      "+0 > . 2:2(0) ack 2 <...>",
      "+0 `ss -Htan state time-wait | grep -q :8080`",
      "",
    ].join("\n");
    // Fails at its first line if any of that is still there; binds 8080 without SO_REUSEADDR.
    const CLEAN = [
      "`echo $PPID > host-b.pid; test \"$(sysctl -n net.ipv4.tcp_timestamps)\" = 1`",
      "+0 `! ip addr show | grep -q 198.51.100.77`",
      "+0 `! ip route show | grep -q 203.0.113.0`",
      "+0 `test -z \"$(ip mptcp endpoint show)\"`",
      "+0 `test -z \"$(ss -Htan)\"`",
      `+0 \`! pgrep -f '[${marker.slice(0, 1)}]${marker.slice(1)}'\``,
      "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
      "+0 bind(3, ..., ...) = 0",
      "+0 listen(3, 1) = 0",
      "+0 close(3) = 0",
      "",
    ].join("\n");

    it("the second finds none of what the first left (same host)", async () => {
      writeFileSync(path.join(dir, "dirty.pkt"), DIRTY);
      writeFileSync(path.join(dir, "clean.pkt"), CLEAN);
      for (const variant of ["ipv4", "ipv6"] as const) {
        const first = await run(spec(dir, "dirty.pkt", variant), () => undefined, new AbortController().signal);
        expect(first.verdict, `${variant} dirty: ${first.message}`).to.equal("pass");
        const second = await run(spec(dir, "clean.pkt", variant), () => undefined, new AbortController().signal);
        expect(second.verdict, `${variant} clean: ${second.message}`).to.equal("pass");
        expect(readFileSync(path.join(dir, "host-b.pid"), "utf8"), "both ran in the same host").to.equal(readFileSync(path.join(dir, "host-a.pid"), "utf8"));
      }
      expect(spawnSync("pgrep", ["-f", marker]).status, "the first script's command was killed").to.equal(1);
    });

    it("the checks of the second do see the first's leftovers within one script (the test can fail)", async () => {
      const both = `${DIRTY}${CLEAN.replace(/^`/, "+0 `")}`;
      writeFileSync(path.join(dir, "both.pkt"), both);
      const out = await run(spec(dir, "both.pkt", "ipv4"), () => undefined, new AbortController().signal);
      expect(out.verdict).to.equal("fail");
      expect(out.line, String(out.message)).to.equal(DIRTY.split("\n").length);
    });
  });
});
