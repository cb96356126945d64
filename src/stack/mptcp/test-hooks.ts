/**
 * Test hooks: switches that turn off one RFC 8684 behaviour of the stack, so a conformance suite
 * can show that it notices (a mutation check, test/unit/sut/reference-mutation.test.ts). They are
 * never set outside tests; the default configuration disables nothing.
 */

/** The behaviours a test may switch off, each named after its checklist ID. */
export type MptcpBehaviour =
  | "dssChecksumVerify" // CS-02/CS-04: verify the DSS checksum of each mapping
  | "addAddrEcho" // AA-02: echo a valid ADD_ADDR
  | "addAddrHmacCheck" // AA-01: ignore an ADD_ADDR with a bad HMAC
  | "joinAckHmacCheck" // MPJ-04: verify HMAC-A on the join's third ACK
  | "joinSynAckHmacCheck" // MPJ-03: verify the truncated HMAC-B on the join SYN/ACK
  | "fallbackOnStrippedOptions" // FB-03/MPC-10: fall back when the handshake's options are stripped
  | "dataFinOctet" // DSS-07: the DATA_FIN consumes one octet of data sequence space
  | "fastcloseKeyCheck" // FC-01: MP_FASTCLOSE must carry our key
  | "mpcVersionCheck" // MPC-02: a SYN of another version is plain TCP
  | "unmappedDataReset"; // DSS-01: unmapped data on an established subflow is reset

/** True when `behaviour` is switched off by a test hook. */
export function hookDisabled(disabled: readonly MptcpBehaviour[] | undefined, behaviour: MptcpBehaviour): boolean {
  return disabled !== undefined && disabled.includes(behaviour);
}
