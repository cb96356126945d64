/**
 * The kernel's side of a scenario: a small Python program run in the kernel namespace that opens
 * an IPPROTO_MPTCP socket (listener or client), sends N seeded random bytes while it reads to EOF,
 * hashes both directions with SHA-256, reads MPTCP_INFO (SOL_MPTCP 284, 96 bytes on 6.18) and
 * TCP_IS_MPTCP before closing, and prints one JSON line. Plus the kernel's evidence: nstat's
 * MPTcpExt* MIB counters (per namespace) and `ss -M`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { statSync } from "node:fs";
import { MptcpdrillError } from "../errors.ts";
import { nsSh } from "./topology.ts";

/** What the kernel peer does. */
export interface KernelPeerSpec {
  readonly role: "server" | "client";
  /** Server: the port to listen on; client: the port to connect to. */
  readonly port: number;
  /** Client: the address to connect to. */
  readonly connect?: string;
  /** Bytes to send, then shutdown(SHUT_WR). */
  readonly sendBytes: number;
  readonly seed: number;
  /** Seconds before the peer gives up. */
  readonly timeoutSec: number;
  /** IPPROTO_MPTCP (true) or plain TCP. */
  readonly mptcp?: boolean;
}

/** What the kernel peer reported. */
export interface KernelPeerResult {
  readonly ok: boolean;
  readonly error?: string;
  readonly recvBytes: number;
  readonly recvSha: string;
  readonly sentBytes: number;
  readonly sentSha: string;
  /** TCP_IS_MPTCP after the transfer: 0 means the connection fell back to TCP. */
  readonly isMptcp: number;
  /** Decoded `struct mptcp_info` (empty after fallback). */
  readonly mptcpInfo: Readonly<Record<string, number>>;
}

const PEER_PY = String.raw`
import hashlib, json, random, socket, struct, sys, threading
spec = json.loads(sys.argv[1])
out = {"ok": False, "recvBytes": 0, "recvSha": "", "sentBytes": 0, "sentSha": "", "isMptcp": -1, "mptcpInfo": {}}
proto = 262 if spec.get("mptcp", True) else 0
def info(s):
    try: out["isMptcp"] = s.getsockopt(socket.IPPROTO_TCP, 43)
    except OSError: pass
    try: b = s.getsockopt(284, 1, 96)
    except OSError: return
    names = ["subflows", "add_addr_signal", "add_addr_accepted", "subflows_max"]
    if len(b) >= 48:
        v = struct.unpack_from("<6B2xII", b, 0); w = struct.unpack_from("<QQQBBBxI", b, 16)
        d = dict(zip(names + ["add_addr_signal_max", "add_addr_accepted_max", "flags", "token"], v))
        d.update(dict(zip(["write_seq_lo", "snd_una_lo", "rcv_nxt_lo", "local_addr_used", "local_addr_max", "csum_enabled", "retransmits"], [w[0] & 0xffffffff, w[1] & 0xffffffff, w[2] & 0xffffffff, w[3], w[4], w[5], w[6]])))
        if len(b) >= 96:
            x = struct.unpack_from("<QQQQB", b, 48)
            d.update(dict(zip(["bytes_retrans", "bytes_sent", "bytes_received", "bytes_acked", "subflows_total"], x)))
        out["mptcpInfo"] = d
def sender(s):
    data = random.Random(spec["seed"]).randbytes(spec["sendBytes"])
    out["sentSha"] = hashlib.sha256(data).hexdigest()
    view = memoryview(data)
    while view:
        n = s.send(view[:262144]); out["sentBytes"] += n; view = view[n:]
    s.shutdown(socket.SHUT_WR)
try:
    if spec["role"] == "server":
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("0.0.0.0", spec["port"])); ls.listen(4); ls.settimeout(spec["timeoutSec"])
        print("READY", flush=True)
        s, _ = ls.accept()
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, proto)
        s.settimeout(spec["timeoutSec"])
        s.connect((spec["connect"], spec["port"]))
        print("READY", flush=True)
    s.settimeout(spec["timeoutSec"])
    t = threading.Thread(target=sender, args=(s,)); t.start()
    h = hashlib.sha256()
    while True:
        b = s.recv(1 << 20)
        if not b: break
        h.update(b); out["recvBytes"] += len(b)
    t.join(spec["timeoutSec"])
    out["recvSha"] = h.hexdigest()
    info(s)
    s.close()
    out["ok"] = not t.is_alive()
except Exception as e:
    out["error"] = repr(e)
print(json.dumps(out), flush=True)
`;

