// Parser: the MPTCP option dialect of both forks (pkt-language.md §8, RFC 8684 §3).
import { expect } from "chai";
import { STAR, id, int, tcpOptions } from "./parse-helpers.ts";

const one = (text: string): unknown => {
  const opts = tcpOptions(text);
  expect(opts).to.have.length(1);
  return opts[0];
};
const v = (name: string, value: unknown = null): unknown => ({ kind: "mptcpVar", name, value });
const flagList = (...flags: string[]): unknown => ({ kind: "flagList", flags });
const AUTO = { kind: "auto" };
const call = (fn: string, ...args: unknown[]): unknown => ({ kind: "hashCall", fn, args });

describe("parse: MP_CAPABLE", () => {
  it("parses versions, flag lists, flag numbers and key forms", () => {
    expect(one("mpcapable v1 flags[flag_h] nokey")).to.deep.equal({
      kind: "mpCapable", version: "v1", flags: flagList("flag_h"), keys: [], noKey: true, dataLength: null, checksum: null,
    });
    expect(one("mpcapable v0 flags 0x81 key[k1]")).to.deep.equal({
      kind: "mpCapable", version: "v0", flags: int("0x81"), keys: [v("k1")], noKey: false, dataLength: null, checksum: null,
    });
    expect(one("mpcapable none flags[flag_a, flag_h] key[ck=7, sk] mpcdatalen 100")).to.deep.equal({
      kind: "mpCapable", version: "none", flags: flagList("flag_a", "flag_h"), keys: [v("ck", int("7")), v("sk")], noKey: false, dataLength: int("100"), checksum: null,
    });
    expect(one("mpcapable v1 flags[no_flags] key[a=*]")).to.deep.equal({
      kind: "mpCapable", version: "v1", flags: flagList("no_flags"), keys: [v("a", STAR)], noKey: false, dataLength: null, checksum: null,
    });
  });

  it("parses the old mp_capable / mp_capable_no_cs forms", () => {
    expect(one("mp_capable a")).to.deep.equal({ kind: "mpCapableLegacy", keyword: "mp_capable", sender: v("a"), receiver: null, flags: [] });
    expect(one("mp_capable_no_cs a=5 b flag_a flag_h")).to.deep.equal({
      kind: "mpCapableLegacy", keyword: "mp_capable_no_cs", sender: v("a", int("5")), receiver: v("b"), flags: ["flag_a", "flag_h"],
    });
    expect(one("mp_capable a no_flags")).to.deep.equal({ kind: "mpCapableLegacy", keyword: "mp_capable", sender: v("a"), receiver: null, flags: ["no_flags"] });
  });
});

