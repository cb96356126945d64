// verify over synthetic captures built with emitPacket: a clean connection passes every check,
// and each check flags its own broken case (and only that) with the frame and the checklist ID.
import { expect } from "chai";
import { dssChecksum } from "../../../src/wire/checksum.ts";
import { MPC_FLAG } from "../../../src/wire/mptcp-options.ts";
import { verifyCapture, type VerifyReport } from "../../../src/verify/index.ts";
import type { TcpOption } from "../../../src/wire/tcp-options.ts";
import {
  ACK, C1, C2, FIN, IDSN_C, IDSN_S, ISN_C, ISN_S, KEY_C, KEY_S, S1, S2, SYN, Synth, addAddr, addAddrEcho, bytes, dss, handshake, join, mpc, mpcFlags,
} from "./synth.ts";

const lines = (r: VerifyReport): string[] => r.violations.map((v) => `frame ${v.frame}: ${v.id}: ${v.message}`);
const ran = (r: VerifyReport, id: string): number => r.checks.get(id as never)?.run ?? 0;

/** The whole life of a two-subflow connection with checksums, every value right. */
function cleanConnection(cap = new Synth()): Synth {
  handshake(cap);
  const p1 = bytes(100);
  const p2 = bytes(50, 3);
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 1, options: [addAddr()] });
  cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [addAddrEcho()] });
  cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p1 })], payload: p1 });
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 101n })] });
  join(cap);
  cap.add({ from: C2, to: S2, flags: ACK, seq: 7001, ack: 9001, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 101n, ssn: 1, payload: p2 })], payload: p2 });
  cap.add({ from: S2, to: C2, flags: ACK, seq: 9001, ack: 7051, options: [dss({ ack: IDSN_C + 151n })] });
  cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 151n, ssn: 0, fin: true })] });
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 152n, dsn: IDSN_S + 1n, ssn: 0, fin: true })] });
  cap.add({ from: C1, to: S1, flags: ACK | FIN, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 2n })] });
  return cap;
}

