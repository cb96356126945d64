/**
 * Test support: kernel ↔ kernel captures the capture tests make themselves. Two namespaces joined
 * by two veth pairs (the second for an MPTCP subflow to a signalled address), a Python client and
 * server running one small request/response exchange, and tcpdump on `any` in the server's
 * namespace. Each {@link CaptureScenario} picks the protocol (TCP or MPTCP), DSS checksums, a
 * signalled second address, a plain-TCP client (MPTCP fallback) and how the server ends (FIN or
 * RST). Everything is torn down by `NetnsLab.cleanup()`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePacket } from "../../src/wire/packet.ts";
import { readCapture } from "../../src/wire/pcap/capture-format.ts";
import { stripLinkLayer } from "../../src/wire/pcap/link-layer.ts";
import { exited, NetnsLab, waitForOutput } from "./netns.ts";

/** One exchange to capture. */
export interface CaptureScenario {
  readonly name: string;
  /** The server socket is IPPROTO_MPTCP. */
  readonly mptcp: boolean;
  /** The client socket is IPPROTO_MPTCP (false with an MPTCP server: fallback to TCP). */
  readonly clientMptcp: boolean;
  readonly checksum?: boolean;
  /** The server announces a second address (ADD_ADDR) and the client joins it. */
  readonly addAddr?: boolean;
  /** The server closes with SO_LINGER 0 (a RST) instead of a FIN. */
  readonly reset?: boolean;
  /** Client writes then server writes, in bytes, one round trip each. */
  readonly rounds: readonly (readonly [number, number])[];
}

/** Addresses of the lab. */
export const CAPTURE_LAB = { client1: "10.78.1.1", server1: "10.78.1.2", client2: "10.78.2.1", server2: "10.78.2.2", port: 5602 } as const;

const SERVER_PY = `
import socket, struct, sys, time, json
cfg = json.loads(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262 if cfg["mptcp"] else 6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", cfg["port"])); s.listen(1)
print("listening", flush=True)
c, _ = s.accept()
for want, answer in cfg["rounds"]:
    n = 0
    while n < want:
        b = c.recv(want - n)
        if not b: break
        n += len(b)
    time.sleep(0.05)
    c.sendall(b"s" * answer)
if cfg.get("reset"):
    time.sleep(0.1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
else:
    while c.recv(65536): pass
    time.sleep(0.05)
    c.close()
print("done", flush=True)
time.sleep(0.3)
`;

const CLIENT_PY = `
import socket, sys, time, json
cfg = json.loads(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262 if cfg["clientMptcp"] else 6)
s.connect((cfg["server"], cfg["port"]))
time.sleep(0.4 if cfg.get("addAddr") else 0.1)
for out, answer in cfg["rounds"]:
    s.sendall(b"c" * out)
    n = 0
    while n < answer:
        b = s.recv(answer - n)
        if not b: break
        n += len(b)
    time.sleep(0.1)
if not cfg.get("reset"):
    s.shutdown(socket.SHUT_WR)
try:
    while s.recv(65536): pass
except ConnectionResetError:
    pass
time.sleep(0.2)
s.close()
print("done", flush=True)
`;

/**
 * Builds a fresh lab for `sc`, captures one exchange into `dir/<name>.pcap` (tcpdump on `any` in
 * the server's namespace) and tears the namespaces down; resolves with the capture's path.
 */
export async function captureScenario(sc: CaptureScenario, dir: string): Promise<string> {
  // On a loaded machine tcpdump may say it listens before its socket sees the first packets:
  // a capture without the client's SYN is taken again.
  for (let attempt = 1; ; attempt++) {
    const file = await captureOnce(sc, dir);
    if (hasSyn(file) || attempt === 3) return file;
  }
}

/** True when the capture holds a TCP SYN without ACK. */
function hasSyn(file: string): boolean {
  return [...readCapture(new Uint8Array(readFileSync(file)))].some((i) => {
    if (i.kind !== "packet") return false;
    const link = stripLinkLayer(i.packet.linkType, i.packet.data);
    if (!link.ok) return false;
    const p = parsePacket(link.value.payload);
    return p.ok && p.value.l4.kind === "tcp" && (p.value.l4.flags & 0x12) === 0x02;
  });
}

async function captureOnce(sc: CaptureScenario, dir: string): Promise<string> {
  const lab = new NetnsLab(`cap${sc.name.slice(0, 6)}`);
  try {
    const client = lab.addNetns("c");
    const server = lab.addNetns("s");
    lab.addVeth({ netns: client, ifname: "c0", cidr: `${CAPTURE_LAB.client1}/24` }, { netns: server, ifname: "s0", cidr: `${CAPTURE_LAB.server1}/24` });
    lab.addVeth({ netns: client, ifname: "c1", cidr: `${CAPTURE_LAB.client2}/24` }, { netns: server, ifname: "s1", cidr: `${CAPTURE_LAB.server2}/24` });
    for (const ns of [client, server]) {
      lab.exec(ns, ["sysctl", "-qw", "net.mptcp.enabled=1", `net.mptcp.checksum_enabled=${sc.checksum === true ? 1 : 0}`]);
      lab.exec(ns, ["ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2"]);
      lab.exec(ns, ["ip", "mptcp", "endpoint", "flush"]);
    }
    if (sc.addAddr === true) lab.exec(server, ["ip", "mptcp", "endpoint", "add", CAPTURE_LAB.server2, "dev", "s1", "signal"]);
    const file = join(dir, `${sc.name}.pcap`);
    const tcpdump = lab.spawn(server, ["tcpdump", "-i", "any", "-y", "LINUX_SLL2", "-Z", "root", "-U", "-n", "-w", file, "tcp"]);
    await waitForOutput(tcpdump, /listening on any/, 10000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const cfg = { ...sc, port: CAPTURE_LAB.port, server: CAPTURE_LAB.server1 };
    writeFileSync(join(dir, "server.py"), SERVER_PY);
    writeFileSync(join(dir, "client.py"), CLIENT_PY);
    const srv = lab.spawn(server, ["python3", join(dir, "server.py"), JSON.stringify(cfg)]);
    await waitForOutput(srv, /listening/, 10000);
    const cli = lab.spawn(client, ["python3", join(dir, "client.py"), JSON.stringify(cfg)]);
    await Promise.all([waitForOutput(cli, /done/, 30000), waitForOutput(srv, /done/, 30000)]);
    await Promise.all([exited(cli, 5000), exited(srv, 5000)]);
    // tcpdump -U writes per packet; give the last ones a moment before stopping it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    tcpdump.kill("SIGINT");
    await exited(tcpdump, 10000);
    return file;
  } finally {
    await lab.cleanup();
  }
}
