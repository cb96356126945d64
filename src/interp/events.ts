/**
 * Run events (house-style rule 15): the typed stream a run produces and reporters subscribe to.
 *
 * The interpreter emits the per-script events (`scriptStart`, `eventPass`, `eventFail`, `log`,
 * `scriptEnd`) for the one script and variant it runs; the scheduler in `cli/run` adds `runStart`
 * and `runEnd` around all jobs and re-emits what each child process streams. Every event is plain
 * JSON data (no classes, no bigint), so it crosses a process boundary as one JSON line unchanged.
 * Reporters never decide pass or fail: the verdict arrives in `scriptEnd`.
 */

/** packetdrill's `--ip_version` values, the variants a script can run as (pkt-language.md §1.6). */
export type Variant = "ipv4" | "ipv6" | "ipv4-mapped-ipv6";

/** Every variant, in the order run_all.py runs them. */
export const VARIANTS: readonly Variant[] = ["ipv4", "ipv4-mapped-ipv6", "ipv6"];

/**
 * The outcome of one script run as one variant: `pass` (every event matched), `fail` (a mismatch,
 * a timing error, a failed syscall expectation or the per-script timeout), `error` (the script
 * could not be parsed or the environment could not run it: not root, no /dev/net/tun, a crashed
 * child), `skip` (not run: the run was interrupted before it started), `xfail` (it would be
 * `fail`, but the script carries a known-difference tag for this SUT: not a failure of the run),
 * `xpass` (it passed although tagged: a failure of the run, so stale tags get noticed). A failure
 * an expected-failure baseline (`run --baseline FILE`) lists with the same verdict and line is
 * `xfail` too. `flaky` (`run --retries N`): it failed, then passed on a retry; not a failure of
 * the run, counted apart so it stays visible.
 */
export type Verdict = "pass" | "fail" | "error" | "skip" | "xfail" | "xpass" | "flaky";

/** Every verdict, in the order summaries list them. */
export const VERDICTS: readonly Verdict[] = ["pass", "fail", "error", "skip", "xfail", "xpass", "flaky"];

/**
 * A script's known-difference tag for the SUT of the run (`// mptcpdrill: kernel-differs …`,
 * src/script/known-difference.ts), as plain data carried by `scriptEnd`.
 */
export interface KnownDifferenceTag {
  readonly sut: string;
  /** `rfc-choice`, `kernel-deviation` or `runner-bug`. */
  readonly kind: string;
  readonly reason: string;
  /** 1-based line of the tag in the script. */
  readonly line: number;
}

/** Identifies one job: a script file (as the user named it) run as one variant. */
export interface JobRef {
  /** Script path as given on the command line or found under a folder (relative stays relative). */
  readonly file: string;
  readonly variant: Variant;
  /** `run --repeat N` (N > 1): which repetition of the job an event belongs to, 1-based; absent otherwise. */
  readonly repeat?: number;
}

/** The run begins: `total` jobs (script × variant) will be scheduled, at most `jobs` at once. */
export interface RunStartEvent {
  readonly kind: "runStart";
  readonly total: number;
  readonly jobs: number;
  /** The SUT kind, e.g. `kernel`. */
  readonly sut: string;
}

/** One script starts running as one variant. */
export interface ScriptStartEvent extends JobRef {
  readonly kind: "scriptStart";
}

/**
 * One script event starts (a packet, syscall, command or code line; a blocking call's wait for its
 * return; the code blocks run at the end). With the `eventPass`/`eventFail` of the same line it
 * tells where a job is: a job that hits its time limit names the event it was stuck in. Script
 * hosts forward it only for events still running after a moment, so fast events cost no IPC.
 */
export interface EventStartEvent extends JobRef {
  readonly kind: "eventStart";
  /** 1-based line of the event in the script. */
  readonly line: number;
  /** Short description, e.g. `outbound packet`, `syscall accept (blocking: waiting for its return)`. */
  readonly what: string;
  /** Milliseconds since the script started. */
  readonly ms: number;
}

/** One script event (a packet, syscall, command or code line) matched. */
export interface EventPassEvent extends JobRef {
  readonly kind: "eventPass";
  /** 1-based line of the event in the script. */
  readonly line: number;
  /** Short description, e.g. `outbound packet`, `syscall connect`. */
  readonly what: string;
  /** Milliseconds since the script started. */
  readonly ms: number;
  /**
   * For a system call: the result the script expects and the call returned, as the script wrote it
   * (`0`, `-1 EINPROGRESS`, `...`); what the HTML ladder writes beside the call.
   */
  readonly result?: string;
}

/** Which family a failure belongs to: the interpreter's mismatch kinds, or `error` for the rest. */
export type FailureKind = "packet" | "timing" | "timeout" | "syscall" | "command" | "runtime" | "error";

