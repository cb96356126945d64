/**
 * The IPv6 readiness check of the kernel SUT's set-up (netns-setup.ts): addresses spelled as
 * /proc/net/ipv6_route spells them, and the local /128 route recognised by its RTF_LOCAL flag.
 */
import { expect } from "chai";
import { hasLocalRoute, procIpv6Spelling } from "../../../src/sut/kernel-tun/netns-setup.ts";

// As read in a fresh namespace on 6.18 after `ip -6 addr add fd3d:fa7b:d17d::2/48 dev t0 nodad`.
const ROUTES = [
  "fd3dfa7bd17d00000000000000000000 30 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001       t0",
  "00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo",
  "fd3dfa7bd17d00000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000002 00000000 80200001       t0",
].join("\n");

describe("kernel SUT set-up: IPv6 address readiness", () => {
  it("spells addresses as /proc/net does", () => {
    expect(procIpv6Spelling("fd3d:fa7b:d17d::2")).to.equal("fd3dfa7bd17d00000000000000000002");
    expect(procIpv6Spelling("2001:DB8::1")).to.equal("20010db8000000000000000000000001");
    expect(procIpv6Spelling("fd3d:0a0b:17d6::1")).to.equal("fd3d0a0b17d600000000000000000001");
    expect(procIpv6Spelling("::1")).to.equal("00000000000000000000000000000001");
    expect(procIpv6Spelling("1:2:3:4:5:6:7:8")).to.equal("00010002000300040005000600070008");
  });
  it("finds the local route of an address, and not a prefix route or another address", () => {
    expect(hasLocalRoute(ROUTES, "fd3dfa7bd17d00000000000000000002")).to.equal(true);
    expect(hasLocalRoute(ROUTES, "fd3dfa7bd17d00000000000000000000")).to.equal(false);
    expect(hasLocalRoute(ROUTES, "fd3dfa7bd17d00000000000000000003")).to.equal(false);
    expect(hasLocalRoute(ROUTES.replace(/80200001 {7}t0/, "00200001       t0"), "fd3dfa7bd17d00000000000000000002")).to.equal(false);
  });
});
