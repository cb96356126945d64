import { expect } from "chai";
import { formatSource } from "../../../src/script/fmt.ts";
import { expectGolden } from "../../support/golden.ts";

function fmt(lines: string[]): string {
  const r = formatSource(`${lines.join("\n")}\n`, "t.pkt");
  if (!r.ok) throw new Error(r.diagnostics[0]?.message);
  return r.text;
}

describe("fmt: layout", () => {
  it("puts one space between tokens, ', ' between options and right-aligns the time column", () => {
    expect(fmt(["0   socket(...,SOCK_STREAM,IPPROTO_TCP)=3", "+.001  <  S 0:0(0)  win 1000 <mss 1460,nop,wscale 7>"])).to.equal(
      ["    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "+.001 < S 0:0(0) win 1000 <mss 1460, nop, wscale 7>", ""].join("\n"),
    );
  });

  it("keeps at most one blank line between blocks and none at the ends", () => {
    expect(fmt(["", "", "--mtu=1500", "", "", "", "0 close(3) = 0", "+0 close(4) = 0", "", ""])).to.equal("--mtu=1500\n\n 0 close(3) = 0\n+0 close(4) = 0\n");
  });

  it("keeps trailing comments on their line and own-line comments on their own lines", () => {
    expect(fmt(["// header", "0 close(3) = 0  // trailing", "/* a */ /* b */", "+0 close(4) = 0"])).to.equal(
      ["// header", " 0 close(3) = 0 // trailing", "/* a */ /* b */", "+0 close(4) = 0", ""].join("\n"),
    );
  });

  it("moves a comment inside a multi-line statement to just before it", () => {
    expect(fmt(["0 close(3) = 0", "+0 < S 0:0(0) win 1 <mss 1460, // the MSS", "   nop>"])).to.equal(
      [" 0 close(3) = 0", "// the MSS", "+0 < S 0:0(0) win 1 <mss 1460, nop>", ""].join("\n"),
    );
  });

  it("does not mistake '//' inside a command or a string for a comment", () => {
    expect(fmt(["`curl http://x`", "0 open(\"/a//b\", O_RDONLY) = 5"])).to.equal("`curl http://x`\n0 open(\"/a//b\", O_RDONLY) = 5\n");
  });

  it("prints blocking calls, ranges, '*', code blocks and MPTCP options canonically", () => {
    const text = fmt([
      "0 socket(..., SOCK_STREAM, IPPROTO_MPTCP) = 3",
      "+0...0.2 accept(3, ..., ...) = 4",
      "+0.1~+0.2 > . 1:1(0) ack 1 <dss dack8=1 dsn8=1 ssn=1 dll=0 nocs,nop,nop>",
      "* > . 1:1(0) ack 1 <mpcapable v1 flags[flag_h] key[ckey=2,skey]>",
      "+0 %{ assert tcpi_snd_cwnd == 10 }%",
    ]);
    expectGolden("diagnostics/fmt-forms.txt", text);
  });

  it("reports syntax errors instead of formatting", () => {
    const r = formatSource("0 close(3\n", "t.pkt");
    expect(r.ok).to.equal(false);
  });
});
