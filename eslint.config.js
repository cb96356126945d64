// Lint: the dependency arrows and I/O rules of docs/house-style.md, enforced per layer.
//   wire <- stack <- sut <- interp <- runner <- cli ; script apart ; report sees only interp/events.ts
// A wrong import, or I/O / clock / randomness where the layer forbids it, fails `make test`.
import tseslint from "typescript-eslint";

const IO_MODULES = ["fs", "net", "child_process", "dgram", "worker_threads", "os", "cluster", "http", "https"]
  .flatMap((m) => [m, `node:${m}`, `${m}/*`, `node:${m}/*`]);

/** Import patterns (gitignore syntax) that a layer may not use. */
function forbid(message, ...groups) {
  return { group: groups.flat(), message };
}

const noIo = forbid("this layer does no I/O (house-style rule 3)", IO_MODULES);
const noCli = forbid("nothing imports cli (house-style rule 1)", ["**/cli/**"]);

/**
 * node:crypto's randomness (house-style rule 4: random values come from a seeded Rng, src/rng.ts);
 * its hashes (createHash, createHmac: wire/mptcp-crypto.ts) stay allowed. A namespace import is
 * refused too, since it would reach the same functions.
 */
const CRYPTO_RANDOMNESS = ["randomBytes", "randomFillSync", "randomFill", "randomInt", "randomUUID", "webcrypto", "getRandomValues", "generateKeySync", "generateKey", "default"];
const noCryptoRandomness = ["crypto", "node:crypto"].map((name) => ({
  name, importNames: CRYPTO_RANDOMNESS, message: "sans-IO: randomness comes from a seeded Rng (src/rng.ts, house-style rule 4)",
}));

const restrictedGlobals = (names) => names.map((name) => ({ name, message: `'${name}' is not allowed in this layer (house-style rules 3-4)` }));
const sansIoProps = [
  { object: "Date", property: "now", message: "sans-IO: time is an argument (house-style rule 4)" },
  { object: "Math", property: "random", message: "sans-IO: randomness comes from an injected Rng (house-style rule 4)" },
  { object: "performance", property: "now", message: "sans-IO: time is an argument (house-style rule 4)" },
];

function layer(files, patterns, { sansIo = false, noProcess = true } = {}) {
  const rules = { "no-restricted-imports": ["error", sansIo ? { paths: noCryptoRandomness, patterns } : { patterns }] };
  const globals = [];
  if (noProcess) globals.push("process");
  if (sansIo) globals.push("setTimeout", "setInterval", "setImmediate", "performance", "crypto");
  if (globals.length) rules["no-restricted-globals"] = ["error", ...restrictedGlobals(globals)];
  if (sansIo) {
    rules["no-restricted-properties"] = ["error", ...sansIoProps];
    rules["no-restricted-syntax"] = ["error", { selector: "NewExpression[callee.name='Date']", message: "sans-IO: no wall clock (house-style rule 4)" }];
  }
  return { files, rules };
}

export default [
  { ignores: ["node_modules/**", "dist/**", "src/script/generated/**", "reports/**", "**/*.cjs", "**/*.mjs", "bin/**", "eslint.config.js"] },
  { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, sourceType: "module" } },
  layer(["src/wire/**/*.ts"], [noIo, noCli, forbid("wire is a leaf (house-style rule 1)", ["**/script/**", "**/stack/**", "**/interp/**", "**/sut/**", "**/report/**"])], { sansIo: true }),
  layer(["src/stack/**/*.ts"], [noIo, noCli, forbid("stack imports only wire (house-style rule 1)", ["**/script/**", "**/interp/**", "**/sut/**", "**/report/**"])], { sansIo: true }),
  layer(["src/script/**/*.ts"], [noIo, noCli, forbid("script stands apart: no wire, stack, interp, sut or report (house-style rule 1)", ["**/wire/**", "**/stack/**", "**/interp/**", "**/sut/**", "**/report/**"])]),
  // interp is deterministic too (house-style rule 6: time through its Clock; random values from the
  // run's seeded Rng), so the same script, SUT and seed give the same packets.
  layer(["src/interp/**/*.ts"], [noIo, noCli, forbid("interp imports script, wire, sut/sut.ts and itself (house-style rule 1)", ["**/stack/**", "**/report/**", "**/sut/**", "!**/sut/sut.ts", "!**/sut/sut"])], { sansIo: true }),
  layer(["src/rng.ts"], [noIo, noCli], { sansIo: true }),
  layer(["src/sut/**/*.ts"], [noCli, forbid("sut imports wire (and reference/ imports stack) (house-style rule 1)", ["**/script/**", "**/interp/**", "**/report/**"])], { noProcess: false }),
  layer(["src/sut/*.ts", "src/sut/kernel-tun/**/*.ts", "src/sut/pcap/**/*.ts"], [noCli, forbid("only sut/reference may use the stack (house-style rule 1)", ["**/stack/**", "**/script/**", "**/interp/**", "**/report/**"])], { noProcess: false }),
  layer(["src/sut/reference/**/*.ts"], [noIo, noCli, forbid("sut/reference imports wire and stack (house-style rule 1)", ["**/script/**", "**/interp/**", "**/report/**"])]),
  // interop may reuse the kernel SUT's TUN opener and its koffi binding (tun-device.ts, libc.ts), nothing else of kernel-tun.
  layer(["src/interop/**/*.ts"], [noCli, forbid("interop imports wire, stack, verify, sut/pcap and the TUN opener of sut/kernel-tun (issue 8)", ["**/script/**", "**/interp/**", "**/report/**", "**/sut/*.ts", "**/sut/kernel-tun/**", "!**/sut/kernel-tun/tun-device.ts", "!**/sut/kernel-tun/libc.ts", "**/sut/reference/**"])], { noProcess: false }),
  // capture: the capture-analysis core shared by verify and decode (flows, roles, MPTCP state, runnable scripts).
  layer(["src/capture/**/*.ts"], [noIo, noCli, forbid("capture imports only wire (issue 18)", ["**/script/**", "**/stack/**", "**/interp/**", "**/sut/**", "**/report/**", "**/verify/**", "**/runner/**"])], { sansIo: true }),
  layer(["src/verify/**/*.ts"], [noIo, noCli, forbid("verify imports wire and the capture core (house-style rule 1)", ["**/script/**", "**/stack/**", "**/interp/**", "**/sut/**", "**/report/**"])], { sansIo: true }),
  // runner: the scheduler, the job runners and the script hosts; it drives interp and the SUTs and
  // reports only through run events (reporters are the CLI's to pick).
  layer(["src/runner/**/*.ts"], [noCli, forbid("runner imports script, interp, sut and wire; reporters and the stack are not its business (house-style rule 1)", ["**/report/**", "**/stack/**"])], { noProcess: false }),
  layer(["src/report/**/*.ts"], [noCli, forbid("reporters only subscribe to interp/events.ts (house-style rule 15)", ["**/wire/**", "**/stack/**", "**/script/**", "**/sut/**", "**/interp/**", "!**/interp/events.ts", "!**/interp/events"])], { noProcess: false }),
];