/** Every {@link FailureKind}. */
export const FAILURE_KINDS: readonly FailureKind[] = ["packet", "timing", "timeout", "syscall", "command", "runtime", "error"];

/**
 * A failure as data (issue #13): what reporters render besides the text. Plain JSON (values are
 * strings, never bigint), so it crosses the host protocol and lands in the jsonl report as is
 * (docs/schema/run-events.schema.json).
 */
export interface FailureDetail {
  readonly kind: FailureKind;
  /** The first line without `file:line:`: the cause when one was found, else packetdrill's detail. */
  readonly cause: string;
  /** packetdrill's wording of the detail (`live packet field tcp_window: expected: …`). */
  readonly detail: string;
  /** packetdrill's field name (`tcp_window`, `mptcp dss dack8`, `timing` …), null when none. */
  readonly field: string | null;
  /**
   * The expected and actual values in script space, as text (decimal numbers; for `timing`,
   * microseconds since the script's start), null when none.
   */
  readonly expected: string | null;
  readonly actual: string | null;
  /** 1-based line and column of the script event, null when no line is to blame. */
  readonly line: number | null;
  readonly column: number | null;
  /** One-line dumps of the script's packet and the live packet (script space), with their times. */
  readonly scriptPacket: string | null;
  readonly livePacket: string | null;
  /** The job's pcap file (`--capture`), when one is written. */
  readonly capture: string | null;
  /** The whole packetdrill-shaped text, as in `message`. */
  readonly text: string;
}

/**
 * One script event failed. `message` is packetdrill-shaped (pkt-language.md §9), possibly several
 * lines: the cause first, packetdrill's field line next, then the `script packet:` / `actual
 * packet:` dumps. `failure` carries the same as data.
 */
export interface EventFailEvent extends JobRef {
  readonly kind: "eventFail";
  /** 1-based line of the failing event, or null when no line is to blame (setup, timeout). */
  readonly line: number | null;
  readonly message: string;
  /** False for `--non_fatal` warnings: the script continues and may still pass. */
  readonly fatal: boolean;
  readonly ms: number;
  /** The failure as data; absent only from producers that have nothing but text. */
  readonly failure?: FailureDetail;
}

/** Extra output for `-v` (packet dumps, command output); reporters show it only when verbose. */
export interface LogEvent extends JobRef {
  readonly kind: "log";
  readonly line: number | null;
  readonly text: string;
}

/** One script run as one variant ended with a verdict. */
export interface ScriptEndEvent extends JobRef {
  readonly kind: "scriptEnd";
  readonly verdict: Verdict;
  /** Line of the first fatal problem, null when it passed or no line is to blame. */
  readonly line: number | null;
  /** First line of the first fatal problem (full text in the matching `eventFail`), null on pass. */
  readonly message: string | null;
  /** Wall time of the job in milliseconds. */
  readonly ms: number;
  /** The script's tag for this SUT, present exactly when the verdict is `xfail` or `xpass`. */
  readonly known?: KnownDifferenceTag;
  /** The runner's own cost around the script, when measured (kernel jobs). */
  readonly fixedMs?: FixedCost;
  /** The run's seed (`mptcpdrill run --seed N` replays the job's random values), when the runner has one. */
  readonly seed?: number;
  /**
   * With `--retries N`, when the job was run more than once: every attempt in order, the last one
   * giving the verdict (`flaky` when an earlier one failed and the last passed).
   */
  readonly attempts?: readonly AttemptRecord[];
  /** With `--baseline FILE`: how the outcome compares with the baseline's row for the job, when it has one. */
  readonly baseline?: BaselineNote;
  /**
   * The job's pcap file, when one was kept: every failure's by default, every job's with
   * `--capture DIR` (cli/run/captures.ts adds it).
   */
  readonly capture?: string;
}

/** One attempt of a job run with `--retries`: its own verdict, first fatal problem and failure. */
export interface AttemptRecord {
  /** 1-based. */
  readonly attempt: number;
  readonly verdict: Verdict;
  readonly line: number | null;
  readonly message: string | null;
  readonly ms: number;
  /** The attempt's first fatal failure as data, null when it has none. */
  readonly failure: FailureDetail | null;
}

/**
 * A job's outcome against its row of an expected-failure baseline: `known` (failed with the
 * baseline's verdict and line: reported `xfail`), `changed` (failed otherwise than the row says:
 * a new failure), `fixed` (passed although the row expects a failure: update the baseline).
 */
export interface BaselineNote {
  readonly status: "known" | "changed" | "fixed";
  /** The row's expected verdict and failing line. */
  readonly verdict: "fail" | "error";
  readonly line: number | null;
}

