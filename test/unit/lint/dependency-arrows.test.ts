// The lint that enforces house-style's dependency arrows must reject wrong imports and I/O.
import { expect } from "chai";
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path });
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

describe("lint: dependency arrows", () => {
  const cases: Array<[string, string, RegExp]> = [
    ["src/wire/x.ts", `import { readFileSync } from "node:fs";\nexport const a = readFileSync;\n`, /no-restricted-imports/],
    ["src/wire/x.ts", `import type { A } from "../stack/host.ts";\nexport type B = A;\n`, /wire is a leaf/],
    ["src/wire/x.ts", `export const t = Date.now();\n`, /sans-IO/],
    ["src/stack/x.ts", `export const r = Math.random();\n`, /sans-IO/],
    ["src/stack/x.ts", `setTimeout(() => 0, 1);\n`, /no-restricted-globals/],
    ["src/script/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`, /script stands apart/],
    ["src/script/x.ts", `export const e = process.env;\n`, /no-restricted-globals/],
    ["src/interp/x.ts", `import type { A } from "../sut/kernel-tun/tun.ts";\nexport type B = A;\n`, /interp imports/],
    ["src/interp/x.ts", `import type { A } from "../stack/host.ts";\nexport type B = A;\n`, /interp imports/],
    ["src/sut/kernel-tun/x.ts", `import type { A } from "../../stack/host.ts";\nexport type B = A;\n`, /only sut\/reference/],
    ["src/report/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`, /reporters only subscribe/],
    ["src/wire/x.ts", `import type { A } from "../cli/cli.ts";\nexport type B = A;\n`, /nothing imports cli/],
    ["src/verify/x.ts", `import type { A } from "../stack/host.ts";\nexport type B = A;\n`, /verify imports wire and the capture core/],
    ["src/capture/x.ts", `import type { A } from "../verify/index.ts";\nexport type B = A;\n`, /capture imports only wire/],
    ["src/capture/x.ts", `import type { A } from "../interp/run.ts";\nexport type B = A;\n`, /capture imports only wire/],
    ["src/capture/x.ts", `import { readFileSync } from "node:fs";\nexport const a = readFileSync;\n`, /no-restricted-imports/],
    ["src/capture/x.ts", `export const t = Date.now();\n`, /sans-IO/],
    ["src/verify/x.ts", `import { readFileSync } from "node:fs";\nexport const a = readFileSync;\n`, /no-restricted-imports/],
    ["src/verify/x.ts", `export const t = Date.now();\n`, /sans-IO/],
    ["src/interop/x.ts", `import type { A } from "../interp/run.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../sut/kernel-tun/kernel-tun-sut.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../sut/kernel-tun/packet-pump.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../cli/cli.ts";\nexport type B = A;\n`, /nothing imports cli/],
    ["src/runner/x.ts", `import type { A } from "../cli/cli.ts";\nexport type B = A;\n`, /nothing imports cli/],
    ["src/runner/x.ts", `import type { A } from "../report/text.ts";\nexport type B = A;\n`, /runner imports script, interp, sut and wire/],
    // Determinism (house-style rules 4 and 6): no randomness but a seeded Rng, no timers or clocks
    // in interp, wire and stack.
    ...["src/interp/x.ts", "src/wire/x.ts", "src/stack/x.ts", "src/rng.ts"].flatMap((path): Array<[string, string, RegExp]> => [
      [path, `import { randomBytes } from "node:crypto";\nexport const r = randomBytes(8);\n`, /randomness comes from a seeded Rng/],
      [path, `import { randomInt } from "crypto";\nexport const r = randomInt(9);\n`, /randomness comes from a seeded Rng/],
      [path, `import { randomUUID } from "node:crypto";\nexport const r = randomUUID();\n`, /randomness comes from a seeded Rng/],
      [path, `import { webcrypto } from "node:crypto";\nexport const r = webcrypto;\n`, /randomness comes from a seeded Rng/],
      [path, `import { getRandomValues } from "node:crypto";\nexport const r = getRandomValues;\n`, /randomness comes from a seeded Rng/],
      [path, `import * as c from "node:crypto";\nexport const r = c.randomBytes(8);\n`, /randomness comes from a seeded Rng/],
      [path, `import c from "node:crypto";\nexport const r = c.randomBytes(8);\n`, /randomness comes from a seeded Rng/],
      [path, `export const r = crypto.getRandomValues(new Uint8Array(4));\n`, /no-restricted-globals/],
      [path, `export const r = Math.random();\n`, /sans-IO: randomness/],
      [path, `setTimeout(() => 0, 1);\n`, /no-restricted-globals.*setTimeout/],
      [path, `setInterval(() => 0, 1);\n`, /no-restricted-globals.*setInterval/],
      [path, `setImmediate(() => 0);\n`, /no-restricted-globals.*setImmediate/],
      [path, `export const t = Date.now();\n`, /sans-IO: time is an argument/],
      [path, `export const t = performance.now();\n`, /no-restricted-globals.*performance|sans-IO: time/],
      [path, `export const t = new Date();\n`, /sans-IO: no wall clock/],
    ]),
  ];
  for (const [path, code, expected] of cases) {
    it(`rejects in ${path}: ${code.split("\n")[0]}`, async () => {
      const found = await problems(path, code);
      expect(found.join("\n")).to.match(expected);
    });
  }

  const allowed: Array<[string, string]> = [
    ["src/stack/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`],
    ["src/interp/x.ts", `import type { A } from "../sut/sut.ts";\nimport type { C } from "../script/ast.ts";\nexport type B = [A, C];\n`],
    ["src/interp/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`],
    ["src/interp/x.ts", `import { SeededRng } from "../rng.ts";\nexport const r = new SeededRng(1).nextU32();\n`],
    ["src/wire/x.ts", `import { createHash, createHmac } from "node:crypto";\nexport const h = [createHash, createHmac];\n`],
    ["src/sut/reference/x.ts", `import type { A } from "../../stack/host.ts";\nexport type B = A;\n`],
    ["src/report/x.ts", `import type { A } from "../interp/events.ts";\nexport type B = A;\n`],
    ["src/verify/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`],
    ["src/verify/x.ts", `import type { A } from "../capture/flow-table.ts";\nexport type B = A;\n`],
    ["src/capture/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`],
    ["src/cli/x.ts", `import { readFileSync } from "node:fs";\nexport const a = [readFileSync, process.env];\n`],
    ["src/sut/kernel-tun/x.ts", `import { openSync } from "node:fs";\nexport const a = openSync;\n`],
    ["src/runner/x.ts", `import type { A } from "../interp/events.ts";\nimport type { C } from "../sut/kernel-tun/libc.ts";\nimport { spawn } from "node:child_process";\nexport type B = [A, C];\nexport const s = [spawn, process.pid];\n`],
    ["src/interop/x.ts", `import { openTunDevice } from "../sut/kernel-tun/tun-device.ts";\nimport { openLibc } from "../sut/kernel-tun/libc.ts";\nexport const a = [openTunDevice, openLibc];\n`],
    ["src/interop/x.ts", `import type { VerifyReport } from "../verify/index.ts";\nexport type B = VerifyReport;\n`],
    ["src/interop/x.ts", `import type { A } from "../stack/host.ts";\nimport type { C } from "../sut/pcap/pcap-link.ts";\nimport { spawn } from "node:child_process";\nexport type B = [A, C];\nexport const s = [spawn, process.pid];\n`],
  ];
  for (const [path, code] of allowed) {
    it(`allows in ${path}: ${code.split("\n")[0]}`, async () => {
      expect(await problems(path, code)).to.deep.equal([]);
    });
  }
});
