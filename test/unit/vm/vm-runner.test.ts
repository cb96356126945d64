import { expect } from "chai";
import { parseScript } from "../../../src/script/parse.ts";
import { scaledTolerance } from "../../../src/runner/vm/vm-runner.ts";

function script(text: string) {
  const p = parseScript(text, "t.pkt");
  if (p.script === null) throw new Error("parse");
  return p.script;
}

describe("vm tolerance scaling", () => {
  it("scales the tolerance the job would run with: packetdrill's default, the script's option line, the job's flag", () => {
    expect(scaledTolerance(script("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"), {}, 10)).to.deep.equal({ from: 4000, to: 40000 });
    const withOption = script("--tolerance_usecs=100000\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
    expect(scaledTolerance(withOption, {}, 10)).to.deep.equal({ from: 100000, to: 1000000 });
    expect(scaledTolerance(withOption, { tolerance_usecs: "5000" }, 2.5)).to.deep.equal({ from: 5000, to: 12500 });
    expect(scaledTolerance(withOption, {}, 1)).to.deep.equal({ from: 100000, to: 100000 });
  });
});
