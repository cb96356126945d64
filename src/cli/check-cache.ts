/**
 * The `check` result cache, as ESLint's `--cache`: the diagnostics of each script keyed by a hash
 * of everything they depend on (the checker's build, the `-D` defines, the file name diagnostics
 * carry, and the script's bytes), so a script whose text did not change is not parsed again and a
 * changed one always is. One JSON file under `$XDG_CACHE_HOME/mptcpdrill` (or `~/.cache`,
 * `MPTCPDRILL_CACHE_DIR` overrides); `check --no-cache` neither reads nor writes it. A missing,
 * unreadable or corrupt cache is an empty one, and a write that fails is skipped: the cache can
 * only make `check` faster, never change what it reports.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type { Diagnostic } from "../script/diagnostic.ts";
import type { CliIo } from "./io.ts";
import { makeFolder } from "./make-folder.ts";

/** The checker's build: injected by scripts/build.mjs into dist/, absent when running from source. */
declare const __MPD_BUILD_ID__: string | undefined;

/** Entries kept at most (the oldest beyond that are dropped on write). */
const MAX_ENTRIES = 20_000;
const FORMAT = 1;

interface CacheFile {
  readonly format: number;
  readonly build: string;
  readonly entries: Record<string, readonly Diagnostic[]>;
}

/**
 * The identity of the checker that wrote a cache: the build's source hash in dist/, or, from the
 * TypeScript sources (tests), a hash of src/script and the grammar as they are now.
 */
function buildId(io: CliIo): string {
  if (typeof __MPD_BUILD_ID__ === "string") return __MPD_BUILD_ID__;
  const h = createHash("sha256");
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
  const visit = (dir: string): void => {
    for (const e of io.fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full);
      else h.update(full).update(io.fs.readFileSync(full));
    }
  };
  try {
    visit(path.join(root, "src/script"));
    visit(path.join(root, "grammar"));
  } catch {
    return `unhashed-${Date.now()}`;
  }
  return `source-${h.digest("hex")}`;
}

/** Where the cache lives for this user. */
export function checkCachePath(io: CliIo): string {
  const dir = io.env["MPTCPDRILL_CACHE_DIR"] ?? path.join(io.env["XDG_CACHE_HOME"] ?? path.join(io.env["HOME"] ?? "/tmp", ".cache"), "mptcpdrill");
  return path.join(dir, "check-cache.json");
}

/** A loaded check cache. */
export class CheckCache {
  readonly #entries: Map<string, readonly Diagnostic[]>;
  readonly #build: string;
  #dirty = false;

  private constructor(private readonly io: CliIo, private readonly file: string, build: string, entries: Map<string, readonly Diagnostic[]>) {
    this.#build = build;
    this.#entries = entries;
  }

  /** Loads the cache at `file` (an empty one if it is missing, corrupt or from another build). */
  static load(io: CliIo, file = checkCachePath(io)): CheckCache {
    const build = buildId(io);
    let entries = new Map<string, readonly Diagnostic[]>();
    try {
      const doc = JSON.parse(io.fs.readFileSync(file, "utf8")) as CacheFile;
      if (doc.format === FORMAT && doc.build === build && typeof doc.entries === "object") entries = new Map(Object.entries(doc.entries));
    } catch {
      // no cache yet, or not one we can use
    }
    return new CheckCache(io, file, build, entries);
  }

  /** The key of one script's check: its display name, the defines and its bytes. */
  static key(file: string, defines: Readonly<Record<string, string>>, source: string): string {
    return createHash("sha1").update(file).update("\0").update(JSON.stringify(Object.entries(defines).sort())).update("\0").update(source).digest("base64url");
  }

  /** The cached diagnostics, or undefined. */
  get(key: string): readonly Diagnostic[] | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      // Most recently used last, so trimming drops the oldest.
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, diagnostics: readonly Diagnostic[]): void {
    this.#entries.set(key, diagnostics);
    this.#dirty = true;
  }

  /** Writes the cache if anything was added (atomically: a temporary file renamed over it). */
  save(): void {
    if (!this.#dirty) return;
    const entries = [...this.#entries].slice(-MAX_ENTRIES);
    const doc: CacheFile = { format: FORMAT, build: this.#build, entries: Object.fromEntries(entries) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      if (makeFolder(this.io.fs, path.dirname(this.file)) !== null) return;
      this.io.fs.writeFileSync(tmp, JSON.stringify(doc));
      this.io.fs.renameSync(tmp, this.file);
    } catch {
      try {
        this.io.fs.rmSync(tmp, { force: true });
      } catch {
        // nothing to clean
      }
    }
  }
}