describe("parse: MP_JOIN", () => {
  it("parses mp_join_syn with every token form", () => {
    expect(one("mp_join_syn backup=1 address_id=3 token=sha256_32(sk) rand=42")).to.deep.equal({
      kind: "mpJoinSyn", backup: int("1"), addressId: int("3"), token: call("sha256_32", id("sk")), rand: int("42"), reserved: null,
    });
    expect(one("mp_join_syn address_id=auto token=auto")).to.deep.equal({ kind: "mpJoinSyn", backup: null, addressId: AUTO, token: AUTO, rand: null, reserved: null });
    expect(one("mp_join_syn token=0x1234")).to.deep.equal({ kind: "mpJoinSyn", backup: null, addressId: null, token: int("0x1234"), rand: null, reserved: null });
    expect(one("mp_join_syn token=sha1_32(k)")).to.deep.equal({ kind: "mpJoinSyn", backup: null, addressId: null, token: call("sha1_32", id("k")), rand: null, reserved: null });
  });

  it("parses mp_join_syn_ack and mp_join_ack with every HMAC form", () => {
    const hmac = (field: string, value: unknown): unknown => ({ kind: "joinHmac", field, value });
    expect(one("mp_join_syn_ack backup=0 address_id=1 sender_hmac=auto rand=9")).to.deep.equal({
      kind: "mpJoinSynAck", backup: int("0"), addressId: int("1"), hmac: hmac("sender_hmac", AUTO), rand: int("9"), reserved: null,
    });
    expect(one("mp_join_syn_ack sender_hmac=trunc_l64_hmac(77)")).to.deep.equal({
      kind: "mpJoinSynAck", backup: null, addressId: null, hmac: hmac("sender_hmac", call("trunc_l64_hmac", int("77"))), rand: null, reserved: null,
    });
    expect(one("mp_join_syn_ack token=auto")).to.deep.equal({ kind: "mpJoinSynAck", backup: null, addressId: null, hmac: hmac("token", AUTO), rand: null, reserved: null });
    expect(one("mp_join_syn_ack sender_hmac=trunc_l64_hmac(ck sk)")).to.deep.equal({
      kind: "mpJoinSynAck", backup: null, addressId: null, hmac: hmac("sender_hmac", call("trunc_l64_hmac", id("ck"), id("sk"))), rand: null, reserved: null,
    });
    expect(one("mp_join_ack sender_hmac=full_160_hmac(sk ck)")).to.deep.equal({ kind: "mpJoinAck", hmac: hmac("sender_hmac", call("full_160_hmac", id("sk"), id("ck"))), reserved: null });
    expect(one("mp_join_ack sender_hmac=auto")).to.deep.equal({ kind: "mpJoinAck", hmac: hmac("sender_hmac", AUTO), reserved: null });
  });
});

describe("parse: DSS", () => {
  const dss = (over: object): unknown => ({
    kind: "dss", dataAck: null, dataSeq: null, subflowSeq: null, dataLevelLength: null, checksum: null, fin: false, reserved: null, ...over,
  });
  const num = (width: 4 | 8, value: unknown): unknown => ({ kind: "dssNumber", width, value });

  it("parses ack-only, ack + seq, checksum and fin forms", () => {
    expect(one("dss dack4=1")).to.deep.equal(dss({ dataAck: num(4, int("1")) }));
    expect(one("dss dack8=2 nocs")).to.deep.equal(dss({ dataAck: num(8, int("2")), checksum: { kind: "noChecksum" } }));
    expect(one("dss dack4=1 dsn8=1 ssn=0 dll=1 nocs fin")).to.deep.equal(dss({
      dataAck: num(4, int("1")), dataSeq: num(8, int("1")), subflowSeq: int("0"), dataLevelLength: int("1"), checksum: { kind: "noChecksum" }, fin: true,
    }));
    expect(one("dss dack8 dsn4 cksum=0xbeef")).to.deep.equal(dss({ dataAck: num(8, null), dataSeq: num(4, null), checksum: int("0xbeef") }));
    expect(one("dss fin")).to.deep.equal(dss({ fin: true }));
  });

  it("parses key-derived values, with and without an addend", () => {
    expect(one("dss dack8=trunc_r64_hmac(sk)+1 dsn8=trunc_r64_hmac(ck) nocs")).to.deep.equal(dss({
      dataAck: num(8, { kind: "plus", base: call("trunc_r64_hmac", id("sk")), addend: int("1") }),
      dataSeq: num(8, call("trunc_r64_hmac", id("ck"))),
      checksum: { kind: "noChecksum" },
    }));
    expect(one("dss dack4=trunc_r64_hmac_sha1(5) dsn4=trunc_r64_hmac_sha256(6)")).to.deep.equal(dss({
      dataAck: num(4, call("trunc_r64_hmac_sha1", int("5"))), dataSeq: num(4, call("trunc_r64_hmac_sha256", int("6"))),
    }));
  });

  it("accepts '*' wildcards in DSS fields", () => {
    expect(one("dss dack8=* dsn8=* ssn=* dll=* cksum=*")).to.deep.equal(dss({
      dataAck: num(8, STAR), dataSeq: num(8, STAR), subflowSeq: STAR, dataLevelLength: STAR, checksum: STAR,
    }));
  });
});

