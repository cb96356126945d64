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
    ["src/verify/x.ts", `import type { A } from "../stack/host.ts";\nexport type B = A;\n`, /verify imports only wire/],
    ["src/verify/x.ts", `import { readFileSync } from "node:fs";\nexport const a = readFileSync;\n`, /no-restricted-imports/],
    ["src/verify/x.ts", `export const t = Date.now();\n`, /sans-IO/],
    ["src/interop/x.ts", `import type { A } from "../interp/run.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../sut/kernel-tun/kernel-tun-sut.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../sut/kernel-tun/packet-pump.ts";\nexport type B = A;\n`, /interop imports wire, stack, verify, sut\/pcap and the TUN opener/],
    ["src/interop/x.ts", `import type { A } from "../cli/cli.ts";\nexport type B = A;\n`, /nothing imports cli/],
    ["src/runner/x.ts", `import type { A } from "../cli/cli.ts";\nexport type B = A;\n`, /nothing imports cli/],
    ["src/runner/x.ts", `import type { A } from "../report/text.ts";\nexport type B = A;\n`, /runner imports script, interp, sut and wire/],
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
    ["src/sut/reference/x.ts", `import type { A } from "../../stack/host.ts";\nexport type B = A;\n`],
    ["src/report/x.ts", `import type { A } from "../interp/events.ts";\nexport type B = A;\n`],
    ["src/verify/x.ts", `import type { A } from "../wire/tcp.ts";\nexport type B = A;\n`],
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