describe("verify: synthetic captures", () => {
  it("a clean two-subflow connection passes, with every check run", () => {
    const r = verifyCapture(cleanConnection().items);
    expect(lines(r)).to.deep.equal([]);
    for (const id of ["MPC-01", "MPC-03", "MPC-05", "CS-01", "CS-02", "MPJ-01", "MPJ-03", "MPJ-04", "AA-01", "AA-02", "DSS-01", "DSS-02", "DSS-05", "DSS-07", "RSV-01"]) {
      expect(ran(r, id), id).to.be.greaterThan(0);
    }
    expect(r.stats).to.include({ mptcpConnections: 1, subflows: 2, tcpSegments: 15, plainTcpFlows: 0 });
  });

  it("checks frames in time order, reporting file frame numbers", () => {
    const cap = cleanConnection();
    // Move the join (frames 8-10) to the front of the file, keeping their timestamps.
    const moved = [...cap.items.slice(7, 10), ...cap.items.slice(0, 7), ...cap.items.slice(10)];
    expect(lines(verifyCapture(moved))).to.deep.equal([]);
  });

  describe("MP_CAPABLE (MPC-01, MPC-03, MPC-05)", () => {
    it("flags a v1 SYN with a key, a SYN/ACK without one, B and D set", () => {
      const cap = new Synth();
      cap.add({ from: C1, to: S1, flags: SYN, seq: ISN_C, options: [mpc({ version: 1, flags: MPC_FLAG.H | MPC_FLAG.B, sendersKey: KEY_C })] });
      cap.add({ from: S1, to: C1, flags: SYN | ACK, seq: ISN_S, ack: ISN_C + 1, options: [mpc({ version: 1, flags: MPC_FLAG.H | MPC_FLAG.D })] });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        "frame 1: MPC-01: MP_CAPABLE v1 on the SYN must have length 4",
        "frame 1: MPC-03: MP_CAPABLE on the SYN sets B (extensibility), which must be 0",
        "frame 2: MPC-01: MP_CAPABLE on the SYN/ACK must have length 12 (the listener's key)",
        "frame 2: MPC-05: MP_CAPABLE on the SYN/ACK sets reserved flags 0x10 (D–G)",
      ]);
    });

    it("flags a third ACK that echoes the wrong listener key, and H missing", () => {
      const cap = new Synth();
      cap.add({ from: C1, to: S1, flags: SYN, seq: ISN_C, options: [mpc({ version: 1, flags: 0 })] });
      cap.add({ from: S1, to: C1, flags: SYN | ACK, seq: ISN_S, ack: ISN_C + 1, options: [mpc({ version: 1, flags: MPC_FLAG.H, sendersKey: KEY_S })] });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [mpc({ version: 1, flags: MPC_FLAG.H, sendersKey: KEY_C, receiversKey: 5n })] });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        "frame 1: MPC-01: MP_CAPABLE on the SYN does not set H (HMAC-SHA256)",
        "frame 3: MPC-01: third ACK echoes receiver's key 0x0000000000000005, the SYN/ACK carried 0x1112131415161718",
      ]);
    });

    it("MP_CAPABLE with data: checks the implicit mapping's checksum (CS-02) and width (CS-01)", () => {
      const good = new Synth();
      const f = mpcFlags(true);
      handshake(good);
      const p = bytes(40);
      const sum = dssChecksum(IDSN_C + 1n, 1, 40, p);
      good.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [mpc({ version: 1, flags: f, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 40, checksum: sum })], payload: p });
      const r = verifyCapture(good.items);
      expect(lines(r)).to.deep.equal([]);
      expect(ran(r, "CS-02")).to.equal(1);
      expect(ran(r, "MPC-08")).to.equal(1);
      const bad = new Synth();
      handshake(bad);
      bad.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [mpc({ version: 1, flags: f, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 40, checksum: sum ^ 1 })], payload: p });
      bad.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 41, ack: ISN_S + 1, options: [mpc({ version: 1, flags: f, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 40 })], payload: p });
      expect(lines(verifyCapture(bad.items))).to.deep.equal([
        `frame 4: CS-02: DSS checksum 0x${(sum ^ 1).toString(16)} does not match 0x${sum.toString(16)} (dsn ${IDSN_C + 1n} ssn 1 dll 40)`,
        "frame 5: MPC-08: MP_CAPABLE with data maps subflow bytes 1..40 but the segment carries 41..80",
        "frame 5: CS-01: DSS mapping without a checksum although checksums were negotiated",
      ]);
    });
    it("MP_CAPABLE with data repeated on the pieces of one segmented block is one mapping (MPC-08)", () => {
      const syn = new Synth();
      const f = mpcFlags(true);
      handshake(syn);
      const p = bytes(80);
      const sum = dssChecksum(IDSN_C + 1n, 1, 80, p);
      const o = mpc({ version: 1, flags: f, sendersKey: KEY_C, receiversKey: KEY_S, dataLevelLength: 80, checksum: sum });
      syn.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [o], payload: p.subarray(0, 40) });
      syn.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 41, ack: ISN_S + 1, options: [o], payload: p.subarray(40) });
      const r = verifyCapture(syn.items);
      expect(lines(r)).to.deep.equal([]);
      expect(ran(r, "MPC-08")).to.equal(2);
    });
  });

  describe("DSS", () => {
    it("CS-01 flags a checksum missing after negotiation, and one present without it", () => {
      const on = established();
      on.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 101n, ssn: 101, payload: bytes(10), checksum: null })], payload: bytes(10) });
      expect(lines(verifyCapture(on.items))).to.deep.equal(["frame 6: CS-01: DSS mapping without a checksum although checksums were negotiated"]);
      const off = established(false);
      off.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 101n, ssn: 101, payload: bytes(10) })], payload: bytes(10) });
      expect(lines(verifyCapture(off.items))).to.deep.equal(["frame 6: CS-01: DSS mapping carries a checksum although none was negotiated"]);
    });

    it("CS-02 puts a mapping spread over three segments together, and flags a flipped byte", () => {
      const p = bytes(300);
      const build = (flip: boolean): Synth => {
        const cap = established();
        const m = dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 101n, ssn: 101, payload: p });
        for (let i = 0; i < 3; i++) {
          const part = p.slice(i * 100, i * 100 + 100);
          if (flip && i === 1) part[7] = (part[7] as number) ^ 0x20;
          cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101 + i * 100, ack: ISN_S + 1, options: [m], payload: part });
        }
        return cap;
      };
      const good = verifyCapture(build(false).items);
      expect(lines(good)).to.deep.equal([]);
      expect(good.checks.get("CS-02")).to.deep.equal({ run: 2, failed: 0, skipped: 0 });
      expect(lines(verifyCapture(build(true).items))).to.have.members([
        `frame 6: CS-02: DSS checksum 0x${dssChecksum(IDSN_C + 101n, 101, 300, p).toString(16)} does not match 0x${dssChecksum(IDSN_C + 101n, 101, 300, p.map((b, i) => (i === 107 ? b ^ 0x20 : b))).toString(16)} (dsn ${IDSN_C + 101n} ssn 101 dll 300; payload in frames 6, 7, 8)`,
      ]);
    });

    it("CS-02 is skipped, and says why, when the snap length cut the payload", () => {
      const cap = new Synth();
      handshake(cap);
      const p = bytes(100);
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 1n, ssn: 1, payload: p, checksum: 0x1234 })], payload: p, snap: 96 });
      const r = verifyCapture(cap.items);
      expect(lines(r)).to.deep.equal([]);
      expect(r.checks.get("CS-02")).to.deep.equal({ run: 0, failed: 0, skipped: 1 });
      expect([...r.skipped]).to.deep.equal([["CS-02: payload cut by the snap length", 1]]);
      expect(r.stats.truncated).to.equal(1);
    });

    it("DSS-02 accepts a retransmitted mapping and flags a changed one", () => {
      const cap = established();
      const p = bytes(100);
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 1n, ssn: 1, payload: p })], payload: p });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 2n, ssn: 1, payload: p })], payload: p });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        `frame 7: DSS-02: mapping dsn ${IDSN_C + 2n} ssn 1 dll 100 changes the mapping dsn ${IDSN_C + 1n} ssn 1 dll 100 sent in frame 4`,
      ]);
    });

    it("DSS-05 flags a Data ACK that goes back and one beyond the data sent", () => {
      const cap = established();
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 50n })] });
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 500n })] });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        `frame 6: DSS-05: Data ACK ${IDSN_C + 50n} (idsn+50) goes back from ${IDSN_C + 101n} (idsn+101) on this subflow`,
        `frame 7: DSS-05: Data ACK ${IDSN_C + 500n} (idsn+500) is beyond the data sent, which ends at ${IDSN_C + 101n} (idsn+101)`,
      ]);
    });

    it("DSS-07 flags a bare DATA_FIN with SSN ≠ 0, a moved DATA_FIN and data after it", () => {
      const cap = established();
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 101n, ssn: 101, fin: true })] });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 102n, ssn: 0, fin: true })] });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 101n, ssn: 101, payload: bytes(5) })], payload: bytes(5) });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [{ ...dss({ ack: IDSN_S + 1n }), dataFin: true }] });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        "frame 6: DSS-07: DATA_FIN without data has subflow sequence number 101, must be 0",
        `frame 7: DSS-07: DATA_FIN at ${IDSN_C + 102n} (idsn+102) differs from the DATA_FIN at ${IDSN_C + 101n} (idsn+101) in frame 6`,
        `frame 8: DSS-07: mapping dsn ${IDSN_C + 101n} (idsn+101) dll 5 goes past the DATA_FIN at ${IDSN_C + 101n} (idsn+101)`,
        "frame 9: DSS-07: DATA_FIN without a mapping: it has no data sequence number",
      ]);
    });

    it("DSS-01 flags payload outside every mapping once the peer has sent a DSS", () => {
      const cap = established();
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n })], payload: bytes(20) });
      expect(lines(verifyCapture(cap.items))).to.deep.equal(["frame 6: DSS-01: payload at relative sequence 101 length 20 is not covered by any mapping"]);
    });

    it("RSV-01 flags reserved DSS bits", () => {
      const cap = established();
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 101n, reserved: 0x10 })] });
      expect(lines(verifyCapture(cap.items))).to.deep.equal(["frame 6: RSV-01: dss reserved bits are 0x10, must be 0"]);
    });
  });

  describe("MP_JOIN and ADD_ADDR", () => {
    it("MPJ-01 flags a SYN/ACK accepting a token of no known key; MPJ-03/04 flag wrong HMACs", () => {
      const unknown = established();
      join(unknown, { token: 0xdeadbeef, synAckHmac: 0x1122334455667788n });
      expect(lines(verifyCapture(unknown.items))).to.deep.equal(["frame 7: MPJ-01: SYN/ACK accepts an MP_JOIN whose token 0xdeadbeef matches no key in the capture"]);
      const bad = established();
      join(bad, { synAckHmac: 0x1122334455667788n, ackHmac: new Uint8Array(20) });
      const out = lines(verifyCapture(bad.items));
      expect(out).to.have.length(2);
      expect(out[0]).to.match(/^frame 7: MPJ-03: MP_JOIN SYN\/ACK HMAC 0x1122334455667788 does not match 0x[0-9a-f]{16} \(R-B 0xb1b2b3b4, R-A 0xa1a2a3a4\)$/);
      expect(out[1]).to.match(/^frame 8: MPJ-04: MP_JOIN third ACK HMAC 0{40} does not match [0-9a-f]{40}$/);
    });

    it("MPJ-01: a wrong token whose SYN/ACK HMAC proves the connection is one finding at the SYN, with both tokens", () => {
      const cap = established();
      join(cap, { token: 0xdeadbeef });
      const r = verifyCapture(cap.items);
      expect(r.violations).to.have.length(1);
      expect(r.violations[0]).to.include({ frame: 6, id: "MPJ-01", field: "token", carried: "0xdeadbeef", packets: 1 });
      expect(r.violations[0]?.expected).to.match(/^0x[0-9a-f]{8}$/);
      expect(r.checks.get("MPJ-04")?.run, "the join is checked as part of its connection").to.equal(1);
    });

    it("DSS-05: one wrong Data ACK is one finding, not one per later packet", () => {
      for (const wrong of [IDSN_C + 5000n, IDSN_C + 50n]) {
        const cap = established();
        let seq = ISN_C + 101;
        for (let i = 0; i < 10; i++) {
          const p = bytes(100, i);
          cap.add({ from: C1, to: S1, flags: ACK, seq, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + BigInt(seq - ISN_C), ssn: seq - ISN_C, payload: p })], payload: p });
          seq += 100;
          const ack = i === 4 ? wrong : IDSN_C + BigInt(seq - ISN_C);
          cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: seq, options: [dss({ ack })] });
        }
        const r = verifyCapture(cap.items);
        expect(r.violations.map((v) => [v.frame, v.id, v.field, v.packets]), `${wrong - IDSN_C}`).to.deep.equal([[4 + 2 * 5 + 1, "DSS-05", "Data ACK", 1]]);
        expect(r.violations[0]?.carried).to.match(new RegExp(`\\(idsn\\+${wrong - IDSN_C}\\)$`));
      }
    });

    it("AA-01 flags a wrong ADD_ADDR HMAC; AA-02 an echo of an address never announced", () => {
      const cap = established();
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [addAddr(0x42n)] });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [addAddrEcho("10.9.9.9")] });
      const out = lines(verifyCapture(cap.items));
      expect(out[0]).to.match(/^frame 6: AA-01: ADD_ADDR \(id 1 10\.0\.1\.2\) HMAC 0x0000000000000042 does not match 0x[0-9a-f]{16}$/);
      expect(out.slice(1)).to.deep.equal(["frame 7: AA-02: ADD_ADDR echo (id 1 10.9.9.9) matches no address the peer announced"]);
    });
  });

  describe("fallback (MPC-06, FB-06)", () => {
    it("MPC-06 flags a DSS after a SYN/ACK without MP_CAPABLE", () => {
      const cap = new Synth();
      cap.add({ from: C1, to: S1, flags: SYN, seq: ISN_C, options: [mpc({ version: 1, flags: mpcFlags(false) })] });
      cap.add({ from: S1, to: C1, flags: SYN | ACK, seq: ISN_S, ack: ISN_C + 1 });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1 });
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 1, options: [dss({ ack: 5n })] });
      const r = verifyCapture(cap.items);
      expect(lines(r)).to.deep.equal(["frame 4: MPC-06: dss sent after fallback (SYN/ACK without MP_CAPABLE, frame 2)"]);
      expect(r.stats.fallbackConnections).to.equal(1);
    });

    it("FB-06 flags a mapping after the infinite mapping, once the peer has seen it", () => {
      const cap = established(false);
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 101n, ssn: 0, dll: 0, checksum: null })], payload: bytes(10) });
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 101n })] });
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 111 });
      cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 111, options: [dss({ ack: IDSN_C + 111n })] });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 111, ack: ISN_S + 1, options: [dss({ dsn: IDSN_C + 111n, ssn: 111, payload: bytes(3), checksum: null })], payload: bytes(3) });
      expect(lines(verifyCapture(cap.items))).to.deep.equal([
        "frame 9: FB-06: dss sent after fallback (infinite mapping, frame 6)",
        "frame 10: FB-06: dss sent after fallback (infinite mapping, frame 6)",
      ]);
    });

    it("MPC-06 flags MPTCP options on a flow whose SYN had none", () => {
      const cap = new Synth();
      cap.add({ from: C1, to: S1, flags: SYN, seq: ISN_C });
      cap.add({ from: S1, to: C1, flags: SYN | ACK, seq: ISN_S, ack: ISN_C + 1 });
      cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [dss({ ack: 1n })] });
      const r = verifyCapture(cap.items);
      expect(lines(r)).to.deep.equal(["frame 3: MPC-06: dss on a connection whose SYN had no MP_CAPABLE or MP_JOIN"]);
      expect(r.stats.plainTcpFlows).to.equal(1);
    });
  });
});

