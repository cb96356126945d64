// `npm run build`: bundles the TypeScript sources into dist/ with esbuild (type checking is
// `npm run typecheck`, tsc, separately). Entries: the CLI, the script host, the blocking-call
// worker and the interop worker; code shared between them goes into chunks beside them, and each
// sub-command is a chunk of its own loaded on first use (`--help` and `check` never load the
// kernel SUT, koffi or cap). Native and runtime packages stay external (installed from npm).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const outdir = join(root, "dist");
rmSync(outdir, { recursive: true, force: true });
const started = performance.now();
// The build's identity (check-cache.ts keys cached diagnostics with it): a hash of every source.
const hash = createHash("sha256").update(JSON.stringify(pkg));
const visit = (dir) => {
  for (const e of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) visit(rel);
    else hash.update(rel).update(readFileSync(join(root, rel)));
  }
};
visit("src");
visit("grammar");
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    cli: "src/cli/main.ts",
    host: "src/runner/host-main.ts",
    "blocking-worker": "src/sut/kernel-tun/blocking-worker.ts",
    "interop-worker": "src/interop/worker-main.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunk-[hash]",
  external: Object.keys(pkg.dependencies ?? {}),
  sourcemap: "linked",
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
  define: { __MPD_BUILD_ID__: JSON.stringify(hash.digest("hex")) },
});
const outputs = Object.entries(result.metafile.outputs).filter(([f]) => f.endsWith(".js"));
const bytes = outputs.reduce((n, [, o]) => n + o.bytes, 0);
process.stdout.write(`build: ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB in dist/ (${(performance.now() - started).toFixed(0)} ms)\n`);