describe("parse: ADD_ADDR, REMOVE_ADDR, MP_PRIO, MP_FAIL, MP_FASTCLOSE, MP_RST", () => {
  const str = (raw: string): unknown => ({ kind: "string", parts: [{ kind: "stringPart", raw }], ellipsis: false });

  it("parses add_address in its forms", () => {
    expect(one("add_address addr[s1] hmac=auto")).to.deep.equal({
      kind: "addAddress", addressId: null, address: { kind: "addrRef", name: "s1", init: null }, port: null, echo: null, hmac: AUTO, reserved: null,
    });
    expect(one('add_address address_id=2 addr[s2=inet_addr("198.51.100.2")] port=8081 addr_echo')).to.deep.equal({
      kind: "addAddress", addressId: int("2"),
      address: { kind: "addrRef", name: "s2", init: { kind: "addrInit", fn: "inet_addr", address: str("198.51.100.2") } },
      port: int("8081"), echo: { kind: "addrEcho" }, hmac: null, reserved: null,
    });
    expect(one('add_address address_id=auto addr[s3=inet6_addr("fd00::2")] hmac=0x1122334455667788')).to.deep.equal({
      kind: "addAddress", addressId: AUTO,
      address: { kind: "addrRef", name: "s3", init: { kind: "addrInit", fn: "inet6_addr", address: str("fd00::2") } },
      port: null, echo: null, hmac: int("0x1122334455667788"), reserved: null,
    });
  });

  it("parses remove_address, mp_prio and mp_fail", () => {
    expect(one("remove_address address_id=[1, 2]")).to.deep.equal({ kind: "removeAddress", addressIds: [int("1"), int("2")], reserved: null });
    expect(one("mp_prio")).to.deep.equal({ kind: "mpPrio", backup: null, addressId: null, reserved: null });
    expect(one("mp_prio backup=1 address_id=4")).to.deep.equal({ kind: "mpPrio", backup: int("1"), addressId: int("4"), reserved: null });
    expect(one("mp_fail")).to.deep.equal({ kind: "mpFail", dataSeq: null, reserved: null });
    expect(one("mp_fail dsn8=100")).to.deep.equal({ kind: "mpFail", dataSeq: { kind: "dssNumber", width: 8, value: int("100") }, reserved: null });
  });

  it("parses mp_fastclose forms", () => {
    expect(one("mp_fastclose")).to.deep.equal({ kind: "mpFastclose", key: null, addend: null, reserved: null });
    expect(one("mp_fastclose ck")).to.deep.equal({ kind: "mpFastclose", key: v("ck"), addend: null, reserved: null });
    expect(one("mp_fastclose ck=42")).to.deep.equal({ kind: "mpFastclose", key: v("ck", int("42")), addend: null, reserved: null });
    expect(one("mp_fastclose ck + 3")).to.deep.equal({ kind: "mpFastclose", key: v("ck"), addend: int("3"), reserved: null });
  });

  it("parses mp_reset with and without flags", () => {
    expect(one("mp_reset 1")).to.deep.equal({ kind: "mpReset", reason: int("1"), flags: null });
    expect(one("mp_reset 0 flags[flag_t]")).to.deep.equal({ kind: "mpReset", reason: int("0"), flags: flagList("flag_t") });
    expect(one("mp_reset 2 flags[no_flags]")).to.deep.equal({ kind: "mpReset", reason: int("2"), flags: flagList("no_flags") });
  });

  it("parses a full MPTCP handshake line mixed with TCP options", () => {
    expect(tcpOptions("mss 1460, sackOK, TS val 700 ecr 100, nop, wscale 8, mpcapable v1 flags[flag_h] key[skey=2]")).to.have.length(6);
  });
});
