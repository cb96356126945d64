/** run_all.py's `-l`/`-L` in the human reporter: a job's log under its result, by verdict. */
import { expect } from "chai";
import type { RunEvent } from "../../../src/interp/events.ts";
import { textReporter } from "../../../src/report/text.ts";
import { FULL_RUN, memorySink } from "./fake-run.ts";

const LOG_A = { kind: "log", file: "suites/tcp/a.pkt", variant: "ipv4", line: 3, text: "outbound sniffed packet:  0.001 S 0:0(0) win 65535" } as const;

function render(opts: { logOnError?: boolean; logOnSuccess?: boolean }): string {
  const sink = memorySink(false);
  const r = textReporter(sink, { verbose: false, ...opts });
  const passing = FULL_RUN.find((e): e is Extract<RunEvent, { kind: "scriptStart" }> => e.kind === "scriptStart");
  for (const e of FULL_RUN) {
    r.onEvent(e);
    if (e === passing) r.onEvent({ ...LOG_A, file: e.file });
  }
  return sink.text();
}

describe("human reporter -l / -L (run_all.py --log_on_error / --log_on_success)", () => {
  it("prints no log without them (and without -v)", () => {
    const out = render({});
    expect(out).to.not.contain("inbound injected packet").and.not.contain("outbound sniffed packet:  0.001");
  });
  it("-l prints a failing job's log under its result line, not a passing one's", () => {
    const out = render({ logOnError: true });
    expect(out).to.match(/FAIL .*\n(.*\n)*      log:\n        inbound injected packet:  0\.100 S 0:0\(0\) win 65535\n        outbound sniffed packet:  0\.100 S\. 0:0\(0\) ack 1\n/);
    expect(out).to.not.contain("outbound sniffed packet:  0.001");
  });
  it("-L prints a passing job's log, not a failing one's", () => {
    const out = render({ logOnSuccess: true });
    expect(out).to.match(/PASS [^\n]*\n      log:\n        outbound sniffed packet:  0\.001 S 0:0\(0\) win 65535\n/);
    expect(out).to.not.contain("inbound injected packet");
  });
});
