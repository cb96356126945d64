/**
 * TCP_INFO-like snapshots of a reference socket (pkt-language.md §7): the few `tcpi_*` fields the
 * stack knows (state, RTO, smoothed RTT, cwnd) and `mptcpi_*` for MPTCP sockets (subflows,
 * fallback, checksum use: RFC 8684 §3.1, §3.7). Fields the stack does not model are left out.
 */
import type { SocketHost } from "../../stack/host-sockets.ts";
import { type TcpInfoSnapshot, TCP_INFO_CONSTANTS, errnoInfo } from "../sut.ts";

const STATE: Readonly<Record<string, string>> = {
  Established: "TCP_ESTABLISHED", SynSent: "TCP_SYN_SENT", SynReceived: "TCP_SYN_RECV", FinWait1: "TCP_FIN_WAIT1",
  FinWait2: "TCP_FIN_WAIT2", TimeWait: "TCP_TIME_WAIT", Closed: "TCP_CLOSE", CloseWait: "TCP_CLOSE_WAIT",
  LastAck: "TCP_LAST_ACK", Listen: "TCP_LISTEN", Closing: "TCP_CLOSING",
};

/** The snapshot of `fd`, or its errno. */
export function tcpInfoSnapshot(host: SocketHost, fd: number): TcpInfoSnapshot | { readonly errno: number; readonly errnoName: string } {
  const r = host.info(fd);
  if (!r.ok) return { errno: r.errno, errnoName: errnoInfo(r.errno)?.name ?? "" };
  const i = r.value;
  const tcpInfo: Record<string, number> = {};
  const st = i.tcpState === undefined ? undefined : TCP_INFO_CONSTANTS[STATE[i.tcpState] ?? ""];
  if (st !== undefined) tcpInfo["tcpi_state"] = st;
  if (i.rto !== undefined) tcpInfo["tcpi_rto"] = i.rto;
  if (i.srtt !== undefined) tcpInfo["tcpi_rtt"] = i.srtt;
  if (i.cwnd !== undefined) tcpInfo["tcpi_snd_cwnd"] = i.cwnd;
  const mptcpInfo: Record<string, number> = {};
  if (i.mptcp) {
    mptcpInfo["mptcpi_subflows"] = Math.max(0, i.mptcp.subflows - 1);
    mptcpInfo["mptcpi_flags_fallback"] = i.mptcp.fallback ? 1 : 0;
    mptcpInfo["mptcpi_csum_enabled"] = i.mptcp.checksum ? 1 : 0;
  }
  return { tcpInfo, mptcpInfo, ccInfo: {}, memInfo: {} };
}
