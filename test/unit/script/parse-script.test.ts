// Parser: script structure, options, times, commands, code blocks, comments, spans.
import { expect } from "chai";
import { stripSpans } from "../../../src/script/ast.ts";
import { parseScript } from "../../../src/script/parse.ts";
import { action, event, parseOk, secs } from "./parse-helpers.ts";

describe("parse: script structure", () => {
  it("parses option lines with every value form as raw strings", () => {
    const script = parseOk([
      "--tolerance_usecs=100000",
      "--dry_run",
      "--tolerance_percent=12.5",
      "--ip_version=ipv4-mapped-ipv6",
      "--remote_ip=192.0.2.1/24",
      "--local_ip=fd3d::1",
      "--init_scripts=/tmp/a.sh,/tmp/b.sh",
      '--define=CC="reno"',
      '--code_command="python3 -u"',
      "--define=X=`true`",
      "0 `true`",
    ].join("\n"));
    expect(stripSpans(script.options)).to.deep.equal([
      { kind: "option", name: "tolerance_usecs", value: { kind: "optionValue", raw: "100000", value: "100000" } },
      { kind: "option", name: "dry_run", value: null },
      { kind: "option", name: "tolerance_percent", value: { kind: "optionValue", raw: "12.5", value: "12.5" } },
      { kind: "option", name: "ip_version", value: { kind: "optionValue", raw: "ipv4-mapped-ipv6", value: "ipv4-mapped-ipv6" } },
      { kind: "option", name: "remote_ip", value: { kind: "optionValue", raw: "192.0.2.1/24", value: "192.0.2.1/24" } },
      { kind: "option", name: "local_ip", value: { kind: "optionValue", raw: "fd3d::1", value: "fd3d::1" } },
      { kind: "option", name: "init_scripts", value: { kind: "optionValue", raw: "/tmp/a.sh,/tmp/b.sh", value: "/tmp/a.sh,/tmp/b.sh" } },
      { kind: "option", name: "define", value: { kind: "optionValue", raw: 'CC="reno"', value: 'CC="reno"' } },
      { kind: "option", name: "code_command", value: { kind: "optionValue", raw: '"python3 -u"', value: "python3 -u" } },
      { kind: "option", name: "define", value: { kind: "optionValue", raw: "X=`true`", value: "X=`true`" } },
    ]);
  });

  it("marks untimed init and cleanup commands with time null", () => {
    const script = parseOk("`setup\n  more`\n0 close(3) = 0\n`cleanup`\n");
    const events = stripSpans(script.events);
    expect(events[0]).to.deep.equal({ kind: "event", time: null, blockingEnd: null, action: { kind: "command", text: "setup\n  more" } });
    expect(events[2]).to.deep.equal({ kind: "event", time: null, blockingEnd: null, action: { kind: "command", text: "cleanup" } });
  });

  it("parses every time form", () => {
    const times = ["0 f() = 0", "1.5 f() = 0", "+0.1 f() = 0", "+.01 f() = 0", "* > . 1:1(0) ack 1", "0.3~0.31 > . 1:1(0) ack 1", "+0.3~+0.31 > . 1:1(0) ack 1"]
      .map((l) => (event(l) as { time: unknown }).time);
    expect(times).to.deep.equal([
      { kind: "abs", at: secs("0") },
      { kind: "abs", at: secs("1.5") },
      { kind: "rel", offset: secs("0.1") },
      { kind: "rel", offset: secs(".01") },
      { kind: "any" },
      { kind: "absRange", start: secs("0.3"), end: secs("0.31") },
      { kind: "relRange", start: secs("0.3"), end: secs("0.31") },
    ]);
  });

  it("parses blocking end times", () => {
    const e = event("+.1...0.200 connect(3, ..., ...) = 0") as { time: unknown; blockingEnd: unknown };
    expect(e.time).to.deep.equal({ kind: "rel", offset: secs(".1") });
    expect(e.blockingEnd).to.deep.equal(secs("0.200"));
    const f = event("0...2 accept(3, ..., ...) = 4") as { time: unknown; blockingEnd: unknown };
    expect(f.time).to.deep.equal({ kind: "abs", at: secs("0") });
    expect(f.blockingEnd).to.deep.equal(secs("2"));
  });

  it("parses code blocks, trimming spaces and tabs at both ends", () => {
    expect(action("+0 %{ \tassert tcpi_cwnd == 10, tcpi_cwnd\n}%")).to.deep.equal({ kind: "code", text: "assert tcpi_cwnd == 10, tcpi_cwnd\n" });
    expect(action("+0 %{\nx = {1: 2}\n}%")).to.deep.equal({ kind: "code", text: "\nx = {1: 2}\n" });
  });

  it("treats comments, newlines and CR as whitespace, so statements may span lines", () => {
    const script = parseOk("// header\r\n/* block\n comment */ 0\r\n  socket(..., // inline\n SOCK_STREAM, IPPROTO_TCP)\n = 3 // done");
    expect(script.events).to.have.length(1);
    expect(stripSpans(script.events[0]?.action)).to.deep.include({ kind: "syscall", name: "socket" });
  });

  it("accepts an empty script and a script of comments", () => {
    expect(parseOk("").events).to.deep.equal([]);
    expect(parseOk("// nothing\n").events).to.deep.equal([]);
  });

  it("gives exact spans with the file name", () => {
    const { script } = parseScript("--x=1\n  +0.5 close(3) = 0\n", "dir/a.pkt");
    const e = script?.events[0];
    expect(script?.file).to.equal("dir/a.pkt");
    expect(e?.span).to.deep.equal({ file: "dir/a.pkt", start: { line: 2, column: 3, offset: 8 }, end: { line: 2, column: 20, offset: 25 } });
    expect(e?.time?.span.start).to.deep.equal({ line: 2, column: 3, offset: 8 });
    expect(e?.time?.span.end).to.deep.equal({ line: 2, column: 7, offset: 12 });
    expect(e?.action.span.start).to.deep.equal({ line: 2, column: 8, offset: 13 });
    expect(script?.options[0]?.value?.span).to.deep.equal({ file: "dir/a.pkt", start: { line: 1, column: 5, offset: 4 }, end: { line: 1, column: 6, offset: 5 } });
  });
});
