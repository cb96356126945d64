import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cacheRoot, debianPackageFor, resolveKernel } from "../../../src/runner/vm/kernel-cache.ts";

const SHOW = `Package: linux-image-amd64
Version: 6.12.95-1~bpo12+1
Depends: linux-image-6.12.95+deb12-amd64 (= 6.12.95-1~bpo12+1)

Package: linux-image-amd64
Version: 6.1.192-3
Depends: linux-image-6.1.0-57-amd64 (= 6.1.192-3)

Package: linux-image-amd64
Version: 6.1.176-1
Depends: linux-image-6.1.0-50-amd64 (= 6.1.176-1)
`;

describe("vm kernel cache", () => {
  it("picks the newest package of a series from apt-cache show", () => {
    expect(debianPackageFor(SHOW, "6.1")).to.equal("linux-image-6.1.0-57-amd64");
    expect(debianPackageFor(SHOW, "6.12")).to.equal("linux-image-6.12.95+deb12-amd64");
    expect(debianPackageFor(SHOW, "5.10")).to.equal(null);
  });

  it("finds the cache folder from the environment", () => {
    expect(cacheRoot({ MPTCPDRILL_CACHE: "/x/c" })).to.equal("/x/c");
    expect(cacheRoot({ XDG_CACHE_HOME: "/xdg" })).to.equal("/xdg/mptcpdrill");
  });

  it("says why a kernel cannot be used", () => {
    const cache = mkdtempSync(join(tmpdir(), "mpd-kernel-cache-"));
    try {
      const o = { cache, modules: null, log: () => undefined };
      expect(resolveKernel("host", o)).to.deep.equal({ kind: "host", label: "host" });
      expect(resolveKernel("windows", o)).to.match(/unknown kernel 'windows'/);
      expect(resolveKernel("/no/such/bzImage", o)).to.match(/no such kernel image/);
      expect(resolveKernel("/etc/hostname", o)).to.match(/needs --modules DIR/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
