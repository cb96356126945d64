#!/usr/bin/env node
// Entry shim: runs the compiled CLI in dist/ (`npm run build`; `make run` and `make test` build first).
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write("error[MPD_ERR_NOT_BUILT]: dist/cli.js is missing: run `npm run build` in the mptcpdrill checkout first\n");
  process.exit(2);
}
await import(cli.href);
