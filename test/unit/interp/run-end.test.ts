import { expect } from "chai";
import { failingCodeLine } from "../../../src/interp/run-end.ts";

describe("interp code blocks", () => {
  const trace = (line: number): string =>
    `Traceback (most recent call last):\n  File "/tmp/code_ab12/code.py", line ${line}, in <module>\n    assert tcpi_snd_cwnd == 10\nAssertionError: 11\n`;

  it("maps a traceback line to the %{ }% block that raised it", () => {
    // Three fragments starting at program lines 1, 40 and 80, written at script lines 12, 23, 30.
    expect(failingCodeLine(trace(45), [1, 40, 80], [12, 23, 30])).to.equal(23);
    expect(failingCodeLine(trace(80), [1, 40, 80], [12, 23, 30])).to.equal(30);
    expect(failingCodeLine(trace(3), [1, 40, 80], [12, 23, 30])).to.equal(12);
  });

  it("uses the innermost frame of the program file and gives up without one", () => {
    const nested = `  File "/tmp/code_x/code.py", line 41, in <module>\n  File "/tmp/code_x/code.py", line 85, in f\nZeroDivisionError\n`;
    expect(failingCodeLine(nested, [1, 40, 80], [12, 23, 30])).to.equal(30);
    expect(failingCodeLine("python3: can't open file\n", [1], [12])).to.equal(null);
  });
});
