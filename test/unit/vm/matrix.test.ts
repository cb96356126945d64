import { expect } from "chai";
import type { Variant } from "../../../src/interp/events.ts";
import { buildMatrix, cellText, renderMatrixJunit, renderMatrixText, type MatrixCell, type MatrixColumn } from "../../../src/cli/vm/matrix.ts";

type Cell = MatrixCell & { file: string; variant: Variant };
const col = (kernel: string): MatrixColumn => ({ kernel, release: `${kernel}-r`, accel: kernel === "host" ? "host" : "tcg", toleranceScale: kernel === "host" ? 1 : 10, exitCode: 0, wallMs: 1000 });
const cell = (file: string, verdict: MatrixCell["verdict"], line: number | null = null): Cell => ({ file, variant: "ipv4", verdict, line, message: verdict === "pass" ? null : `${file} broke`, ms: 10, capture: null });

function cells(rows: Record<string, Cell[]>): Map<string, Map<string, Cell>> {
  return new Map(Object.entries(rows).map(([k, cs]) => [k, new Map(cs.map((c) => [`${c.file}|${c.variant}`, c]))]));
}

describe("verdict matrix", () => {
  const m = buildMatrix([col("debian:6.1"), col("host")], cells({
    "debian:6.1": [cell("a.pkt", "pass"), cell("b.pkt", "pass"), cell("c.pkt", "error"), cell("d.pkt", "xfail", 4)],
    host: [cell("a.pkt", "pass"), cell("b.pkt", "fail", 12), cell("c.pkt", "error"), cell("d.pkt", "fail", 4)],
  }));

  it("puts rows that differ first and marks them", () => {
    expect(m.rows.map((r) => [r.file, r.differs])).to.deep.equal([["b.pkt", true], ["d.pkt", true], ["a.pkt", false], ["c.pkt", false]]);
  });

  it("names cells by verdict and line", () => {
    expect(cellText(m.rows[0]?.cells["host"])).to.equal("fail:12");
    expect(cellText(m.rows[1]?.cells["debian:6.1"])).to.equal("known:4");
    expect(cellText(undefined)).to.equal("-");
  });

  it("renders a table with per-kernel counts and the tolerance scale", () => {
    const text = renderMatrixText(m);
    expect(text).to.include("4 jobs, 2 differ");
    expect(text).to.match(/\* +b\.pkt +ipv4 +pass +fail:12/);
    expect(text).to.include("debian:6.1: debian:6.1-r, tcg, tolerance x10");
  });

  it("writes one JUnit suite per kernel with failures, errors and skips", () => {
    const xml = renderMatrixJunit(m);
    expect(xml.match(/<testsuite /g)?.length).to.equal(2);
    expect(xml).to.include(`<testsuite name="host" tests="4" failures="2" errors="1" skipped="0"`);
    expect(xml).to.include(`<property name="tolerance_scale" value="10"/>`);
    expect(xml).to.include(`<skipped message="known difference at line 4"/>`);
  });
});
