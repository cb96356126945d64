/**
 * The end of a run and code blocks (pkt-language.md §7, §10.6): close every fd the script still
 * holds, inject packetdrill's final `R.` into each TCP connection, snapshot TCP_INFO for `%{ }%`
 * blocks and run the collected Python program after a fully passing script.
 */
import type * as ast from "../script/ast.ts";
import type { CodeSockopt } from "../script/flag-table.ts";
import { type Sut, TCP_INFO_CONSTANTS } from "../sut/sut.ts";
import { parseIpAddress } from "../wire/address.ts";
import { emitPacket, packet } from "../wire/packet.ts";
import { seqAdd } from "../wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../wire/tcp.ts";
import { type Mismatch, plainMismatch } from "./mismatch.ts";
import { ipHeader } from "./packet-build.ts";
import type { SocketEntry, SocketTable } from "./sockets.ts";

const IPPROTO_MPTCP = 262;

/**
 * §10.6: the forged RST: seq after the last injected segment with its ack and window; else from
 * the last outbound segment; else seq 0 with ack = kernel ISN + 1.
 */
export function finalRst(s: SocketEntry): TcpRepr | null {
  const c = s.conn;
  if (c.liveLocal === null || c.liveRemote === null || c.liveLocal.port === 0 || c.kernelIsn === null) return null;
  const base = { kind: "tcp" as const, srcPort: c.liveRemote.port, dstPort: c.liveLocal.port, urgent: 0, options: [], flags: TCP_FLAG.RST | TCP_FLAG.ACK };
  const inj = c.lastInjected;
  if (inj) {
    const fin = inj.flags & (TCP_FLAG.SYN | TCP_FLAG.FIN) ? 1 : 0;
    return { ...base, seq: seqAdd(inj.seq, inj.payloadLen + fin), ack: inj.ack, window: inj.window };
  }
  const out = c.lastOutbound;
  if (out) return { ...base, seq: out.ack, ack: seqAdd(out.seq, out.payloadLen), window: 0 };
  return { ...base, seq: 0 as TcpRepr["seq"], ack: seqAdd(c.kernelIsn, 1), window: 0 };
}

/** Closes every fd still open and resets every TCP connection (§10.6); never fails the run. */
export async function closeEverything(sut: Sut, fds: SocketTable, file: string): Promise<{ line: number | null; message: string } | null> {
  void file;
  for (const a of fds.openFds()) {
    const h = sut.syscall({ name: "close", args: [{ kind: "int", value: a.liveFd }], blocking: false });
    await h.result;
    fds.closeFd(a.scriptFd);
  }
  for (const s of fds.all()) {
    if (s.protocol === IPPROTO_MPTCP) continue;
    const rst = finalRst(s);
    const c = s.conn;
    if (!rst || !c.liveLocal || !c.liveRemote || !parseIpAddress(c.liveLocal.ip)) continue;
    const ip = ipHeader(sut.net.wireFamily, c.liveRemote.ip, c.liveLocal.ip, { ecn: null, tos: null, ttl: null, flowLabel: null });
    await sut.inject(emitPacket(packet(ip, rst)));
  }
  return null;
}

function pyValue(v: number | bigint): string {
  return typeof v === "bigint" ? v.toString() : String(v);
}

/**
 * §7: at the block's time, snapshot TCP_INFO (and friends) of the current socket's live fd and
 * return the Python fragment (assignments, then the snippet), or a mismatch. `sockopt`
 * (`--code_sockopt`) keeps one getsockopt's names: `TCP_INFO` the `tcpi_*` ones (with our
 * `mptcpi_*` extension), `TCP_CC_INFO` the congestion control's, `SO_MEMINFO` the `SK_MEMINFO_*`
 * ones; without it every one is there, as packetdrill's default (G code.c appends all three).
 */
export async function snapshotForCode(sut: Sut, fds: SocketTable, c: ast.Code, ev: ast.Event, sockopt?: CodeSockopt): Promise<string | Mismatch> {
  const cur = fds.current;
  const alias = cur ? fds.openFds().find((a) => a.socket === cur) : undefined;
  if (!alias) return plainMismatch("runtime", "code", "no socket to use for code", ev.span);
  const snap = await sut.snapshotTcpInfo(alias.liveFd);
  if ("errno" in snap) return plainMismatch("runtime", "code", "can't find getsockopt to get TCP info", ev.span);
  const lines = [`_file = ${JSON.stringify(ev.span.file)}`, `_line = ${ev.span.start.line}`];
  for (const [k, v] of Object.entries(TCP_INFO_CONSTANTS)) lines.push(`${k} = ${v}`);
  const records = {
    TCP_INFO: [snap.tcpInfo, snap.mptcpInfo], TCP_CC_INFO: [snap.ccInfo], SO_MEMINFO: [snap.memInfo],
  } as const;
  for (const rec of sockopt === undefined ? Object.values(records).flat() : records[sockopt]) {
    for (const [k, v] of Object.entries(rec)) lines.push(`${k} = ${pyValue(v)}`);
  }
  // mptcpdrill extension: the SUT's MIB counters as `mib_<nstat name>` (e.g. mib_MPTcpExtMPFailTx).
  for (const [k, v] of Object.entries(snap.mib ?? {})) lines.push(`mib_${k} = ${pyValue(v)}`);
  lines.push(c.text);
  return lines.join("\n");
}

/**
 * The script line of the fragment that raised, from the last `line N` of the program file in a
 * Python traceback; `starts[i]` is fragment i's first program line, `lines[i]` its script line.
 */
export function failingCodeLine(stderr: string, starts: readonly number[], lines: readonly number[]): number | null {
  const hits = [...stderr.matchAll(/File "[^"]*code\.py", line (\d+)/g)];
  const last = hits[hits.length - 1];
  if (!last) return null;
  const at = Number(last[1]);
  let found: number | null = null;
  starts.forEach((start, i) => {
    if (at >= start) found = lines[i] ?? null;
  });
  return found;
}

/**
 * Runs the collected code fragments as one program (§7); a failure message or null. An exception
 * is reported at the `%{ }%` block that raised it (`file:line: error in Python code`, then the
 * traceback's last lines); any other non-zero exit as packetdrill's `error executing code`.
 */
export async function runCode(sut: Sut, parts: readonly string[], file: string, lines: readonly number[] = []): Promise<{ line: number | null; message: string } | null> {
  const starts: number[] = [];
  let next = 1;
  for (const p of parts) {
    starts.push(next);
    next += p.split("\n").length;
  }
  const r = await sut.runCode(`${parts.join("\n")}\n`);
  if (r.exitCode === 0) return null;
  const tail = r.stderr.trim().split("\n").slice(-3).join(" | ");
  const line = failingCodeLine(r.stderr, starts, lines);
  if (line !== null) return { line, message: `${file}:${line}: error in Python code${tail ? `\n${tail}` : ""}` };
  return { line: null, message: `${file}: error executing code: 'python3' returned non-zero status ${r.exitCode ?? -1}${tail ? `\n${tail}` : ""}` };
}
