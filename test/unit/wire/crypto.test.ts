// Known-answer tests of rfc8684.md §5.1–5.3: HMAC-SHA256 KATs (ASCII key/msg), v0 SHA-1 tokens,
// v1 token/IDSN, MP_JOIN and ADD_ADDR HMACs.
import { expect } from "chai";
import { parseIpAddress } from "../../../src/wire/address.ts";
import { toHex } from "../../../src/wire/bytes.ts";
import {
  addAddrHmac, mpJoinAckHmac, mpJoinSynAckHmac, mptcpHmacRaw, mptcpIdsn, mptcpToken,
} from "../../../src/wire/mptcp-crypto.ts";

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const KA = 0x0102030405060708n;
const KB = 0x1112131415161718n;
const RA = 0xa1a2a3a4;
const RB = 0xb1b2b3b4;

describe("wire: MPTCP crypto known answers", () => {
  // §5.1: Linux KUnit mptcp-crypto; key and message are the ASCII bytes of the strings.
  const kats: Array<[string, string, string]> = [
    ["0b0b0b0b0b0b0b0b", "48692054", "8385e24fb4235ac37556b6b886db106284a1da671699f46db1f235ec622dcafa"],
    ["aaaaaaaaaaaaaaaa", "dddddddd", "2c5e219164ff1dca1c4a92318d847bb6b9d44492984e1eb71aff9022f71046e9"],
    ["0102030405060708", "cdcdcdcd", "e73b9ba9969969cefb04aa0d6df18ec2fcc075b6f23b4d8c4da736a5dbbc6e7d"],
  ];
  for (const [key, msg, mac] of kats) {
    it(`HMAC-SHA256 KAT key "${key}" msg "${msg}"`, () => {
      expect(toHex(mptcpHmacRaw(ascii(key), ascii(msg)))).to.equal(mac);
    });
  }

  // §5.2: v0 tokens = 32 MSB of SHA-1(key), from a real capture.
  const v0: Array<[bigint, number]> = [
    [2097874973131745533n, 3453009450], [14232633393355152416n, 1187499290], [983142155943229432n, 3611618124],
    [6234784353306747016n, 2308765430], [5823071776475689728n, 229917286], [4848392901692201259n, 1243844425],
  ];
  for (const [key, token] of v0) {
    it(`v0 SHA-1 token of key ${key} is ${token}`, () => {
      expect(mptcpToken(key, 0)).to.equal(token);
    });
  }

  it("v1 token and IDSN of key 2 and of 0x0102030405060708 (§5.3)", () => {
    expect(mptcpToken(2n)).to.equal(0xcd04a475);
    expect(mptcpIdsn(2n)).to.equal(0x886540e5dce77f70n);
    expect(mptcpToken(KA)).to.equal(0x66840dda);
    expect(mptcpIdsn(KA)).to.equal(0xf5a101d3d29d6f72n);
  });

  it("MP_JOIN SYN/ACK truncated HMAC-B = leftmost 64 bits of HMAC(KB‖KA, RB‖RA)", () => {
    expect(mpJoinSynAckHmac(KB, KA, RB, RA)).to.equal(0x864b40428762fd06n);
  });

  it("MP_JOIN third ACK HMAC-A = leftmost 160 bits of HMAC(KA‖KB, RA‖RB)", () => {
    expect(toHex(mpJoinAckHmac(KA, KB, RA, RB))).to.equal("53037f2899475529844115fd07e665d23d3554fb");
  });

  it("ADD_ADDR HMAC = rightmost 64 bits, port 0 when absent and the port when present", () => {
    expect(addAddrHmac(KA, KB, 1, parseIpAddress("192.168.0.3") as Uint8Array)).to.equal(0x2aa9f86fca966bfbn);
    expect(addAddrHmac(KA, KB, 2, parseIpAddress("2001:db8::1") as Uint8Array, 8080)).to.equal(0xca9116e30554f73fn);
  });
});
