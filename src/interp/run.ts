/**
 * `runScript`: executes one parsed script against a SUT with packetdrill's semantics
 * (pkt-language.md §1.1, §2, §3.5, §6, §7, §10.6): events in order on the run's clock, stopping
 * at the first fatal mismatch, then closing sockets, injecting the final RSTs, running the
 * cleanup command and, only after a full pass, the collected code. Emits `ScriptEvent`s.
 */
import type * as ast from "../script/ast.ts";
import type { Sut } from "../sut/sut.ts";
import { formatPacket } from "../wire/dump.ts";
import type { PacketRepr } from "../wire/packet.ts";
import { type EmitScriptEvent, type FailureDetail, type FailureKind, textFailure } from "./events.ts";
import { mapOutboundTcp } from "./matcher.ts";
import { sniffCause } from "./mismatch-cause.ts";
import { type Mismatch, type PacketDumps, dumpLines, locate, mismatchFailure, mismatchText, plainMismatch, withCause } from "./mismatch.ts";
import { formatScriptPacket } from "./script-dump.ts";
import {
  type PacketContext, checkOutbound, injectInbound, prepareInbound, sniffOutbound, socketForInbound, socketForOutbound,
} from "./packet-events.ts";
import { buildInboundIcmp, checkIcmpNames } from "./icmp-packet.ts";
import { commandFailure } from "./command-failure.ts";
import { closeEverything, runCode, snapshotForCode } from "./run-end.ts";
import type { RunOptions } from "./run-options.ts";
import { type ScriptTcpPacket, scriptTcpPacket } from "./script-packet.ts";
import { SocketTable } from "./sockets.ts";
import { type PreparedSyscall, checkSyscall, noteCallStart, prepareSyscall } from "./syscalls.ts";
import { type EventClass, type Scheduled, Timeline, checkTime, sniffTimeoutMicros, toleranceFor } from "./timeline.ts";
import { ScriptFault, ValueEnv } from "./values.ts";

/** How a script run ended. */
export interface ScriptOutcome {
  readonly verdict: "pass" | "fail" | "error";
  /** The first fatal problem (full multi-line message), absent on pass. */
  readonly failure?: { readonly line: number | null; readonly message: string };
  /** Non-fatal problems (`--non_fatal=packet`), rendered. */
  readonly warnings: readonly string[];
}

/** A blocking syscall still in flight (§6.5). */
interface PendingCall {
  readonly prepared: PreparedSyscall;
  readonly sched: Scheduled;
  readonly startedAt: number;
  /** The SUT's answer arrived (its checks may still be running). */
  returned: boolean;
  /** The checks of the answer ran (`result` settled). */
  done: boolean;
  readonly result: Promise<Mismatch | null>;
}

const sec9 = (us: number): string => (us / 1e6).toFixed(6).padStart(9);

function classOf(a: ast.Action): EventClass {
  return a.kind === "packet" ? a.direction : "other";
}

/** One run of one script; owns all per-run state (house-style rule 14). */
class ScriptRun {
  private readonly env: ValueEnv;
  private readonly fds: SocketTable;
  private readonly timeline = new Timeline();
  private readonly pctx: PacketContext;
  private start = 0;
  /** Script time the previous event finished, per the SUT's timestamps; null = use now. */
  private activity: number | null = null;
  private pending: PendingCall | null = null;
  /** Resolves once the pending call was seen blocked or returned (§6.5). */
  private settling: Promise<void> | null = null;
  /** Resolves once the pending call's base is known (see `syscall`). */
  private starting: Promise<void> | null = null;
  readonly codeParts: string[] = [];
  /** The script line of each code part. */
  readonly codeLines: number[] = [];
  readonly warnings: string[] = [];

  constructor(private readonly script: ast.Script, private readonly sut: Sut, private readonly o: RunOptions, private readonly emit: EmitScriptEvent) {
    this.env = new ValueEnv(o.defines);
    this.fds = new SocketTable(o.ephemeralPortStart, o.rng);
    this.pctx = { sut, fds: this.fds, strictSegments: o.strictSegments, tsEcrScaled: o.tcpTsEcrScaled, tsTickUsecs: o.tcpTsTickUsecs, gsoSize: o.mss };
  }

  private elapsed(): number {
    return this.o.clock.now() - this.start;
  }

  private ms(): number {
    return Math.round(this.elapsed() / 1000);
  }

