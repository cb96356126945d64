/**
 * Decoders for the socket-state structs a code block reads (pkt-language.md §7): `struct
 * tcp_info` (TCP_INFO), `struct mptcp_info` (SOL_MPTCP/MPTCP_INFO, RFC 8684 connection state),
 * `union tcp_cc_info` (TCP_CC_INFO) and SO_MEMINFO, into packetdrill's Python names.
 *
 * Only fields that lie wholly inside the length the kernel returned are decoded, so older kernels
 * (tcp_info 232 bytes on 6.1, mptcp_info 48 bytes) simply yield fewer names. Pure: no I/O.
 */

type FieldType = "u8" | "u16" | "u32" | "u64";
type Field = readonly [name: string, offset: number, type: FieldType];

const SIZE: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

function u32s(names: string, from: number): Field[] {
  return names.split(" ").map((n, i) => [n, from + 4 * i, "u32"] as const);
}

/** `struct tcp_info` (Linux 6.18, 280 bytes) without the two bitfield bytes at offsets 6 and 7. */
const TCP_INFO_FIELDS: readonly Field[] = [
  ...["state", "ca_state", "retransmits", "probes", "backoff", "options"].map((n, i) => [n, i, "u8"] as const),
  ...u32s("rto ato snd_mss rcv_mss unacked sacked lost retrans fackets last_data_sent last_ack_sent " +
    "last_data_recv last_ack_recv pmtu rcv_ssthresh rtt rttvar snd_ssthresh snd_cwnd advmss reordering " +
    "rcv_rtt rcv_space total_retrans", 8),
  ["pacing_rate", 104, "u64"], ["max_pacing_rate", 112, "u64"], ["bytes_acked", 120, "u64"],
  ["bytes_received", 128, "u64"],
  ...u32s("segs_out segs_in notsent_bytes min_rtt data_segs_in data_segs_out", 136),
  ["delivery_rate", 160, "u64"], ["busy_time", 168, "u64"], ["rwnd_limited", 176, "u64"],
  ["sndbuf_limited", 184, "u64"], ["delivered", 192, "u32"], ["delivered_ce", 196, "u32"],
  ["bytes_sent", 200, "u64"], ["bytes_retrans", 208, "u64"],
  ...u32s("dsack_dups reord_seen rcv_ooopack snd_wnd rcv_wnd rehash", 216),
  ["total_rto", 240, "u16"], ["total_rto_recoveries", 242, "u16"], ["total_rto_time", 244, "u32"],
  ...u32s("received_ce delivered_e1_bytes delivered_e0_bytes delivered_ce_bytes received_e1_bytes " +
    "received_e0_bytes received_ce_bytes", 248),
  ["accecn_fail_mode", 276, "u16"], ["accecn_opt_seen", 278, "u16"],
];

/** `struct mptcp_info` (Linux 6.18, 96 bytes). */
const MPTCP_INFO_FIELDS: readonly Field[] = [
  ...["subflows", "add_addr_signal", "add_addr_accepted", "subflows_max", "add_addr_signal_max",
    "add_addr_accepted_max"].map((n, i) => [n, i, "u8"] as const),
  ["flags", 8, "u32"], ["token", 12, "u32"], ["write_seq", 16, "u64"], ["snd_una", 24, "u64"],
  ["rcv_nxt", 32, "u64"], ["local_addr_used", 40, "u8"], ["local_addr_max", 41, "u8"],
  ["csum_enabled", 42, "u8"], ["retransmits", 44, "u32"], ["bytes_retrans", 48, "u64"],
  ["bytes_sent", 56, "u64"], ["bytes_received", 64, "u64"], ["bytes_acked", 72, "u64"],
  ["subflows_total", 80, "u8"], ["last_data_sent", 84, "u32"], ["last_data_recv", 88, "u32"],
  ["last_ack_recv", 92, "u32"],
];

