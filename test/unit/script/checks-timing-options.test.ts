import { expect } from "chai";
import { runChecks, type CheckPass } from "../../../src/script/check-script.ts";
import { optionNames } from "../../../src/script/checks/option-names.ts";
import { syscallArity } from "../../../src/script/checks/syscall-arity.ts";
import { timeForms } from "../../../src/script/checks/time-forms.ts";
import { timeOrder } from "../../../src/script/checks/time-order.ts";
import { parseScript } from "../../../src/script/parse.ts";

/** Runs one pass over `lines` and returns its diagnostics as `severity code line:col message | notes`. */
function check(pass: CheckPass, lines: string[]): string[] {
  const parsed = parseScript(`${lines.join("\n")}\n`, "t.pkt");
  if (parsed.script === null) throw new Error(`does not parse: ${parsed.diagnostics[0]?.message}`);
  return runChecks(parsed.script, {}, [pass]).map(
    (d) => `${d.severity} ${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}${d.notes.map((n) => ` | ${n}`).join("")}`,
  );
}

const SOCKET = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3";

describe("checks: option-names", () => {
  it("accepts packetdrill's flags with and without values as they require", () => {
    expect(check(optionNames, ["--tolerance_usecs=100000", "--strict_segments", "--ip_version=ipv4", SOCKET])).to.deep.equal([]);
  });
  it("reports every unknown name, with a suggestion when one is close", () => {
    expect(check(optionNames, ["--tolerance_usec=1", "--frobnicate", SOCKET])).to.deep.equal([
      "error unknown-option 1:1 Unknown option '--tolerance_usec' | did you mean '--tolerance_usecs'?",
      "error unknown-option 2:1 Unknown option '--frobnicate'",
    ]);
  });
  it("reports a missing or a forbidden value", () => {
    expect(check(optionNames, ["--mtu", "--dry_run=1", SOCKET])).to.deep.equal([
      "error option-value 1:1 Option '--mtu' requires a value | write it as '--mtu=VALUE'",
      "error option-value 2:11 Option '--dry_run' takes no value | write it as '--dry_run'",
    ]);
  });
});

describe("checks: time-forms", () => {
  it("accepts '*' and windows on outbound packets", () => {
    expect(check(timeForms, [SOCKET, "* > S 0:0(0)", "+0.1~+0.2 > . 1:1(0) ack 1", "0.3~0.4 > . 1:1(0) ack 1"])).to.deep.equal([]);
  });
  it("rejects '*' and windows on inbound packets and syscalls", () => {
    expect(check(timeForms, [SOCKET, "* < S 0:0(0) win 1", "+0~+1 close(3) = 0"])).to.deep.equal([
      "error time-form 2:1 Time '*' is not allowed on an inbound packet | only outbound packets may use '*' or 'a~b': every other event happens at one scheduled time",
      "error time-form 3:1 A time range is not allowed on a system call | only outbound packets may use '*' or 'a~b': every other event happens at one scheduled time",
    ]);
  });
  it("rejects negative times, windows ending before they start and blocking calls returning before they start", () => {
    expect(check(timeForms, [SOCKET, "-1 close(3) = 0", "0.5~0.2 > S 0:0(0)", "+0.3...0.1 accept(3, ..., ...) = 4"])).to.deep.equal([
      "error negative-time 2:1 Negative time '-1' | times count seconds from the script start or from the previous event",
      "error time-range 3:1 Time range ends at 0.2 s, before it starts at 0.5 s",
      "error time-range 4:8 Blocking call returns at 0.1 s, before it starts at 0.3 s | in 'a...b' both times count from the same base",
    ]);
  });
});

describe("checks: time-order", () => {
  it("accepts a first event at 0 or +0 and non-decreasing absolute times", () => {
    expect(check(timeOrder, ["`true`", "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "0.1 close(3) = 0", "+0.5 close(3) = 0", "0.1 close(3) = 0"])).to.deep.equal([]);
  });
  it("reports a first event that is not at time 0", () => {
    expect(check(timeOrder, ["0.5 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3"])).to.deep.equal([
      "error first-event-time 1:1 First event is at '0.5' but should be at time 0 | the script clock starts with the first event, so its time must be 0",
    ]);
  });
  it("reports every absolute time that goes backwards, naming the previous line", () => {
    expect(check(timeOrder, [SOCKET, "0.5 close(3) = 0", "+1 close(3) = 0", "0.2 close(3) = 0", "0.1~0.3 > S 0:0(0)"])).to.deep.equal([
      "error time-backwards 4:1 Time goes backwards from 0.5 s to 0.2 s | the previous absolute time is on line 2",
      "error time-backwards 5:1 Time goes backwards from 0.2 s to 0.1 s | the previous absolute time is on line 4",
    ]);
  });
});

describe("checks: syscall-arity", () => {
  it("accepts every call of the table with its arity, fcntl with 2 or 3", () => {
    expect(check(syscallArity, [SOCKET, "+0 fcntl(3, F_GETFL) = 2", "+0 fcntl(3, F_SETFL, O_NONBLOCK) = 0", "+0 recv(4, NULL, 10, 0) = 10"])).to.deep.equal([]);
  });
  it("reports a wrong count and warns about an unknown call", () => {
    expect(check(syscallArity, [SOCKET, "+0 listen(3) = 0", "+0 fcntl(3) = 0", "+0 close() = 0", "+0 frob(1) = 0"])).to.deep.equal([
      "error syscall-arity 2:4 System call 'listen' takes 2 arguments but 1 was given",
      "error syscall-arity 3:4 System call 'fcntl' takes 2 or 3 arguments but 1 was given",
      "error syscall-arity 4:4 System call 'close' takes 1 argument but 0 were given",
      "warning unknown-syscall 5:4 Unknown system call 'frob' | packetdrill fails this line when it runs",
    ]);
  });
});
