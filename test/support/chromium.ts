/**
 * Headless Chromium (Debian's `chromium` package) for the HTML report tests: the DOM after the
 * page's script ran, and a screenshot, of a local file. Each call is one browser process with a
 * profile folder of its own, removed afterwards.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** The browser's path, or null when none is installed. */
export function chromiumPath(): string | null {
  for (const p of ["chromium", "chromium-browser"]) {
    if (spawnSync(p, ["--version"], { encoding: "utf8" }).status === 0) return p;
  }
  return null;
}

function headless(browser: string, args: readonly string[], page: string, hash: string): string {
  const profile = mkdtempSync(join(tmpdir(), "mptcpdrill-chromium-"));
  try {
    const url = `${pathToFileURL(page).href}${hash}`;
    // --no-sandbox: the tests run as root, where Chromium's sandbox refuses to start.
    const r = spawnSync(browser, ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", `--user-data-dir=${profile}`,
      "--virtual-time-budget=5000", ...args, url], { encoding: "utf8", timeout: 60_000, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`chromium failed (${r.status ?? r.signal}): ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The serialised DOM of `page` (an HTML file) opened at `hash`, after its scripts ran. */
export function dumpDom(browser: string, page: string, hash = ""): string {
  return headless(browser, ["--dump-dom"], page, hash);
}

/** Writes a PNG screenshot of `page` opened at `hash` to `png`. */
export function screenshot(browser: string, page: string, hash: string, png: string, size = "1300,1600"): void {
  headless(browser, [`--screenshot=${png}`, `--window-size=${size}`, "--hide-scrollbars"], page, hash);
}
