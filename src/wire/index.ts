/**
 * The wire layer's public surface: packet codecs, options, checksums, sequence spaces, MPTCP
 * crypto and the one-line `.pkt` dump. Import from here, or from the single module you need.
 */
export * from "./address.ts";
export * from "./bytes.ts";
export * from "./checksum.ts";
export * from "./dump.ts";
export * from "./format-context.ts";
export * from "./gre.ts";
export * from "./icmp.ts";
export * from "./ipv4.ts";
export * from "./ipv6.ts";
export * from "./mpls.ts";
export * from "./mptcp-crypto.ts";
export * from "./mptcp-options.ts";
export * from "./option-format.ts";
export * from "./packet.ts";
export * from "./result.ts";
export * from "./seq.ts";
export * from "./tcp-options.ts";
export * from "./tcp.ts";
export * from "./udp.ts";
