import { expect } from "chai";
import { commandFailure, exitReason } from "../../../src/interp/command-failure.ts";
import { parseOwnScript, runScriptRequest } from "../../../src/runner/script-runner.ts";
import { referenceNetConfig } from "../../../src/sut/reference/net-config.ts";
import { openReferenceSut } from "../../../src/sut/reference/reference-sut.ts";

const exit = (exitCode: number | null, stderr = "", signal: string | null = null, timedOut = false) => ({ exitCode, signal, timedOut, stderr });

describe("interp: why a command failed", () => {
  it("names the exit, then the last line of stderr", () => {
    expect(exitReason(exit(127, "/bin/sh: 1: ../common/defaults.sh: not found\n"))).to.equal("non-zero status 127 (/bin/sh: 1: ../common/defaults.sh: not found)");
    expect(exitReason(exit(1))).to.equal("non-zero status 1");
    expect(exitReason(exit(null, "", "SIGKILL"))).to.equal("killed by SIGKILL");
    expect(exitReason(exit(null, "", null, true))).to.equal("timed out");
    expect(exitReason(exit(1, `${"x".repeat(300)}\n`))).to.equal(`non-zero status 1 (${"x".repeat(200)}…)`);
  });

  it("keeps packetdrill's words first, then the command and the last 5 stderr lines", () => {
    const stderr = ["a", "b", "", "c", "d", "e", "f", "sysctl: cannot stat /proc/sys/net/x: No such file or directory"].join("\n");
    expect(commandFailure("s.pkt: error executing init command", "./setup.sh", exit(1, stderr)).split("\n")).to.deep.equal([
      "s.pkt: error executing init command: non-zero status 1 (sysctl: cannot stat /proc/sys/net/x: No such file or directory)",
      "command: ./setup.sh",
      "stderr:", "  c", "  d", "  e", "  f", "  sysctl: cannot stat /proc/sys/net/x: No such file or directory",
    ]);
    expect(commandFailure("error executing `false` command", null, exit(1))).to.equal("error executing `false` command: non-zero status 1\nstderr: (empty)");
  });

  it("the reference SUT says why it refused an upstream set-up command", async () => {
    const source = "`../common/defaults.sh`\n\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
    const open = () => Promise.resolve(openReferenceSut({ net: referenceNetConfig({ ipVersion: "ipv4" }), seed: 1 }));
    const out = await runScriptRequest({ file: "s.pkt", script: parseOwnScript(source, "s.pkt"), variant: "ipv4", flags: {}, defines: {}, seed: 1 }, open, () => {});
    expect(out.verdict).to.equal("fail");
    expect(out.failure?.message.split("\n")[0]).to.equal(
      "s.pkt: error executing init command: non-zero status 127 (command not supported by the reference SUT: '../common/defaults.sh' (see docs/conformance.md))",
    );
    expect(out.failure?.message).to.contain("command: ../common/defaults.sh");
  });
});