  /** Runs the whole script; returns the first fatal failure message or null. */
  async run(): Promise<{ line: number | null; message: string } | null> {
    const events = this.script.events;
    const init = events[0]?.time === null && events[0].action.kind === "command" ? events[0] : null;
    const last = events[events.length - 1];
    const cleanup = events.length > 1 && last?.time === null && last.action.kind === "command" ? last : null;
    if (init && init.action.kind === "command") {
      this.started(init.span.start.line, "init command");
      const r = await this.sut.runCommand(init.action.text);
      if (r.exitCode !== 0) return this.reported({ line: init.span.start.line, message: commandFailure(`${this.script.file}: error executing init command`, init.action.text, r) }, "command");
    }
    await this.warmUp();
    this.start = this.o.clock.now();
    let failure: { line: number | null; message: string } | null = null;
    for (const ev of events) {
      if (ev === init || ev === cleanup || ev.time === null) continue;
      failure = await this.guard(ev, () => this.step(ev));
      if (failure) break;
    }
    // packetdrill's order after the last event: the cleanup command, the code, then ≤ 1 s for a
    // blocking call still in flight (its result is checked when it returns), then close + RST.
    if (!failure) failure = await this.guardPending(() => this.finishPending());
    if (init && cleanup && cleanup.action.kind === "command") {
      this.started(cleanup.span.start.line, "cleanup command");
      const r = await this.sut.runCommand(cleanup.action.text);
      if (r.exitCode !== 0 && !failure) failure = this.reported({ line: cleanup.span.start.line, message: locate(cleanup.span, commandFailure(`error executing \`${cleanup.action.text}\` command`, null, r)) }, "command");
    }
    if (!failure && this.codeParts.length > 0) {
      this.started(this.codeLines[0] ?? null, "code blocks (%{ }%, run after the last event)");
      failure = this.reported(await runCode(this.sut, this.codeParts, this.script.file, this.codeLines));
    }
    if (!failure) failure = await this.endPending();
    this.started(last?.span.start.line ?? null, "end of the script: closing its sockets");
    failure = this.reported(await closeEverything(this.sut, this.fds, this.script.file)) ?? failure;
    return failure;
  }

  /**
   * Emits a failure found after the last event as a fatal `eventFail`, so reporters get its whole
   * message (a code block's Python traceback is on the lines after the first).
   */
  private reported(f: { line: number | null; message: string } | null, kind: FailureKind = "runtime"): { line: number | null; message: string } | null {
    if (f) {
      const failure = textFailure(kind, this.o.file, f.line, f.message);
      this.emit({ kind: "eventFail", file: this.o.file, variant: this.o.variant, line: f.line, message: f.message, fatal: true, ms: this.ms(), failure });
    }
    return f;
  }

