/**
 * What the fuzz suite throws mutated inputs at, and what counts as a finding:
 * - scripts: `check` (parse + static checks) and the reference SUT (interpreter + our stack in
 *   virtual time). A finding is an exception escaping either, or an inconsistency: the same text
 *   checked alone and after other scripts gives other diagnostics, or run by a fresh runner and
 *   by one that ran other scripts first gives another verdict.
 * - captures: the capture readers, `decode`'s line writer, `decode --runnable` and `verify`. A finding is an
 *   exception, or a read error reported while `verify` still calls the capture clean.
 * - packets: two reference stacks running an MPTCP transfer (a join, data both ways, DATA_FIN)
 *   while the link flips, cuts and rewrites packets (half of them with a fixed-up TCP checksum, so
 *   the damage reaches TCP and MPTCP). A finding is an exception.
 * Hangs are the driver's business (a case that does not end within the limit).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { analyzeExchange } from "../../src/capture/exchange.ts";
import { PktDecoder } from "../../src/capture/pkt-decoder.ts";
import { runnableScript } from "../../src/capture/runnable-script.ts";
import { referenceRunner } from "../../src/runner/reference-runner.ts";
import type { RunJobSpec } from "../../src/runner/job-spec.ts";
import { checkScript } from "../../src/script/check-script.ts";
import { renderDiagnostic } from "../../src/script/render.ts";
import { SocketHost } from "../../src/stack/host-sockets.ts";
import type { Rng } from "../../src/rng.ts";
import { verdictOf, verifyCapture } from "../../src/verify/index.ts";
import { l4Checksum } from "../../src/wire/checksum.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import type { CaptureItem } from "../../src/wire/pcap/captured-packet.ts";
import { LINKTYPE_IPV4 } from "../../src/wire/pcap/link-type.ts";
import { emitPcapngFile } from "../../src/wire/pcap/pcapng-writer.ts";
import { emitPcapFile } from "../../src/wire/pcap/pcap-writer.ts";
import { Sim } from "../../test/unit/stack/sim.ts";
import { ACK, C1, IDSN_C, IDSN_S, ISN_C, ISN_S, S1, Synth, addAddr, bytes, dss, handshake, join as joinSubflow } from "../../test/unit/verify/synth.ts";
import { mutateBytes, mutateText, pick } from "./mutate.ts";

/** Something the fuzz suite found. */
export interface Finding {
  readonly target: Target;
  readonly index: number;
  readonly kind: "exception" | "inconsistent" | "hang";
  readonly detail: string;
}

/** The three input kinds. */
export type Target = "scripts" | "captures" | "packets";

/**
 * Every `.pkt` under the folders (the seeds of script mutation), with their shell commands and
 * code blocks taken out: a mutant must be safe to run, and most scripts start with a command.
 */
export function loadScripts(folders: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith(".pkt")) out.push(withoutCommands(readFileSync(p, "utf8")));
    }
  };
  for (const f of folders) walk(f);
  return out;
}

