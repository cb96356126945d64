import { expect } from "chai";
import type { RunEvent, ScriptEndEvent } from "../../../src/interp/events.ts";
import { captureKeeper, capturePolicy, removeEmptyCaptureDir, type CaptureFs } from "../../../src/cli/run/captures.ts";

function fakeFs(files: string[]): CaptureFs & { files: string[]; removedDirs: string[] } {
  const removedDirs: string[] = [];
  return {
    files, removedDirs,
    existsSync: (p) => files.includes(String(p)),
    rmSync: (p) => void files.splice(files.indexOf(String(p)), 1),
    readdirSync: (() => files.filter((f) => f.startsWith("/r/captures/"))) as unknown as CaptureFs["readdirSync"],
    rmdirSync: (p) => void removedDirs.push(String(p)),
  };
}

const end = (verdict: ScriptEndEvent["verdict"], file: string): ScriptEndEvent => ({ kind: "scriptEnd", file, variant: "ipv4", verdict, line: null, message: null, ms: 1 });

describe("captures kept by a run (cli/run/captures.ts)", () => {
  it("--capture keeps every file; a report file puts failures' captures beside it; stdout only records none", () => {
    expect(capturePolicy({ captureDir: "caps", reporters: [] }, "/w")).to.deep.equal({ dir: "/w/caps", keepAll: true });
    expect(capturePolicy({ captureDir: null, reporters: [{ name: "human", file: null }, { name: "junit", file: "out/j.xml" }] }, "/w")).to.deep.equal({ dir: "/w/out/captures", keepAll: false });
    expect(capturePolicy({ captureDir: null, reporters: [{ name: "human", file: null }] }, "/w")).to.deep.equal({ dir: null, keepAll: false });
  });

  it("drops a pass's file, keeps a failure's and names it in scriptEnd and in the fatal failure", () => {
    const fs = fakeFs(["/r/captures/a.pcap", "/r/captures/b.pcap"]);
    const keep = captureKeeper({ dir: "/r/captures", keepAll: false }, fs, (e) => `/r/captures/${e.file}.pcap`);
    expect(keep(end("pass", "a"))).to.not.have.property("capture");
    expect(fs.files).to.deep.equal(["/r/captures/b.pcap"]);
    const fail: RunEvent = { kind: "eventFail", file: "b", variant: "ipv4", line: 2, message: "m", fatal: true, ms: 1, failure: {
      kind: "runtime", cause: "c", detail: "c", field: null, expected: null, actual: null, line: 2, column: null, scriptPacket: null, livePacket: null, capture: null, text: "m" } };
    const named = keep(fail);
    expect(named.kind === "eventFail" ? named.failure?.capture : null).to.equal("/r/captures/b.pcap");
    expect(keep(end("fail", "b"))).to.deep.include({ capture: "/r/captures/b.pcap" });
    expect(keep(end("error", "missing"))).to.not.have.property("capture");
    expect(fs.files).to.deep.equal(["/r/captures/b.pcap"]);
    removeEmptyCaptureDir({ dir: "/r/captures", keepAll: false }, fs);
    expect(fs.removedDirs).to.deep.equal([]);
  });

  it("with --capture keeps a pass's file too; an empty default folder is removed at the end", () => {
    const fs = fakeFs(["/r/captures/a.pcap"]);
    expect(captureKeeper({ dir: "/r/captures", keepAll: true }, fs, () => "/r/captures/a.pcap")(end("pass", "a"))).to.deep.include({ capture: "/r/captures/a.pcap" });
    const empty = fakeFs([]);
    removeEmptyCaptureDir({ dir: "/r/captures", keepAll: false }, empty);
    expect(empty.removedDirs).to.deep.equal(["/r/captures"]);
    removeEmptyCaptureDir({ dir: "/r/captures", keepAll: true }, empty);
    expect(empty.removedDirs).to.have.length(1);
  });
});