  /**
   * A few harmless round trips before the clock starts (`close(-1)` → EBADF, an empty read of
   * the outbound queue), so first-call costs of a SUT behind IPC do not land on the first events.
   */
  private async warmUp(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      await this.sut.syscall({ name: "close", args: [{ kind: "int", value: -1 }], blocking: false }).result;
      await this.sut.nextOutbound(this.sut.now());
    }
  }

  /** Says that the event of `line` starts (see {@link EventStartEvent}). */
  private started(line: number | null, what: string): void {
    if (line !== null) this.emit({ kind: "eventStart", file: this.o.file, variant: this.o.variant, line, what, ms: this.ms() });
  }

  /** Runs one step, turning script faults into failures and reporting the event. */
  private async guard(ev: ast.Event, f: () => Promise<Mismatch | null>): Promise<{ line: number | null; message: string } | null> {
    let m: Mismatch | null;
    let dumps: PacketDumps | null = null;
    this.started(ev.span.start.line, describe(ev.action));
    try {
      m = await f();
      // Rendered only for a failure: formatting both packets costs more than matching them.
      if (m !== null) dumps = this.lastDumps();
    } catch (e) {
      if (!(e instanceof ScriptFault)) throw e;
      m = plainMismatch("runtime", e.field, e.message, e.span);
    }
    const line = ev.span.start.line;
    if (m === null) {
      const result = ev.action.kind === "syscall" ? { result: expectedResult(ev.action) } : {};
      this.emit({ kind: "eventPass", file: this.o.file, variant: this.o.variant, line, what: describe(ev.action), ms: this.ms(), ...result });
      return null;
    }
    const message = this.render(m, dumps);
    const failure = this.failure(m, message, dumps);
    // The failure belongs to the line its message names: a late blocking call is noticed while a
    // later event runs, but the mismatch carries the call's own span.
    const failLine = m.span.start.line;
    const fatal = !(this.o.nonFatalPacket && !m.alwaysFatal && (m.kind === "packet" || m.kind === "timing"));
    this.emit({ kind: "eventFail", file: this.o.file, variant: this.o.variant, line: failLine, message, fatal, ms: this.ms(), failure });
    if (!fatal) {
      this.warnings.push(message);
      return null;
    }
    return { line: failLine, message };
  }

  /** The script and actual packet dumps of the last outbound line, rendered on demand. */
  private lastDumps: () => PacketDumps | null = () => null;

  /** True when a mismatch renders as a packet error, with the dumps (pkt-language.md §9). */
  private isPacket(m: Mismatch, dumps: PacketDumps | null): boolean {
    return m.kind === "packet" || m.kind === "timeout" || (m.kind === "timing" && dumps !== null);
  }

  private render(m: Mismatch, dumps: PacketDumps | null): string {
    const isPacket = this.isPacket(m, dumps);
    const prefix = isPacket ? (this.o.nonFatalPacket && !m.alwaysFatal ? "warning handling packet: " : "error handling packet: ") : "";
    return locate(m.span, prefix + mismatchText(m)) + (isPacket ? dumpLines(dumps) : "");
  }

  /** The failure as data: `text` is the rendered message, the dumps only when it shows them. */
  private failure(m: Mismatch, text: string, dumps: PacketDumps | null): FailureDetail {
    return mismatchFailure(m, text, this.isPacket(m, dumps) ? dumps : null);
  }

  /** Renders `m` with no dumps and emits it as a fatal `eventFail`; returns the run failure. */
  private fatal(m: Mismatch): { line: number; message: string } {
    const message = this.render(m, null);
    this.emit({ kind: "eventFail", file: this.o.file, variant: this.o.variant, line: m.span.start.line, message, fatal: true, ms: this.ms(), failure: this.failure(m, message, null) });
    return { line: m.span.start.line, message };
  }

  private async step(ev: ast.Event): Promise<Mismatch | null> {
    this.lastDumps = () => null;
    const time = ev.time as ast.EventTime;
    const cls = classOf(ev.action);
    await this.awaitSettled(cls);
    const early = await this.finishPending();
    if (early) return early;
    if (ev.action.kind === "syscall" && this.pending) {
      // §6.5: every syscall waits ≤ 1 s for the blocking one; only another blocking call fails.
      const wait = await this.waitPending(1_000_000);
      if (wait) return wait;
      if (this.pending && ev.blockingEnd !== null) {
        return plainMismatch("syscall", "blocking", `runtime error in ${ev.action.name} call: blocking system call while another blocking system call is already in progress`, ev.span);
      }
    }
    // §2.2: the base is when the interpreter finished the previous event; with a SUT behind IPC,
    // the SUT's own timestamps of that moment (injection, syscall return, capture) stand for it.
    const sched = this.timeline.schedule(time, ev.blockingEnd, cls, this.activity ?? this.elapsed());
    this.activity = null;
    if (typeof sched === "string") throw new ScriptFault(sched, time.span);
    const a = ev.action;
    let res: Mismatch | null;
    let resolved = sched.startAt ?? this.elapsed();
    if (a.kind === "packet") {
      if (a.body.kind === "icmp" && a.direction === "inbound") res = await this.inboundIcmp(a, a.body, sched);
      else if (a.body.kind !== "tcp") throw new ScriptFault(`${a.direction} ${a.body.kind.toUpperCase()} packets are not supported yet`, a.span);
      else if (a.direction === "inbound") res = await this.inbound(scriptTcpPacket(a, a.body, this.env), sched);
      else {
        const r = await this.outbound(scriptTcpPacket(a, a.body, this.env), sched);
        res = r.m;
        if (sched.startAt === null) resolved = r.actual;
      }
    } else if (a.kind === "syscall") res = await this.syscall(a, sched, ev);
    else {
      await this.waitFor(sched);
      res = this.checkStart(a.kind === "command" ? "command" : "data collection for code", sched, ev.span);
      if (!res) res = a.kind === "command" ? await this.command(a, ev) : await this.code(a, ev);
    }
    this.timeline.complete(resolved, cls);
    return res;
  }

  private async waitFor(s: Scheduled): Promise<void> {
    if (s.startAt !== null) await this.o.clock.sleepUntil(this.start + s.startAt);
  }

  /** Checks a start time: `at` (script µs, a SUT timestamp when one exists) or now. */
  private checkStart(what: Parameters<typeof checkTime>[0], s: Scheduled, span: ast.Event["span"], at = this.elapsed()): Mismatch | null {
    if (this.timeline.atFirstEvent) return null;
    return checkTime(what, s.expected, at, s.prev, this.o.timing, span);
  }

  private async inbound(sp: ScriptTcpPacket, s: Scheduled): Promise<Mismatch | null> {
    const prepared = prepareInbound(sp, socketForInbound(sp, this.pctx), this.pctx);
    await this.waitFor(s);
    const late = this.checkStart("inbound packet", s, sp.span);
    if (late) return late;
    const { repr, timestampUs } = await injectInbound(prepared, this.pctx);
    this.activity = timestampUs - this.start;
    if (this.o.verbose) this.log(sp, `inbound injected packet: ${sec9(this.elapsed())} ${formatPacket(repr)}`);
    return null;
  }

  /** §3.3: an inbound ICMP error about the current socket's connection (§5.5 rule 3). */
  private async inboundIcmp(node: ast.Packet, msg: ast.IcmpMessage, s: Scheduled): Promise<Mismatch | null> {
    await this.waitFor(s);
    const late = this.checkStart("inbound packet", s, node.span);
    if (late) return late;
    const sock = this.fds.current;
    if (sock === null) throw new ScriptFault("no matching socket for script packet", node.span);
    const { repr, bytes } = buildInboundIcmp(node, msg, sock.conn, this.sut.net.wireFamily, this.env);
    const r = await this.sut.inject(bytes);
    if (!r.ok) throw new ScriptFault(`error writing packet: ${r.message}`, node.span);
    this.activity = r.timestampUs - this.start;
    if (this.o.verbose) this.emit({ kind: "log", file: this.o.file, variant: this.o.variant, line: node.span.start.line, text: `inbound injected packet: ${sec9(this.elapsed())} ${formatPacket(repr)}` });
    return null;
  }

  private async outbound(sp: ScriptTcpPacket, s: Scheduled): Promise<{ m: Mismatch | null; actual: number }> {
    const sock = socketForOutbound(sp, this.fds);
    const timeout = sniffTimeoutMicros(s);
    const deadline = timeout === null ? this.o.clock.now() + 3_600_000_000 : this.o.clock.now() + timeout;
    const r = await sniffOutbound(sp, sock, this.pctx, deadline);
    const expectedAt = s.expected.kind === "point" ? s.expected.at : s.expected.kind === "range" ? s.expected.start : this.elapsed();
    const actual = r.last ? r.last.timestampUs - this.start : this.elapsed();
    this.lastDumps = () => this.dumps(sp, r.packet, sock.conn, expectedAt, actual);
    if (!r.ok) return { m: withCause(r.mismatch, sniffCause(r.mismatch, r.packet)), actual };
    this.activity = actual;
    if (this.o.verbose) this.log(sp, `outbound sniffed packet: ${sec9(actual)} ${formatPacket(r.packet)}`);
    const tol = s.expected.kind === "any" ? 0 : toleranceFor(this.o.timing, expectedAt, s.prev);
    const m = checkOutbound(sp, sock, r.packet, { conn: sock.conn, tsTickUsecs: this.o.tcpTsTickUsecs, toleranceUsecs: tol, eventTimeUsecs: expectedAt });
    if (m) return { m, actual };
    return { m: checkTime("outbound packet", s.expected, actual, s.prev, this.o.timing, sp.span), actual };
  }

  private dumps(sp: ScriptTcpPacket, live: PacketRepr | null, conn: Parameters<typeof mapOutboundTcp>[1], expectedAt: number, actual: number): PacketDumps {
    const script = formatScriptPacket(sp, this.sut.net, conn);
    if (!live) return { script: `${sec9(expectedAt)} ${script}`, live: null };
    const mapped = live.l4.kind === "tcp" ? { ...live, l4: mapOutboundTcp(live.l4, conn) } : live;
    return { script: `${sec9(expectedAt)} ${script}`, live: `${sec9(actual)} ${formatPacket(mapped)}` };
  }

  private log(sp: ScriptTcpPacket, text: string): void {
    this.emit({ kind: "log", file: this.o.file, variant: this.o.variant, line: sp.span.start.line, text });
  }

  private async syscall(call: ast.Syscall, s: Scheduled, ev: ast.Event): Promise<Mismatch | null> {
    await this.waitFor(s);
    const late = this.checkStart("system call start", s, call.span);
    if (late) return late;
    const prepared = prepareSyscall(call, this.env, this.fds, this.sut.net);
    const blocking = s.blockingEnd !== null;
    noteCallStart(prepared, this.env, this.fds, this.sut.net);
    const handle = this.sut.syscall({ name: prepared.name, args: prepared.args, blocking });
    const startedAt = this.elapsed();
    const check = async (): Promise<Mismatch | null> => {
      const out = await handle.result;
      if (out.kind === "invalid") return plainMismatch("syscall", "args", `runtime error in ${call.name} call: ${out.message}`, call.span);
      // §2.2: packetdrill issues a call within microseconds of its scheduled time; ours may start
      // later (the previous packet still being matched), and that lag is ours, not the SUT's. So
      // the base after a call is its scheduled start plus the time the call itself took.
      if (!blocking) this.activity = Math.min(out.endUs - this.start, (s.startAt ?? startedAt) + Math.max(0, out.endUs - out.startUs));
      const m = checkSyscall(prepared, out, this.env, this.fds, this.sut.net, { startUs: this.start, toleranceUsecs: this.o.timing.toleranceUsecs });
      if (m || !blocking || s.blockingEnd === null) return m;
      return checkTime("system call return", { kind: "point", at: s.blockingEnd }, out.endUs - this.start, s.startAt ?? startedAt, this.o.timing, ev.span);
    };
    if (!blocking) return check();
    // §2.2: the base of the next event is when the call began blocking. packetdrill sees that
    // within microseconds of the call's scheduled start; our probe sees it late and the call may
    // be issued late (the previous packet still being matched), so the scheduled start stands for it.
    const planned = Math.min(startedAt, s.startAt ?? startedAt);
    this.activity = planned;
    // When the SUT says when the call went into the kernel on its thread, the time it took to get
    // there from the issue counts (a connect's SYN leaves only then).
    this.starting = handle.started?.then(({ issuedUs, enteredUs }) => { this.activity = planned + Math.max(0, enteredUs - issuedUs); }) ?? null;
    const p: PendingCall = { prepared, sched: s, startedAt, returned: false, done: false, result: check() };
    void handle.result.then(() => (p.returned = true), () => (p.returned = true));
    void p.result.then(() => (p.done = true), () => (p.done = true));
    this.pending = p;
    this.started(prepared.call.span.start.line, `syscall ${prepared.name} (blocking: waiting for its return)`);
    this.settling = handle.settled.then(() => undefined);
    return null;
  }

  /**
   * §6.5: the event after a blocking call starts once the call sleeps in the kernel or returned.
   * An outbound line does not wait: its sniff waits for the packet anyway (often the call's own
   * SYN), and once a packet was read after the call started, the call is known to be in the
   * kernel, so later events need not wait for the (slower) sleep probe either.
   */
  private async awaitSettled(cls: EventClass): Promise<void> {
    if (this.starting !== null) await this.starting;
    this.starting = null;
    if (this.settling === null) return;
    if (cls !== "outbound") await this.settling;
    this.settling = null;
  }

  /** Checks a blocking call that already returned (§6.5); null while it is still blocked. */
  private async finishPending(): Promise<Mismatch | null> {
    return this.pending?.done ? this.waitPending(0) : null;
  }

  /** A pending call's mismatch as a run failure. */
  private async guardPending(f: () => Promise<Mismatch | null>): Promise<{ line: number | null; message: string } | null> {
    const m = await f();
    return m ? { line: m.span.start.line, message: this.render(m, null) } : null;
  }

  /** At the end: waits up to 1 s for a blocking call, which must have returned by then. */
  private async endPending(): Promise<{ line: number | null; message: string } | null> {
    if (!this.pending) return null;
    const span = this.pending.prepared.call.span;
    const m = await this.waitPending(1_000_000);
    if (m) return { line: m.span.start.line, message: this.render(m, null) };
    if (this.pending) return this.reported({ line: span.start.line, message: locate(span, "runtime error: exiting while a blocking system call is in progress") });
    return null;
  }

  private async waitPending(maxUs: number): Promise<Mismatch | null> {
    const p = this.pending;
    if (!p) return null;
    if (!p.done && maxUs > 0) {
      // On the run's clock: real time for a kernel, virtual time (up to the call's return) for the
      // reference SUT, which otherwise would wait for nothing to happen.
      await this.o.clock.sleepUntil(this.o.clock.now() + maxUs, p.result);
      // A call that returned as the wait ended is done once its checks ran.
      if (!p.done && p.returned) await p.result;
    }
    if (!p.done) return null;
    this.pending = null;
    const m = await p.result;
    if (m) this.fatal(m);
    else this.emit({ kind: "eventPass", file: this.o.file, variant: this.o.variant, line: p.prepared.call.span.start.line, what: `syscall ${p.prepared.name} return`, ms: this.ms(), result: expectedResult(p.prepared.call) });
    return m;
  }

  private async command(c: ast.Command, ev: ast.Event): Promise<Mismatch | null> {
    const r = await this.sut.runCommand(c.text);
    if (r.exitCode === 0) return null;
    return plainMismatch("command", "command", commandFailure(`error executing \`${c.text}\` command`, null, r), ev.span);
  }

  private async code(c: ast.Code, ev: ast.Event): Promise<Mismatch | null> {
    const snap = await snapshotForCode(this.sut, this.fds, c, ev, this.o.codeSockopt);
    if (typeof snap !== "string") return snap;
    this.codeParts.push(snap);
    this.codeLines.push(ev.span.start.line);
    return null;
  }
}