function decodeFields(bytes: Uint8Array, len: number, prefix: string, fields: readonly Field[]): Record<string, number | bigint> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, Math.min(len, bytes.byteLength));
  const out: Record<string, number | bigint> = {};
  for (const [name, off, type] of fields) {
    if (off + SIZE[type] > v.byteLength) continue;
    out[prefix + name] = type === "u8" ? v.getUint8(off) : type === "u16" ? v.getUint16(off, true)
      : type === "u32" ? v.getUint32(off, true) : v.getBigUint64(off, true);
  }
  return out;
}

/** `tcpi_*` names of the `len` bytes TCP_INFO returned. */
export function decodeTcpInfo(bytes: Uint8Array, len: number): Record<string, number | bigint> {
  const out = decodeFields(bytes, len, "tcpi_", TCP_INFO_FIELDS);
  if (len >= 7) {
    out["tcpi_snd_wscale"] = bytes[6]! & 0x0f;
    out["tcpi_rcv_wscale"] = bytes[6]! >>> 4;
  }
  if (len >= 8) {
    out["tcpi_delivery_rate_app_limited"] = bytes[7]! & 0x01;
    out["tcpi_fastopen_client_fail"] = (bytes[7]! >>> 1) & 0x03;
  }
  return out;
}

/** `mptcpi_*` names of the `len` bytes MPTCP_INFO returned. */
export function decodeMptcpInfo(bytes: Uint8Array, len: number): Record<string, number | bigint> {
  return decodeFields(bytes, len, "mptcpi_", MPTCP_INFO_FIELDS);
}

/** SO_MEMINFO: nine u32 counters, as `SK_MEMINFO_*` index names are constants, values by index. */
const MEMINFO_NAMES = ["rmem_alloc", "rcvbuf", "wmem_alloc", "sndbuf", "fwd_alloc", "wmem_queued", "optmem", "backlog", "drops"];

/** `SK_MEMINFO_<NAME>` → value for the u32 array SO_MEMINFO returned. */
export function decodeMemInfo(bytes: Uint8Array, len: number): Record<string, number> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, Math.min(len, bytes.byteLength));
  const out: Record<string, number> = {};
  MEMINFO_NAMES.forEach((n, i) => {
    if (4 * i + 4 <= v.byteLength) out[`SK_MEMINFO_${n.toUpperCase()}`] = v.getUint32(4 * i, true);
  });
  return out;
}

/** TCP_CC_INFO, interpreted by the congestion control's name (TCP_CONGESTION). */
export function decodeCcInfo(ccName: string, bytes: Uint8Array, len: number): Record<string, number> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, Math.min(len, bytes.byteLength));
  const u32 = (off: number): number | undefined => (off + 4 <= v.byteLength ? v.getUint32(off, true) : undefined);
  const u16 = (off: number): number | undefined => (off + 2 <= v.byteLength ? v.getUint16(off, true) : undefined);
  const pick = (entries: [string, number | undefined][]): Record<string, number> =>
    Object.fromEntries(entries.filter((e): e is [string, number] => e[1] !== undefined));
  if (ccName === "bbr") {
    const lo = u32(0);
    const hi = u32(4);
    return pick([["bbr_bw_lo", lo], ["bbr_bw_hi", hi],
      ["bbr_bw", lo === undefined || hi === undefined ? undefined : hi * 2 ** 32 + lo],
      ["bbr_min_rtt", u32(8)], ["bbr_pacing_gain", u32(12)], ["bbr_cwnd_gain", u32(16)]]);
  }
  if (ccName === "dctcp") {
    return pick([["dctcp_enabled", u16(0)], ["dctcp_ce_state", u16(2)], ["dctcp_alpha", u32(4)],
      ["dctcp_ab_ecn", u32(8)], ["dctcp_ab_tot", u32(12)]]);
  }
  if (ccName === "vegas") {
    return pick([["tcpv_enabled", u32(0)], ["tcpv_rttcnt", u32(4)], ["tcpv_rtt", u32(8)], ["tcpv_minrtt", u32(12)]]);
  }
  return {};
}
