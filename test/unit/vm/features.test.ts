import { expect } from "chai";
import type { Variant } from "../../../src/interp/events.ts";
import { buildFeatureTable, checklistIds, renderFeatureText } from "../../../src/cli/vm/features.ts";
import { buildMatrix, type MatrixCell } from "../../../src/cli/vm/matrix.ts";

describe("feature table", () => {
  it("reads checklist IDs from the leading comment, skipping known-difference tags, else from the file name", () => {
    const src = "// RFC 8684 §3.4.1 AA-01, AA-02, AA-03: echo\n// more CS-04 words\n// mptcpdrill: kernel-differs kernel-deviation — checklist DSS-01\n\n// FB-02 after the header\n0 socket(...) = 3\n";
    expect(checklistIds(src, "x.pkt")).to.deep.equal(["AA-01", "AA-02", "AA-03", "CS-04"]);
    expect(checklistIds("--tolerance_usecs=1\n", "suites/mptcp/fastclose/fc-02-linger.pkt")).to.deep.equal(["FC-02"]);
    expect(checklistIds("0 socket(...) = 3\n", "connect_close.pkt")).to.deep.equal([]);
    expect(checklistIds("// XX-01 QQ-2\n", "zz-01-a.pkt")).to.deep.equal([]);
  });

  it("rolls jobs up per item and kernel", () => {
    type Cell = MatrixCell & { file: string; variant: Variant };
    const c = (file: string, variant: Variant, verdict: MatrixCell["verdict"]): Cell => ({ file, variant, verdict, line: null, message: null, ms: 1, capture: null });
    const cols = ["debian:6.1", "host"].map((kernel) => ({ kernel, release: "r", accel: "tcg", toleranceScale: 1, exitCode: 0, wallMs: 1 }));
    const per = (cells: Cell[]): Map<string, Cell> => new Map(cells.map((x) => [`${x.file}|${x.variant}`, x]));
    const m = buildMatrix(cols, new Map([
      ["debian:6.1", per([c("a.pkt", "ipv4", "pass"), c("a.pkt", "ipv6", "pass"), c("b.pkt", "ipv4", "xfail")])],
      ["host", per([c("a.pkt", "ipv4", "pass"), c("a.pkt", "ipv6", "fail"), c("b.pkt", "ipv4", "pass")])],
    ]));
    const ids: Record<string, string[]> = { "a.pkt": ["FC-02", "CS-01"], "b.pkt": ["CS-01"] };
    const t = buildFeatureTable(m, (f) => ids[f] ?? []);
    expect(t.map((r) => r.id)).to.deep.equal(["CS-01", "FC-02"]);
    expect(t[0]?.cells).to.deep.equal({ "debian:6.1": { verdict: "differs", passed: 2, jobs: 3 }, host: { verdict: "fail", passed: 2, jobs: 3 } });
    expect(t[1]?.cells["debian:6.1"]).to.deep.equal({ verdict: "pass", passed: 2, jobs: 2 });
    expect(renderFeatureText(t, ["debian:6.1", "host"])).to.match(/FC-02 +MP_FASTCLOSE +pass 2\/2 +fail 1\/2/);
  });
});