/** A passing call's result as its script line writes it: `0`, `-1 EINPROGRESS`, `...`. */
function expectedResult(call: ast.Syscall): string {
  const r = call.result;
  const value = r.kind === "int" ? r.text : r.kind === "ident" ? r.name : r.kind === "ellipsis" ? "..." : "(expression)";
  return call.errno === null ? value : `${value} ${call.errno.name}`;
}

function describe(a: ast.Action): string {
  switch (a.kind) {
    case "packet": return `${a.direction} packet`;
    case "syscall": return `syscall ${a.name}`;
    case "command": return "command";
    case "code": return "code";
  }
}

/**
 * Runs `script` against `sut` and reports through `emit` (scriptStart … scriptEnd). Never throws
 * for script problems; SUT/environment errors (`MptcpdrillError`) end the run as `error`.
 */
export async function runScript(script: ast.Script, sut: Sut, options: RunOptions, emit: EmitScriptEvent): Promise<ScriptOutcome> {
  const t0 = options.clock.now();
  const job = { file: options.file, variant: options.variant };
  emit({ kind: "scriptStart", ...job });
  const run = new ScriptRun(script, sut, options, emit);
  let outcome: ScriptOutcome;
  // packetdrill rejects an ICMP name the wire family lacks before anything runs.
  const semantic = checkIcmpNames(script, new ValueEnv(options.defines), sut.net.wireFamily);
  if (semantic) {
    emit({ kind: "eventFail", ...job, line: semantic.line, message: semantic.message, fatal: true, ms: 0, failure: textFailure("error", options.file, semantic.line, semantic.message) });
    emit({ kind: "scriptEnd", ...job, verdict: "error", line: semantic.line, message: semantic.message, ms: 0 });
    return { verdict: "error", failure: semantic, warnings: [] };
  }
  try {
    const failure = await run.run();
    outcome = failure ? { verdict: "fail", failure, warnings: run.warnings } : { verdict: "pass", warnings: run.warnings };
  } catch (e) {
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    emit({ kind: "eventFail", ...job, line: null, message, fatal: true, ms: Math.round((options.clock.now() - t0) / 1000), failure: textFailure("error", options.file, null, message) });
    outcome = { verdict: "error", failure: { line: null, message }, warnings: run.warnings };
  }
  emit({
    kind: "scriptEnd", ...job, verdict: outcome.verdict, line: outcome.failure?.line ?? null,
    message: outcome.failure ? (outcome.failure.message.split("\n")[0] ?? null) : null, ms: Math.round((options.clock.now() - t0) / 1000),
  });
  return outcome;
}
