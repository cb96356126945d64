/**
 * Where the product's separate entry points are: the script host (a child process), the
 * blocking-call thread (a worker) and the interop worker (a child process).
 *
 * The product runs compiled JavaScript from `dist/` (scripts/build.mjs bundles every entry and
 * its shared chunks into that one folder), so from any compiled module an entry is a sibling
 * file `./<name>.js`. Tests run the TypeScript sources through tsx: a module loaded from a `.ts`
 * file finds the entry's source and the child must load tsx's hooks first (a bare `--import tsx`
 * would be resolved from the child's cwd, so the loader is resolved from here, absolute).
 */
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The separate entry points, with their source paths relative to `src/`. */
const SOURCES = {
  host: "runner/host-main.ts",
  "blocking-worker": "sut/kernel-tun/blocking-worker.ts",
  "interop-worker": "interop/worker-main.ts",
} as const;

/** A separate entry point's name. */
export type EntryName = keyof typeof SOURCES;

/** How to start an entry point. */
export interface EntryPoint {
  /** The module's file path. */
  readonly file: string;
  /** Node flags that must come before `file` (tsx's loader when running from source). */
  readonly nodeArgs: readonly string[];
  /** True when the entry is TypeScript loaded through tsx. */
  readonly fromSource: boolean;
}

/** True when this module runs from its TypeScript source (tests, dev tools) rather than dist/. */
export function runningFromSource(): boolean {
  return import.meta.url.endsWith(".ts");
}

/** The absolute file URL of tsx's ESM loader (source mode only). */
export function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
}

/** The absolute file URL of tsx's registration API (for a worker's bootstrap, source mode only). */
export function tsxApiUrl(): string {
  return import.meta.resolve("tsx/esm/api");
}

/** Locates an entry point for the mode this module runs in. */
export function entryPoint(name: EntryName): EntryPoint {
  if (runningFromSource()) {
    return { file: fileURLToPath(new URL(`./${SOURCES[name]}`, import.meta.url)), nodeArgs: ["--import", tsxLoaderUrl()], fromSource: true };
  }
  return { file: fileURLToPath(new URL(`./${name}.js`, import.meta.url)), nodeArgs: [], fromSource: false };
}