/**
 * A job's fixed cost in milliseconds: `start` from the job's start (the scheduler handing it to
 * the runner) to the script's first event (its SUT open, its clock started), `end` from the
 * script's last event to the verdict being known (SUT closed, cleanup done).
 */
export interface FixedCost {
  readonly start: number;
  readonly end: number;
}

/** Verdict counts of a run. */
export type VerdictCounts = Readonly<Record<Verdict, number>>;

/** The run ended (normally or interrupted); `counts` covers every job of `runStart.total`. */
export interface RunEndEvent {
  readonly kind: "runEnd";
  readonly counts: VerdictCounts;
  readonly ms: number;
  /** True when SIGINT/SIGTERM stopped the run; unstarted jobs count as `skip`. */
  readonly interrupted: boolean;
}

/** The events one script run produces (what the interpreter emits). */
export type ScriptEvent = ScriptStartEvent | EventStartEvent | EventPassEvent | EventFailEvent | LogEvent | ScriptEndEvent;

/** Everything a run emits, in order: runStart, then per job scriptStart … scriptEnd (jobs interleave when parallel), then runEnd. */
export type RunEvent = RunStartEvent | ScriptEvent | RunEndEvent;

/** A subscriber to run events. */
export type EmitRunEvent = (event: RunEvent) => void;

/** A subscriber to one script's events (the interpreter's `emit`). */
export type EmitScriptEvent = (event: ScriptEvent) => void;

/** Zero counts. */
export function emptyCounts(): Record<Verdict, number> {
  return { pass: 0, fail: 0, error: 0, skip: 0, xfail: 0, xpass: 0, flaky: 0 };
}

const SCRIPT_KINDS: ReadonlySet<string> = new Set(["scriptStart", "eventStart", "eventPass", "eventFail", "log", "scriptEnd"]);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function isLine(x: unknown): boolean {
  return x === null || (typeof x === "number" && Number.isInteger(x));
}

/**
 * True when `x` (e.g. one JSON line read from a child process) is a well-formed {@link ScriptEvent}.
 * Checks the fields reporters rely on; extra fields are allowed.
 */
export function isScriptEvent(x: unknown): x is ScriptEvent {
  if (!isObject(x) || typeof x["kind"] !== "string" || !SCRIPT_KINDS.has(x["kind"])) return false;
  if (typeof x["file"] !== "string" || !VARIANTS.includes(x["variant"] as Variant)) return false;
  switch (x["kind"]) {
    case "scriptStart":
      return true;
    case "eventStart":
      return isLine(x["line"]) && typeof x["what"] === "string" && typeof x["ms"] === "number";
    case "eventPass":
      return isLine(x["line"]) && typeof x["what"] === "string" && typeof x["ms"] === "number" && (x["result"] === undefined || typeof x["result"] === "string");
    case "eventFail":
      return isLine(x["line"]) && typeof x["message"] === "string" && typeof x["fatal"] === "boolean" && typeof x["ms"] === "number"
        && (x["failure"] === undefined || isFailureDetail(x["failure"]));
    case "log":
      return isLine(x["line"]) && typeof x["text"] === "string";
    default:
      return VERDICTS.includes(x["verdict"] as Verdict) && isLine(x["line"])
        && (x["message"] === null || typeof x["message"] === "string") && typeof x["ms"] === "number";
  }
}

const isText = (x: unknown): boolean => x === null || typeof x === "string";

/** True when `x` is a well-formed {@link FailureDetail} (every key present, strings or null). */
export function isFailureDetail(x: unknown): x is FailureDetail {
  if (!isObject(x) || !FAILURE_KINDS.includes(x["kind"] as FailureKind)) return false;
  if (typeof x["cause"] !== "string" || typeof x["detail"] !== "string" || typeof x["text"] !== "string") return false;
  return ["field", "expected", "actual", "scriptPacket", "livePacket", "capture"].every((k) => isText(x[k])) && isLine(x["line"]) && isLine(x["column"]);
}

/** `event` with its failure naming the job's capture file (the runner knows it, the interpreter does not). */
export function withCapture<E extends ScriptEvent>(event: E, capture: string | null): E {
  if (capture === null || event.kind !== "eventFail" || event.failure === undefined) return event;
  return { ...event, failure: { ...event.failure, capture } };
}

/** The failure of a text-only message: its first line (without `file:line:`) as the cause. */
export function textFailure(kind: FailureKind, file: string, line: number | null, text: string): FailureDetail {
  const first = text.split("\n")[0] ?? "";
  const prefix = [`${file}:${line}: `, `${file}: `].find((p) => first.startsWith(p));
  const cause = prefix === undefined ? first : first.slice(prefix.length);
  return {
    kind, cause, detail: cause, field: null, expected: null, actual: null, line, column: null,
    scriptPacket: null, livePacket: null, capture: null, text,
  };
}
