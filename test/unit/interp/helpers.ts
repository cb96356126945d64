/** Test helpers: parse one-line scripts into AST events and script packets. */
import type * as ast from "../../../src/script/ast.ts";
import { parseScript } from "../../../src/script/parse.ts";
import { type ScriptTcpPacket, scriptTcpPacket } from "../../../src/interp/script-packet.ts";
import { ValueEnv } from "../../../src/interp/values.ts";
import type { SutNetConfig } from "../../../src/sut/sut.ts";

/** Parses `source` (whole script text) or fails the test. */
export function parse(source: string): ast.Script {
  const r = parseScript(source, "t.pkt");
  if (r.script === null) throw new Error(`parse failed: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.script;
}

/** The script packet of a single packet line such as `+0 > S. 0:0(0) ack 1 <mss 1460>`. */
export function pkt(line: string, defines: Record<string, string> = {}): ScriptTcpPacket {
  const ev = parse(`${line}\n`).events[0] as ast.Event;
  const a = ev.action;
  if (a.kind !== "packet" || a.body.kind !== "tcp") throw new Error("not a TCP packet line");
  return scriptTcpPacket(a, a.body, new ValueEnv(new Map(Object.entries(defines))));
}

/** A v4 net config like the gpd preset. */
export const NET4: SutNetConfig = {
  ipVersion: "ipv4", wireFamily: 4, socketFamily: "inet", localIp: "192.168.0.1", remoteIp: "192.0.2.1",
  socketLocalIp: "192.168.0.1", socketRemoteIp: "192.0.2.1", remotePrefixLen: 24, gatewayIp: "192.168.0.1",
  netmaskIp: "255.255.0.0", localPrefixLen: 16, mtu: 1500, device: "tun0", bindPort: 8080, connectPort: 8080,
};