/** Handshake, 100 bytes from the client mapped at IDSN+1, and the server's Data ACK (frames 1–5). */
function established(checksums = true): Synth {
  const cap = new Synth();
  handshake(cap, checksums);
  const p = bytes(100);
  const m = dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1n, ssn: 1, payload: p, ...(checksums ? {} : { checksum: null }) });
  cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1, ack: ISN_S + 1, options: [m], payload: p });
  cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [dss({ ack: IDSN_C + 101n })] });
  return cap;
}

describe("verify: control options and the data-level window", () => {
  const opt = (o: object): TcpOption => ({ kind: "mptcp", ...o }) as unknown as TcpOption;
  const one = (r: VerifyReport): [number, string, string | undefined, string | undefined, string | undefined][] =>
    r.violations.map((v) => [v.frame, v.id, v.field, v.carried, v.expected]);

  it("FC-01: MP_FASTCLOSE must carry the receiver's key", () => {
    const good = established();
    good.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [opt({ subtype: "mpFastclose", receiversKey: KEY_S })] });
    expect(lines(verifyCapture(good.items))).to.deep.equal([]);
    expect(ran(verifyCapture(good.items), "FC-01")).to.equal(1);
    const bad = established();
    const f = bad.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [opt({ subtype: "mpFastclose", receiversKey: KEY_C })] });
    expect(one(verifyCapture(bad.items))).to.deep.equal([[f, "FC-01", "receiver's key", "0x0102030405060708", "0x1112131415161718"]]);
  });

  it("PR-01: MP_PRIO on a v1 connection has no address ID", () => {
    const cap = established();
    cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [opt({ subtype: "mpPrio", backup: true })] });
    const f = cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [opt({ subtype: "mpPrio", backup: true, addressId: 3 })] });
    expect(one(verifyCapture(cap.items))).to.deep.equal([[f, "PR-01", "length", "4", "3"]]);
  });

  it("RA-01: REMOVE_ADDR names IDs its sender announced or used (0 always)", () => {
    const cap = established();
    cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [addAddr()] });
    cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [opt({ subtype: "removeAddr", addressIds: [1, 0] })] });
    const f = cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [opt({ subtype: "removeAddr", addressIds: [7] })] });
    expect(one(verifyCapture(cap.items))).to.deep.equal([[f, "RA-01", "address ID", "7", "one of 0, 1"]]);
  });

  it("FB-01: MP_FAIL carries the DSN of the start of a mapping received on the subflow", () => {
    const cap = established();
    cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [opt({ subtype: "mpFail", dsn: IDSN_C + 1n })] });
    const f = cap.add({ from: S1, to: C1, flags: ACK, seq: ISN_S + 1, ack: ISN_C + 101, options: [opt({ subtype: "mpFail", dsn: IDSN_C + 2n })] });
    expect(one(verifyCapture(cap.items))).to.deep.equal([[f, "FB-01", "MP_FAIL DSN", `${IDSN_C + 2n}`, "the DSN of a received mapping's start"]]);
  });

  it("DSS-06: no mapping past Data ACK + window, one finding for a burst past it", () => {
    const cap = established();
    // The server's Data ACK (frame 5) is IDSN_C + 101 with window 1000 (no window scale): the edge is IDSN_C + 1101.
    const frames: number[] = [];
    for (let i = 0; i < 12; i++) {
      const p = bytes(100, i);
      const rel = 101 + i * 100;
      frames.push(cap.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + rel, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + BigInt(rel), ssn: rel, payload: p })], payload: p }));
    }
    const r = verifyCapture(cap.items);
    expect(one(r)).to.deep.equal([[frames[10], "DSS-06", "mapping end", `${IDSN_C + 1201n}`, `<= ${IDSN_C + 1101n}`]]);
    expect(r.violations[0]).to.include({ packets: 2, lastFrame: frames[11] });
    // A one-octet zero-window probe right past the edge is not a violation (RFC 9293 §3.8.6.1).
    const probe = established();
    const full = bytes(1000, 9);
    probe.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 101, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 101n, ssn: 101, payload: full })], payload: full });
    const oneByte = bytes(1, 3);
    probe.add({ from: C1, to: S1, flags: ACK, seq: ISN_C + 1101, ack: ISN_S + 1, options: [dss({ ack: IDSN_S + 1n, dsn: IDSN_C + 1101n, ssn: 1101, payload: oneByte })], payload: oneByte });
    expect(lines(verifyCapture(probe.items))).to.deep.equal([]);
  });
});
