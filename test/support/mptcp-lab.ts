/**
 * Test support: a two-namespace MPTCP lab joined by two veth pairs, with a Python MPTCP client
 * and server (socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP = 262)) and capture tools started
 * inside the client namespace. Used by the kernel capture tests; everything is torn down by
 * `NetnsLab.cleanup()`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { exited, NetnsLab, waitForOutput } from "./netns.ts";

const SERVER_PY = `
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(1)
print("listening", flush=True)
c, _ = s.accept(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b: break
    n += len(b)
c.sendall(str(n).encode()); c.close(); print("got", n, flush=True)
`;

const CLIENT_PY = `
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262)
s.connect((sys.argv[1], int(sys.argv[2])))
time.sleep(float(sys.argv[4]))
s.sendall(b"m" * int(sys.argv[3])); s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode(), flush=True); s.close()
`;

/** Addresses of the lab: subflow 1 on 10.77.1.0/24, subflow 2 (signalled by the server) on 10.77.2.0/24. */
export const LAB = { client1: "10.77.1.1", server1: "10.77.1.2", client2: "10.77.2.1", server2: "10.77.2.2", port: 5601 } as const;

/** The namespaces of a built lab. */
export interface MptcpLab {
  readonly lab: NetnsLab;
  readonly client: string;
  readonly server: string;
}

/** Builds the namespaces, veth pairs, MPTCP limits, the signal endpoint and DSS checksums. */
export function buildMptcpLab(lab: NetnsLab): MptcpLab {
  const client = lab.addNetns("c");
  const server = lab.addNetns("s");
  lab.addVeth({ netns: client, ifname: "c0", cidr: `${LAB.client1}/24` }, { netns: server, ifname: "s0", cidr: `${LAB.server1}/24` });
  lab.addVeth({ netns: client, ifname: "c1", cidr: `${LAB.client2}/24` }, { netns: server, ifname: "s1", cidr: `${LAB.server2}/24` });
  for (const ns of [client, server]) {
    lab.exec(ns, ["sysctl", "-qw", "net.mptcp.enabled=1", "net.mptcp.checksum_enabled=1"]);
    lab.exec(ns, ["ip", "mptcp", "limits", "set", "subflows", "2", "add_addr_accepted", "2"]);
  }
  lab.exec(server, ["ip", "mptcp", "endpoint", "add", LAB.server2, "dev", "s1", "signal"]);
  return { lab, client, server };
}

/** Captures started in the client namespace: tcpdump on `any` (cooked v2) and dumpcap on c0 + c1. */
export async function startCaptures(m: MptcpLab, dir: string): Promise<() => Promise<void>> {
  const tcpdump = m.lab.spawn(m.client, ["tcpdump", "-i", "any", "-y", "LINUX_SLL2", "-Z", "root", "-B", "32768", "-U", "-w", join(dir, "any.pcap")]);
  const dumpcap = m.lab.spawn(m.client, ["dumpcap", "-i", "c0", "-i", "c1", "-B", "32", "-w", join(dir, "two.pcapng")]);
  await Promise.all([waitForOutput(tcpdump, /listening on any/, 10000), waitForOutput(dumpcap, /Capturing on/, 10000)]);
  return async () => {
    for (const p of [tcpdump, dumpcap]) p.kill("SIGINT");
    await Promise.all([exited(tcpdump, 10000), exited(dumpcap, 10000)]);
  };
}

/** Runs one MPTCP transfer of `bytes` from client to server; resolves with the server's byte count. */
export async function transfer(m: MptcpLab, dir: string, bytes: number): Promise<number> {
  writeFileSync(join(dir, "server.py"), SERVER_PY);
  writeFileSync(join(dir, "client.py"), CLIENT_PY);
  const server = m.lab.spawn(m.server, ["python3", join(dir, "server.py"), String(LAB.port)]);
  await waitForOutput(server, /listening/, 10000);
  // Pause after connect() so that ADD_ADDR and the MP_JOIN of the second subflow happen before the data.
  const client = m.lab.spawn(m.client, ["python3", join(dir, "client.py"), LAB.server1, String(LAB.port), String(bytes), "0.3"]);
  const [answer] = await Promise.all([waitForOutput(client, /^\d+/m, 30000), exited(server, 30000)]);
  await exited(client, 5000);
  return Number(answer.trim());
}
