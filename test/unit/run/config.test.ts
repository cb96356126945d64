import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { configWalkTop, findConfigFor, loadConfig, parseConfig, resolveFlags, type RunConfig } from "../../../src/cli/run/config.ts";
import { memoryIo } from "../../../src/cli/io.ts";
import type { Variant } from "../../../src/interp/events.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const BASELINE_README = path.resolve(REPO, "../shared/corpus/baseline/README.md");

function parsed(doc: unknown): RunConfig {
  const r = parseConfig(JSON.stringify(doc), "/c.json");
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe("run config", () => {
  it("parses common and per-variant flags and defines", () => {
    const c = parsed({ flags: { send_omit_free: true, mtu: 1520 }, defines: { X: 1 }, variants: { ipv6: { flags: { local_ip: "fd00::1" }, defines: { Y: "b" } } } });
    expect(c.flags).to.deep.equal({ send_omit_free: true, mtu: "1520" });
    expect(c.defines).to.deep.equal({ X: "1" });
    expect(c.variants.ipv6).to.deep.equal({ flags: { local_ip: "fd00::1" }, defines: { Y: "b" } });
  });

  it("reports every problem at once", () => {
    const r = parseConfig(JSON.stringify({
      flags: { tolerance_usec: 1, strict_segments: "yes", ip_version: "ipv4" }, defines: { "9x": "1" }, variants: { ipv5: {} }, extra: 1,
    }), "/c.json");
    expect(r.ok).to.equal(false);
    if (r.ok) return;
    expect(r.message).to.equal(
      "/c.json: config: unknown key 'extra'; config.flags.tolerance_usec: unknown packetdrill flag 'tolerance_usec'; "
      + "config.flags.strict_segments: flag 'strict_segments' takes no value: write true; "
      + "config.flags.ip_version: 'ip_version' is chosen per variant (the 'variants' key or --ip-version), not set as a flag; "
      + "config.defines: bad define name '9x'; config.variants: unknown variant 'ipv5' (expected ipv4, ipv4-mapped-ipv6, ipv6)",
    );
  });

  it("rejects text that is not JSON", () => {
    const r = parseConfig("{", "/c.json");
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(r.message).to.match(/^\/c\.json: not valid JSON: /);
  });

  it("resolves precedence: config common < config variant < command line, ip_version = the variant", () => {
    const c = parsed({ flags: { mtu: 1500, tolerance_usecs: 4000 }, defines: { A: "common", B: "common" }, variants: { ipv4: { flags: { mtu: 1400 }, defines: { B: "v4", C: "v4" } } } });
    const r = resolveFlags(c, "ipv4", { flags: { tolerance_usecs: "9000" }, defines: { C: "cli" } });
    expect(r.flags).to.deep.equal({ mtu: "1400", tolerance_usecs: "9000", ip_version: "ipv4" });
    expect(r.defines).to.deep.equal({ A: "common", B: "v4", C: "cli" });
    expect(resolveFlags(null, "ipv6", { flags: {}, defines: {} })).to.deep.equal({ flags: { ip_version: "ipv6" }, defines: {} });
  });

  it("finds mptcpdrill.json in the script's folder or the nearest parent", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mpd-config-"));
    try {
      fs.mkdirSync(path.join(root, "a/b/c"), { recursive: true });
      fs.writeFileSync(path.join(root, "a/mptcpdrill.json"), "{}");
      const io = memoryIo({ cwd: root });
      expect(findConfigFor(io, "a/b/c/x.pkt", root)).to.equal(path.join(root, "a/mptcpdrill.json"));
      fs.writeFileSync(path.join(root, "a/b/c/mptcpdrill.json"), "{}");
      expect(findConfigFor(io, "a/b/c/x.pkt", root)).to.equal(path.join(root, "a/b/c/mptcpdrill.json"));
      expect(findConfigFor(memoryIo({ cwd: "/" }), "/proc/x.pkt", "/")).to.equal(null);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("never walks above the working directory, or above the PATH a script outside it was found under", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "mpd-config-"));
    try {
      fs.mkdirSync(path.join(root, "project/suite/sub"), { recursive: true });
      fs.mkdirSync(path.join(root, "elsewhere/scripts"), { recursive: true });
      fs.writeFileSync(path.join(root, "mptcpdrill.json"), "{}");
      const io = memoryIo({ cwd: path.join(root, "project") });
      expect(configWalkTop(io, "suite/sub/x.pkt", ["suite"])).to.equal(path.join(root, "project"));
      expect(findConfigFor(io, "suite/sub/x.pkt", configWalkTop(io, "suite/sub/x.pkt", ["suite"])), "the config above the working directory").to.equal(null);
      const outside = path.join(root, "elsewhere/scripts/y.pkt");
      expect(configWalkTop(io, outside, [path.join(root, "elsewhere")])).to.equal(path.join(root, "elsewhere"));
      expect(configWalkTop(io, outside, [outside])).to.equal(path.join(root, "elsewhere/scripts"));
      expect(findConfigFor(io, outside, configWalkTop(io, outside, [path.join(root, "elsewhere")]))).to.equal(null);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("loads both shipped configs", () => {
    for (const f of ["configs/packetdrill.json", "configs/packetdrill-mptcp.json"]) {
      const r = loadConfig(memoryIo({ cwd: REPO }), f);
      expect(r.ok, r.ok ? "" : r.message).to.equal(true);
    }
  });
});

/** The flags of one README row, as a packetdrill command line would set them ("as ipv4 with …" rows expanded). */
function readmeRows(): Map<string, { flags: Record<string, string | true>; defines: Record<string, string> }> {
  const rows = new Map<string, { flags: Record<string, string | true>; defines: Record<string, string> }>();
  for (const line of fs.readFileSync(BASELINE_README, "utf8").split("\n")) {
    const m = /^\| (gpd|mpd) \| (ipv4|ipv6|ipv4-mapped-ipv6) \| (.*) \|$/.exec(line);
    if (m === null) continue;
    const [, corpus = "", variant = "", text = ""] = m;
    const base = text.startsWith("as ") ? rows.get(`${corpus}/ipv4`) : undefined;
    const row = { flags: { ...base?.flags }, defines: { ...base?.defines } };
    for (const tok of text.match(/`([^`]*)`/g)?.join(" ").replace(/`/g, "").split(/\s+/) ?? []) {
      if (tok === "-D" || tok === "") continue;
      if (tok.startsWith("--")) {
        const [name = "", value] = tok.slice(2).split("=");
        row.flags[name] = value ?? true;
      } else {
        const [name = "", value = ""] = tok.split("=");
        row.defines[name] = value;
      }
    }
    rows.set(`${corpus}/${variant}`, row);
  }
  return rows;
}

describe("shipped configs match corpus/baseline/README.md", () => {
  const cases: [string, string][] = [["gpd", "configs/packetdrill.json"], ["mpd", "configs/packetdrill-mptcp.json"]];
  for (const [corpus, file] of cases) {
    for (const variant of ["ipv4", "ipv4-mapped-ipv6", "ipv6"] as Variant[]) {
      it(`${corpus} ${variant}`, function () {
        if (!fs.existsSync(BASELINE_README)) this.skip();
        const expected = readmeRows().get(`${corpus}/${variant}`);
        expect(expected, "README row").to.not.equal(undefined);
        const loaded = loadConfig(memoryIo({ cwd: REPO }), file);
        if (!loaded.ok) throw new Error(loaded.message);
        const r = resolveFlags(loaded.value, variant, { flags: {}, defines: {} });
        // run_all.py's extra flag, stated in the README prose rather than the table.
        expect(r.flags).to.deep.equal({ ...expected?.flags, send_omit_free: true });
        expect(r.defines).to.deep.equal(expected?.defines);
      });
    }
  }
});