/** A running kernel peer. */
export class KernelPeer {
  private readonly child: ChildProcess;
  private stdout = "";
  private stderr = "";
  /** Resolves once the peer listens (server) or is connected (client). */
  readonly ready: Promise<void>;
  /** Resolves with the peer's report when it exits. */
  readonly done: Promise<KernelPeerResult>;

  constructor(ns: string, spec: KernelPeerSpec) {
    this.child = spawn("ip", ["netns", "exec", ns, "/usr/bin/python3", "-c", PEER_PY, JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
    this.child.stderr?.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.ready = new Promise((resolve, reject) => {
      this.child.stdout?.on("data", (d: Buffer) => {
        this.stdout += d.toString();
        if (this.stdout.startsWith("READY\n")) resolve();
      });
      this.child.on("exit", () => reject(new MptcpdrillError("MPD_ERR_CHILD", `kernel peer exited early: ${this.stderr || this.stdout}`)));
    });
    this.ready.catch(() => undefined);
    this.done = new Promise((resolve, reject) => {
      this.child.on("exit", (code) => {
        const line = this.stdout.split("\n").filter((l) => l.startsWith("{")).pop();
        if (!line) return reject(new MptcpdrillError("MPD_ERR_CHILD", `kernel peer exited ${code} without a report: ${this.stderr.trim()}`));
        resolve(JSON.parse(line) as KernelPeerResult);
      });
    });
  }

  /** Kills the peer (SIGKILL) if it still runs. */
  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** Absolute values of the namespace's MPTcpExt and Tcp MIB counters (`nstat -asz`). */
export function readMib(ns: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of nsSh(ns, ["nstat", "-asz"]).split("\n")) {
    const m = /^(\S+)\s+(\d+)/.exec(line);
    if (m && (m[1]?.startsWith("MPTcpExt") || m[1]?.startsWith("Tcp"))) out[m[1] as string] = Number(m[2]);
  }
  return out;
}

/** Counters that changed between two {@link readMib} snapshots. */
export function mibDelta(before: Readonly<Record<string, number>>, after: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(after)) if (v !== (before[k] ?? 0)) out[k] = v - (before[k] ?? 0);
  return out;
}

/** `ss -M` (MPTCP sockets) and `ss -tni` in the kernel namespace, for the evidence file. */
export function socketDump(ns: string): string {
  return `${nsSh(ns, ["ss", "-Mani"], { allowFail: true })}${nsSh(ns, ["ss", "-tani"], { allowFail: true })}`;
}

/**
 * A tcpdump capture on the kernel's interface (evidence per run; whole packets, so `verify` can
 * check DSS checksums; immediate mode and a packet-buffered file, so what tcpdump has read is on
 * disk at once). Resolves once tcpdump listens; stop it with {@link stopCapture}.
 */
export async function startCapture(ns: string, dev: string, file: string): Promise<ChildProcess> {
  const p = spawn("ip", ["netns", "exec", ns, "tcpdump", "-i", dev, "--immediate-mode", "-U", "-s", "1600", "-B", "32768", "-w", file, "tcp"], { stdio: ["ignore", "ignore", "pipe"] });
  // tcpdump says "listening on DEV" on stderr once its socket is bound: from then on nothing is missed.
  await new Promise<void>((resolve) => {
    let seen = "";
    const done = (): void => {
      clearTimeout(timer);
      p.stderr?.removeAllListeners("data");
      p.stderr?.resume();
      resolve();
    };
    const timer = setTimeout(done, 5000);
    p.stderr?.on("data", (b: Buffer) => {
      seen += b.toString();
      if (/listening on/.test(seen)) done();
    });
    p.on("exit", done);
  });
  return p;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a capture once it has caught up: tcpdump may still be behind the kernel's packet ring when
 * the run ends (a loaded machine), and SIGINT makes it stop reading the ring, dropping what is left
 * there. So first wait until the file has not grown for 250 ms (at most 3 s), then SIGINT and wait
 * for the exit. Call it before the link goes away.
 */
export async function stopCapture(p: ChildProcess, file?: string): Promise<void> {
  if (p.exitCode !== null) return;
  if (file !== undefined) {
    let last = sizeOf(file);
    let stableSince = Date.now();
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline && Date.now() - stableSince < 250) {
      await sleep(50);
      const now = sizeOf(file);
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      }
    }
  }
  const exited = new Promise((r) => p.on("exit", r));
  p.kill("SIGINT");
  await Promise.race([exited, sleep(2000)]);
}