/** The script with each backtick command line and each `%{ }%` block replaced by a comment. */
function withoutCommands(text: string): string {
  return text.replace(/%\{[\s\S]*?\}%/g, "0").split("\n").map((l) => (l.includes("`") || /^\s*[+\d.]*\s*0\s*$/.test(l) ? "// (removed)" : l)).join("\n");
}

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}\n${(e.stack ?? "").split("\n").slice(1, 6).join("\n")}` : String(e));

/** The scripts target: `check` and the reference SUT, each case from its own seed. */
export class ScriptTarget {
  /** A runner that has run earlier cases: the "batch" side of the consistency check. */
  readonly #shared = referenceRunner(() => "");
  constructor(readonly seeds: readonly string[], readonly cwd: string) {}

  /** Cases that went through the reference SUT too (the others had a command or code block). */
  referenceRuns = 0;

  async run(rng: Rng, index: number): Promise<Finding[]> {
    const base = this.seeds[pick(rng, this.seeds.length)] ?? "";
    const text = mutateText(rng, base, this.seeds[pick(rng, this.seeds.length)] ?? "");
    const other = mutateText(rng, this.seeds[pick(rng, this.seeds.length)] ?? "", base);
    const found = (kind: Finding["kind"], detail: string): Finding[] => [{ target: "scripts", index, kind, detail }];
    let first: string;
    try {
      first = checkScript(text, "fuzz.pkt").map((d) => renderDiagnostic(d, text)).join("");
      checkScript(other, "other.pkt");
      const again = checkScript(text, "fuzz.pkt").map((d) => renderDiagnostic(d, text)).join("");
      if (again !== first) return found("inconsistent", `check alone and after another script differ:\n${first}\n---\n${again}`);
    } catch (e) {
      return found("exception", `check: ${describe(e)}`);
    }
    // Shell commands and code blocks of a mutant are never run: random text is not to be executed.
    if (text.includes("`") || text.includes("%{")) return [];
    const variant = (["ipv4", "ipv6", "ipv4-mapped-ipv6"] as const)[pick(rng, 3)] ?? "ipv4";
    const job: RunJobSpec = {
      file: "fuzz.pkt", variant, absFile: join(this.cwd, "fuzz.pkt"), cwd: this.cwd, flags: {}, defines: {},
      capturePath: null, verbose: false, configPath: null, source: text, seed: rng.nextU32(),
    };
    try {
      const signal = new AbortController().signal;
      this.referenceRuns++;
      const alone = await referenceRunner(() => "").run(job, () => {}, signal);
      const batch = await this.#shared.run(job, () => {}, signal);
      const show = (o: { verdict: string; line: number | null; message: string | null }): string => `${o.verdict} ${o.line} ${o.message}`;
      if (show(alone) !== show(batch)) return found("inconsistent", `reference SUT [${variant}] alone: ${show(alone)}\nafter other scripts: ${show(batch)}`);
      if (alone.message?.includes("MPD_ERR_INTERNAL") === true) return found("exception", `reference SUT [${variant}]: ${alone.message}`);
    } catch (e) {
      return found("exception", `reference SUT [${variant}]: ${describe(e)}`);
    }
    return [];
  }
}

/** Offsets of length fields in a pcapng file (each block's total length) or a pcap file (each record's lengths). */
function lengthFields(file: Uint8Array, pcapng: boolean): number[] {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: number[] = [];
  if (pcapng) {
    for (let at = 0; at + 12 <= file.length;) {
      out.push(at + 4);
      const len = v.getUint32(at + 4, true);
      if (len < 12) break;
      at += len;
    }
  } else {
    for (let at = 24; at + 16 <= file.length;) {
      out.push(at + 8, at + 12);
      at += 16 + v.getUint32(at + 8, true);
    }
  }
  return out;
}

/** The captures target: synthetic MPTCP captures as classic pcap (µs, ns) and pcapng. */
export class CaptureTarget {
  readonly #bases: Array<{ bytes: Uint8Array; lengths: number[] }>;

  constructor() {
    const cap = new Synth();
    handshake(cap);
    cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 1, options: [addAddr()] });
    const p = bytes(300);
    cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p })], payload: p });
    joinSubflow(cap);
    cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 301, options: [dss({ ack: IDSN_C + 301n, dsn: IDSN_S + 1n, ssn: 0, fin: true })] });
    const records = cap.items.flatMap((i: CaptureItem) => (i.kind === "packet" ? [{ tsSec: i.packet.tsSec, tsNsec: i.packet.tsNsec, data: i.packet.data }] : []));
    const files = [
      { bytes: emitPcapFile({ linkType: LINKTYPE_IPV4 }, records), pcapng: false },
      { bytes: emitPcapFile({ linkType: LINKTYPE_IPV4, precision: "ns" }, records), pcapng: false },
      { bytes: emitPcapngFile([{ linkType: LINKTYPE_IPV4 }], records.map((r) => ({ interfaceId: 0, timestamp: BigInt(r.tsSec) * 1_000_000n + BigInt(Math.floor(r.tsNsec / 1000)), data: r.data }))), pcapng: true },
    ];
    this.#bases = files.map((f) => ({ bytes: f.bytes, lengths: lengthFields(f.bytes, f.pcapng) }));
  }

  run(rng: Rng, index: number): Finding[] {
    const base = this.#bases[pick(rng, this.#bases.length)] as { bytes: Uint8Array; lengths: number[] };
    const file = mutateBytes(rng, base.bytes, base.lengths);
    try {
      const items = [...readCapture(file)];
      const decoder = new PktDecoder({ local: [], abs: false, tuple: "auto" });
      for (const item of items) decoder.push(item);
      // decode --runnable: a damaged capture gives a script or a stated problem, never an exception.
      const ex = analyzeExchange(items);
      if (ex.ok) runnableScript(ex.value, { source: "fuzz.pcap" });
      const report = verifyCapture(items);
      if (items.some((i) => i.kind === "error") && verdictOf(report) === "clean") {
        return [{ target: "captures", index, kind: "inconsistent", detail: "verify calls a capture with read errors clean" }];
      }
    } catch (e) {
      return [{ target: "captures", index, kind: "exception", detail: describe(e) }];
    }
    return [];
  }
}

