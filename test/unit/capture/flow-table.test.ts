// The capture core's flow table and token index: flows oriented from the SYN's sender, ISNs per
// direction, a flow first seen at its SYN/ACK turned around, port reuse with a new ISN, and
// tokens resolving to the key's owner (RFC 8684 §3.2).
import { expect } from "chai";
import type { Segment } from "../../../src/capture/capture-segment.ts";
import { FlowTable, type FlowBase } from "../../../src/capture/flow-table.ts";
import { TokenIndex } from "../../../src/capture/token-index.ts";
import { mptcpToken } from "../../../src/wire/mptcp-crypto.ts";
import { type SeqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";

const seg = (src: string, dst: string, flags: number, seq: number): Segment => ({
  frame: 1, timeNs: 0, order: 0, src, dst, srcAddr: new Uint8Array(4), dstAddr: new Uint8Array(4),
  ip: { kind: "ipv4", tos: 0, identification: 0, flags: 0, fragmentOffset: 0, ttl: 64, protocol: 6, src: new Uint8Array(4), dst: new Uint8Array(4), options: new Uint8Array(0) },
  tcp: { kind: "tcp", srcPort: 1, dstPort: 2, seq: seq as SeqNum, ack: 0 as SeqNum, flags, window: 0, urgent: 0, options: [] } as TcpRepr,
  payload: new Uint8Array(0), truncated: false, mptcp: [],
});

describe("capture: flow table", () => {
  const table = (): FlowTable<FlowBase & { start: string }> => new FlowTable((fwd, rev, start) => ({ endpoints: { fwd, rev }, isn: {}, start }));
  const A = "10.0.0.1:1";
  const B = "10.0.0.2:2";

  it("orients a flow from its SYN's sender and records both ISNs", () => {
    const t = table();
    expect(t.lookup(seg(A, B, TCP_FLAG.SYN, 100))).to.deep.include({ dir: "fwd" });
    const back = t.lookup(seg(B, A, TCP_FLAG.SYN | TCP_FLAG.ACK, 900));
    expect(back.dir).to.equal("rev");
    expect(back.flow.isn).to.deep.equal({ fwd: 100, rev: 900 });
    expect(back.flow.start).to.equal("syn");
    expect(t.flows).to.have.length(1);
  });

  it("turns a flow first seen at its SYN/ACK around, and marks one seen mid-way", () => {
    const t = table();
    const { flow, dir } = t.lookup(seg(B, A, TCP_FLAG.SYN | TCP_FLAG.ACK, 900));
    expect([flow.endpoints.fwd, dir]).to.deep.equal([A, "rev"]);
    expect(table().lookup(seg(A, B, TCP_FLAG.ACK, 5)).flow.start).to.equal("midway");
  });

  it("starts a new flow on a SYN with a new ISN on a known 4-tuple (port reuse), not on a retransmitted SYN", () => {
    const t = table();
    const first = t.lookup(seg(A, B, TCP_FLAG.SYN, 100)).flow;
    expect(t.lookup(seg(A, B, TCP_FLAG.SYN, 100)).flow).to.equal(first);
    const second = t.lookup(seg(A, B, TCP_FLAG.SYN, 7777)).flow;
    expect(second).to.not.equal(first);
    expect(second.isn.fwd).to.equal(7777);
    expect(t.flows).to.have.length(2);
  });
});

describe("capture: token index", () => {
  it("resolves a key's token to its connection and side; the first key to claim a token keeps it", () => {
    const idx = new TokenIndex<string, "a" | "b">();
    const t = idx.add("conn1", "a", 0x0102030405060708n, 1);
    expect(t).to.equal(mptcpToken(0x0102030405060708n, 1));
    expect(idx.get(t)).to.deep.equal({ conn: "conn1", side: "a" });
    idx.add("conn2", "b", 0x0102030405060708n, 1);
    expect(idx.get(t)).to.deep.equal({ conn: "conn1", side: "a" });
    expect(idx.get((t + 1) >>> 0)).to.equal(undefined);
  });
});
