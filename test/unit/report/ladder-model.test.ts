import { Script } from "node:vm";
import { expect } from "chai";
import type { RunEvent } from "../../../src/interp/events.ts";
import { LadderBook, dumpTime, parsePacketLog } from "../../../src/report/ladder-model.ts";
import { htmlDocument, scriptJson } from "../../../src/report/html.ts";
import { HTML_CLIENT_JS } from "../../../src/report/html-client.ts";

const F = "s/a.pkt";

describe("ladder model (the HTML report's per-job data)", () => {
  it("parses the interpreter's packet log lines and refuses other text", () => {
    expect(parsePacketLog("outbound sniffed packet:  1.250000 S. 0:0(0) ack 1 <mpcapable v1 flags[flag_h] key[skey=0x2]>", 9)).to.deep.equal({
      k: "out", us: 1_250_000, line: 9, dump: "S. 0:0(0) ack 1 <mpcapable v1 flags[flag_h] key[skey=0x2]>",
    });
    expect(parsePacketLog("inbound injected packet:  0.000100 . 1:1(0) ack 1", null)).to.deep.include({ k: "in", us: 100 });
    expect(parsePacketLog("command output: hello", 3)).to.equal(null);
    expect(dumpTime("0.201000 . 1:1(0) ack 1")).to.equal(201_000);
    expect(dumpTime(null)).to.equal(null);
  });

  it("gathers packets, system calls with results and the failure of each job, interleaved jobs apart", () => {
    const book = new LadderBook();
    const events: RunEvent[] = [
      { kind: "scriptStart", file: F, variant: "ipv4" },
      { kind: "scriptStart", file: F, variant: "ipv6" },
      { kind: "eventPass", file: F, variant: "ipv4", line: 3, what: "syscall connect", ms: 0.5, result: "-1 EINPROGRESS" },
      { kind: "eventPass", file: F, variant: "ipv4", line: 4, what: "outbound packet", ms: 1 },
      { kind: "log", file: F, variant: "ipv4", line: 4, text: "outbound sniffed packet:  0.001000 S 0:0(0) win 65535" },
      { kind: "log", file: F, variant: "ipv6", line: 4, text: "inbound injected packet:  0.000000 S 0:0(0) win 65535" },
      { kind: "log", file: F, variant: "ipv4", line: 6, text: "outbound sniffed packet:  0.020000 . 1:1(0) ack 1 win 9" },
      { kind: "eventFail", file: F, variant: "ipv4", line: 6, message: "m", fatal: true, ms: 20, failure: {
        kind: "packet", cause: "expected win 5, live packet has win 9", detail: "d", field: "tcp_window", expected: "5", actual: "9", line: 6, column: 1,
        scriptPacket: "0.020000 . 1:1(0) ack 1 win 5", livePacket: "0.020000 . 1:1(0) ack 1 win 9", capture: null, text: "m" } },
    ];
    for (const e of events) expect(book.note(e)).to.equal(null);
    const job = book.note({ kind: "scriptEnd", file: F, variant: "ipv4", verdict: "fail", line: 6, message: "m", ms: 30, seed: 7, capture: "/c/a.pcap" });
    expect(job?.steps).to.deep.equal([
      { k: "call", us: 500, line: 3, name: "connect", result: "-1 EINPROGRESS" },
      { k: "out", us: 1000, line: 4, dump: "S 0:0(0) win 65535" },
    ]);
    expect(job?.failure).to.deep.include({ field: "tcp_window", us: 20_000 });
    expect(job).to.deep.include({ seed: 7, capture: "/c/a.pcap", verdict: "fail" });
    const other = book.note({ kind: "scriptEnd", file: F, variant: "ipv6", verdict: "pass", line: null, message: null, ms: 3 });
    expect(other?.steps).to.have.length(1);
    expect(other?.failure).to.equal(null);
  });

  it("the page's script is valid JavaScript (escapes in its template literal survive)", () => {
    expect(() => new Script(HTML_CLIENT_JS)).to.not.throw();
    expect(HTML_CLIENT_JS).to.include("return /^\\//.test(p)");
  });

  it("embeds job data so no text can close the script element", () => {
    expect(scriptJson({ m: "</script><script>alert(1)</script>" })).to.not.include("</");
    const page = htmlDocument({ sut: "kernel", total: 1, parallel: 1, startedAt: 0, ms: 1, interrupted: false }, [{
      file: "a</script>.pkt", variant: "ipv4", verdict: "fail", ms: 1, line: 1, message: "<b>", known: null, seed: null, failure: null, capture: null, steps: [],
    }], { verbose: false });
    expect(page.match(/<\/script>/g)).to.have.length(2);
  });
});
