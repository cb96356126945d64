/**
 * packetdrill's reserved words (pkt-language.md §1.2), for the quirk passes: flex matches
 * keywords before its WORD rule, so a keyword can never stand where packetdrill's grammar wants
 * a WORD (an option value, a word of a syscall note). Two lists: google/packetdrill's, and the
 * words the MPTCP fork adds.
 */

/** Keywords of google/packetdrill (G), plus `tv_sec`/`tv_usec` of the newest fork. */
export const PACKETDRILL_KEYWORDS: ReadonlySet<string> = new Set((
  "sa_family sin_port sin_addr msg_name msg_iov msg_flags msg_control cmsg_data cmsg_level " +
  "cmsg_type ee_errno ee_origin ee_type ee_code ee_info ee_data scm_sec scm_nsec fd u32 u64 ptr " +
  "events revents onoff linger htons ipv4 ipv6 icmp udp GREv0 gre raw sum off key seq none " +
  "checksum sequence# present mpls label tc ttl inet_addr inet6_addr ack eol ecr mss mtu nop sack " +
  "sackOK md5 TS FO FOEXP tos flowlabel flags Flags val win urg wscale ect01 ect0 ect1 noecn ce id " +
  "encap psp spi ECN e0b e1b ceb"
).split(" "));

/** Keywords only the MPTCP fork of packetdrill (F21, Fn) has. */
export const MPTCP_FORK_KEYWORDS: ReadonlySet<string> = new Set((
  "addr address_id addresses_id dack4 dack8 dsn4 dsn8 dss ssn dll fin nocs cksum auto " +
  "mp_capable mp_capable_no_cs mpcapable mpcdatalen v0 v1 flag_a flag_b flag_c flag_d flag_e " +
  "flag_f flag_g flag_h flag_t no_flags nokey mp_join_syn backup mp_join_syn_ack mp_join_ack " +
  "add_address addr_echo port add_addr_ipv4 add_addr_ipv6 remove_address list_id mp_prio mp_fail " +
  "mp_fastclose mp_reset rand sender_hmac hmac sha1_32 sha256_32 token trunc_l64_hmac " +
  "trunc_r64_hmac trunc_r64_hmac_sha1 trunc_r64_hmac_sha256 full_160_hmac tv_sec tv_usec"
).split(" "));

/** Which packetdrill reserves `word`: `"packetdrill"`, `"the MPTCP fork of packetdrill"`, or `null`. */
export function keywordOwner(word: string): string | null {
  if (PACKETDRILL_KEYWORDS.has(word)) return "packetdrill";
  return MPTCP_FORK_KEYWORDS.has(word) ? "the MPTCP fork of packetdrill" : null;
}
