/**
 * What `npm pack` ships: the compiled dist/ (every entry point the product starts), the bin shim,
 * configs and docs — no sources, tests or fixtures — and the shim runs the compiled CLI, never
 * TypeScript. (Installing the tarball with `npm install --omit=dev` into an empty folder and
 * running every command was checked by hand: see docs/architecture.md, Build.)
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/kernel-script.ts";

describe("package: npm pack and the compiled CLI", function () {
  this.timeout(60_000);

  it("ships dist/ with every entry point, the bin shim, configs and docs, and nothing of src/ or test/", () => {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    for (const entry of ["dist/cli.js", "dist/host.js", "dist/blocking-worker.js", "dist/interop-worker.js", "bin/mptcpdrill.js", "configs/packetdrill.json", "package.json"]) {
      expect(files, entry).to.include(entry);
    }
    expect(files.filter((f) => /^(src|test|suites|scripts|grammar)\//.test(f) || f.endsWith(".ts"))).to.deep.equal([]);
  });

  it("the bin shim runs dist/cli.js and the product needs no tsx at run time", () => {
    expect(readFileSync(join(repoRoot, "bin/mptcpdrill.js"), "utf8")).to.contain("../dist/cli.js").and.not.contain("tsx");
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).to.not.include("tsx");
    const r = spawnSync(process.execPath, [join(repoRoot, "bin/mptcpdrill.js"), "--version"], { encoding: "utf8" });
    expect(r.stdout).to.match(/^mptcpdrill \d+\.\d+\.\d+/);
  });

  it("--help and check never load koffi, cap or the kernel SUT", () => {
    for (const argv of [["--help"], ["check", join(repoRoot, "suites")]]) {
      const r = spawnSync(process.execPath, ["-e", `
        process.argv = [process.execPath, ${JSON.stringify(join(repoRoot, "bin/mptcpdrill.js"))}, ...${JSON.stringify(argv)}];
        const seen = new Set();
        const origDlopen = process.dlopen;
        process.dlopen = (m, f, ...rest) => { seen.add(f); return origDlopen(m, f, ...rest); };
        process.on("exit", () => { process.stderr.write("NATIVE " + JSON.stringify([...seen]) + "\\n"); });
        import(${JSON.stringify(join(repoRoot, "bin/mptcpdrill.js"))});
      `], { encoding: "utf8" });
      const native = /NATIVE (.*)/.exec(r.stderr)?.[1] ?? "missing";
      expect(JSON.parse(native), argv.join(" ")).to.deep.equal([]);
    }
  });
});
