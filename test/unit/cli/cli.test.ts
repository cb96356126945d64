import { expect } from "chai";
import { runCli } from "../../../src/cli/cli.ts";
import type { Command } from "../../../src/cli/command.ts";
import type { CommandEntry } from "../../../src/cli/commands/index.ts";
import { memoryIo } from "../../../src/cli/io.ts";
import { MptcpdrillError } from "../../../src/errors.ts";

const boomCommand: Command = {
  name: "boom",
  summary: "throws",
  usage: "usage: boom",
  run: async (argv) => {
    if (argv[0] === "env") throw new MptcpdrillError("MPD_ERR_TUN_OPEN", "cannot open /dev/net/tun");
    throw new Error("unexpected");
  },
};
let loads = 0;
const boom: CommandEntry = { name: "boom", summary: "throws", load: () => (loads++, Promise.resolve(boomCommand)) };

describe("cli composition root", () => {
  it("prints help and exits 2 without a command, loading no command", async () => {
    const io = memoryIo();
    loads = 0;
    expect(await runCli([], io, [boom])).to.equal(2);
    expect(io.out()).to.contain("boom  throws");
    expect(loads).to.equal(0);
  });
  it("the registry's summaries are the loaded commands' own", async () => {
    const { COMMANDS } = await import("../../../src/cli/commands/index.ts");
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect([command.name, command.summary]).to.deep.equal([entry.name, entry.summary]);
    }
  });
  it("rejects an unknown command with a stable code", async () => {
    const io = memoryIo();
    expect(await runCli(["nope"], io, [boom])).to.equal(2);
    expect(io.err()).to.match(/^error\[MPD_ERR_USAGE\]: unknown command 'nope'/);
  });
  it("prints environment errors with their code, never a stack trace", async () => {
    const io = memoryIo();
    expect(await runCli(["boom", "env"], io, [boom])).to.equal(2);
    expect(io.err()).to.equal("error[MPD_ERR_TUN_OPEN]: cannot open /dev/net/tun\n");
  });
  it("reports bugs as MPD_ERR_INTERNAL without a stack trace", async () => {
    const io = memoryIo();
    expect(await runCli(["boom"], io, [boom])).to.equal(2);
    expect(io.err()).to.contain("error[MPD_ERR_INTERNAL]: unexpected");
    expect(io.err()).not.to.contain("    at ");
  });
});