/** Recomputes the TCP checksum of an IPv4 packet in place, when its headers allow. */
function fixTcpChecksum(p: Uint8Array): void {
  if (p.length < 40 || (p[0] as number) >> 4 !== 4 || p[9] !== 6) return;
  const ihl = ((p[0] as number) & 0xf) * 4;
  const total = Math.min(p.length, ((p[2] as number) << 8) | (p[3] as number));
  if (ihl < 20 || total < ihl + 20) return;
  const seg = p.subarray(ihl, total);
  seg[16] = 0;
  seg[17] = 0;
  const cs = l4Checksum(p.subarray(12, 16), p.subarray(16, 20), 6, seg, 16);
  seg[16] = cs >> 8;
  seg[17] = cs & 0xff;
}

/** The packets target: a two-stack MPTCP transfer over a link that damages packets. */
export class PacketTarget {
  run(rng: Rng, index: number): Finding[] {
    const mptcp = { joinAnnounced: true, checksum: pick(rng, 2) === 0, addAddrTimeout: 1_000_000 };
    const seed = pick(rng, 0x7fffffff);
    const client = new SocketHost({ addresses: ["10.0.0.1", "10.0.1.1"], seed, mptcp });
    const server = new SocketHost({ addresses: ["10.0.0.2", "10.0.1.2"], seed: seed + 1, mptcp });
    const sim = new Sim(client, server);
    const rate = 2 + pick(rng, 10);
    sim.mangle = (b, n) => {
      if (n % rate !== 0) return b;
      if (pick(rng, 8) === 0) return mutateBytes(rng, b);
      // Damage past the IP header (TCP header, options, payload), then make the checksum right.
      const c = b.slice();
      for (let k = 1 + pick(rng, 3); k > 0; k--) {
        const at = 20 + pick(rng, Math.max(1, c.length - 20));
        if (at < c.length) c[at] = pick(rng, 256);
      }
      fixTcpChecksum(c);
      return c;
    };
    try {
      const lfd = server.socket("mptcp");
      server.bind(lfd, "0.0.0.0", 80);
      server.listen(lfd, 4);
      const cfd = client.socket("mptcp");
      client.connect(cfd, "10.0.0.2", 80);
      const data = bytes(20_000, seed);
      let sent = 0;
      let sfd = -1;
      let announced = false;
      sim.run(30_000_000, () => {
        if (sfd < 0) {
          const a = server.accept(lfd);
          if (a.ok) sfd = a.value.fd;
        }
        if (sfd >= 0 && !announced) announced = server.mptcpAnnounce(sfd, "10.0.1.2", 1).ok;
        while (sent < data.length) {
          const r = client.send(cfd, data.subarray(sent, Math.min(data.length, sent + 4096)));
          if (!r.ok || r.value === 0) break;
          sent += r.value;
          if (sent === data.length) client.close(cfd);
        }
        if (sfd >= 0) {
          for (;;) {
            const r = server.recv(sfd, 65536);
            if (!r.ok || r.value.length === 0) break;
            server.send(sfd, r.value.subarray(0, 100));
          }
        }
        return false;
      });
    } catch (e) {
      return [{ target: "packets", index, kind: "exception", detail: describe(e) }];
    }
    return [];
  }
}
