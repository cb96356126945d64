// The guest's tmpfs on /tmp and /run hides host folders there: the checkout the script host runs
// from and the job's folder are bound back (vm-host.ts, hiddenHostFolders).
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { guestCommand, hiddenHostFolders } from "../../../src/runner/vm/vm-host.ts";

describe("vm: host folders the guest's tmpfs would hide", () => {
  it("binds a checkout under /tmp and a job folder under /tmp, not what a writable share or / covers", () => {
    const root = mkdtempSync("/tmp/mpd-hidden-");
    try {
      mkdirSync(join(root, "node_modules"));
      mkdirSync(join(root, "dist"));
      expect(hiddenHostFolders(join(root, "dist/host.js"), join(root, "suites"), [])).to.deep.equal([root]);
      expect(hiddenHostFolders(join(root, "dist/host.js"), "/tmp/elsewhere", []).sort()).to.deep.equal([root, "/tmp/elsewhere"].sort());
      // A job folder deep under /tmp is shown by its top folder there (its ../common/ comes along).
      expect(hiddenHostFolders(join(root, "dist/host.js"), "/work", [], ["/tmp/ci/shared/corpus/a", "/tmp/ci/shared/corpus/b"]).sort()).to.deep.equal([root, "/tmp/ci"].sort());
      expect(hiddenHostFolders(join(root, "dist/host.js"), "/tmp/elsewhere", ["/tmp/elsewhere"])).to.deep.equal([root]);
      expect(hiddenHostFolders("/work/main/dist/host.js", "/work/main/suites", [])).to.deep.equal([]);
      const cmd = guestCommand({ env: {}, cwd: "/work", writable: [] }, "/usr/bin/node", ["x.js"], [root]);
      expect(cmd).to.contain("mount --bind / /run/mptcpdrill-hostroot").and.contain(`mount --bind '/run/mptcpdrill-hostroot${root}' '${root}'`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
