import { expect } from "chai";
import { parseVmArgs, type VmArgs } from "../../../src/cli/vm/vm-args.ts";
import { argvForKernel, kernelSlug } from "../../../src/cli/vm/run-kernels.ts";

function ok(argv: string[]): VmArgs {
  const r = parseVmArgs(argv);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

function problem(argv: string[]): string {
  const r = parseVmArgs(argv);
  if (r.ok) throw new Error("expected a usage error");
  return r.message;
}

describe("vm argument parsing", () => {
  it("takes the VM options out and leaves run's", () => {
    const a = ok(["--kernel", "debian:6.1", "--kernel=host", "-j", "2", "--tolerance-scale", "7.5", "--config", "c.json", "--matrix", "m.json", "dir"]);
    expect(a.kernels).to.deep.equal(["debian:6.1", "host"]);
    expect(a.toleranceScale).to.equal(7.5);
    expect(a.matrixJson).to.equal("m.json");
    expect(a.runArgv).to.deep.equal(["-j", "2", "--config", "c.json", "dir"]);
  });

  it("has defaults: tcg-or-kvm auto, 1 CPU, 1024 MB, no scale given", () => {
    expect(ok(["--kernel", "host", "x.pkt"])).to.deep.include({ accel: "auto", cpus: 1, memoryMb: 1024, toleranceScale: null, nice: 0, listKernels: false });
  });

  it("needs a kernel unless listing", () => {
    expect(problem(["x.pkt"])).to.match(/at least one --kernel/);
    expect(ok(["--list-kernels"]).listKernels).to.equal(true);
  });

  it("refuses bad values with the option's name", () => {
    expect(problem(["--kernel", "host", "--tolerance-scale", "0"])).to.match(/--tolerance-scale expects a positive number, got '0'/);
    expect(problem(["--kernel", "host", "--vm-cpus", "1.5"])).to.match(/--vm-cpus expects a positive integer/);
    expect(problem(["--kernel", "host", "--accel", "xen"])).to.match(/--accel expects auto, tcg or kvm/);
    expect(problem(["--kernel"])).to.match(/--kernel needs a value/);
    expect(problem(["--kernel", "host", "--kernel", "host"])).to.match(/twice/);
  });

  it("names report files and capture folders per kernel when several run, and runs one VM at a time by default", () => {
    const argv = ["--reporter", "junit:out/r.xml", "--reporter=tap", "--capture", "caps", "x.pkt"];
    expect(argvForKernel(argv, "debian-6.1", true, true)).to.deep.equal(["-j", "1", "--reporter", "junit:out/r.debian-6.1.xml", "--reporter=tap", "--capture", "caps/debian-6.1", "x.pkt"]);
    expect(argvForKernel(argv, "host", false, false)).to.deep.equal(argv);
    expect(argvForKernel(["-j", "3", "x.pkt"], "k", false, true)).to.deep.equal(["-j", "3", "x.pkt"]);
    expect(kernelSlug("debian:6.12")).to.equal("debian-6.12");
    expect(kernelSlug("/boot/vmlinuz-6.18")).to.equal("vmlinuz-6.18");
  });
});
