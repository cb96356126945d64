import { expect } from "chai";
import {
  CORPUS_PRESETS, deviceSetupSteps, netmaskPrefixLen, networkOf, packetdrillEnv, preDeviceSysctls, resolveNetConfig,
} from "../../../src/sut/kernel-tun/net-config.ts";

describe("sut/kernel-tun net config", () => {
  it("resolves the mpd ipv4 preset like packetdrill", () => {
    const net = resolveNetConfig(CORPUS_PRESETS.mpd.ipv4.flags);
    expect(net).to.include({ localIp: "192.168.0.2", remoteIp: "192.0.2.1", remotePrefixLen: 24, localPrefixLen: 16, mtu: 1500, socketFamily: "inet", wireFamily: 4 });
    expect(deviceSetupSteps(net, "default").map((s) => s.argv.join(" "))).to.deep.equal([
      "link set dev tun0 mtu 1500 up",
      "-4 addr add 192.168.0.2/16 dev tun0",
      "-4 route add 192.0.2.0/24 via 192.168.0.1 dev tun0",
    ]);
  });

  it("routes a --remote_ip given without /len as a host route (gpd preset), the default as /24", () => {
    const gpd = resolveNetConfig(CORPUS_PRESETS.gpd.ipv4.flags);
    expect(gpd.remotePrefixLen).to.equal(32);
    expect(deviceSetupSteps(gpd, "default")[2]?.argv.join(" ")).to.equal("-4 route add 192.0.2.1/32 via 192.168.0.1 dev tun0");
    expect(resolveNetConfig(CORPUS_PRESETS.gpd.ipv6.flags).remotePrefixLen).to.equal(128);
    expect(resolveNetConfig({ ipVersion: "ipv4" }).remotePrefixLen).to.equal(24);
  });

  it("maps addresses for ipv4-mapped-ipv6 sockets but keeps an IPv4 wire", () => {
    const net = resolveNetConfig(CORPUS_PRESETS.gpd["ipv4-mapped-ipv6"].flags);
    expect(net).to.include({ wireFamily: 4, socketFamily: "inet6", socketLocalIp: "::ffff:192.168.0.1", socketRemoteIp: "::ffff:192.0.2.1" });
    expect(preDeviceSysctls(net)).to.have.property("net/ipv6/conf/default/disable_ipv6", "1");
  });

  it("uses /48 locally, nodad and MTU 1520 for the ipv6 presets", () => {
    const net = resolveNetConfig(CORPUS_PRESETS.mpd.ipv6.flags);
    expect(deviceSetupSteps(net, "pfifo").map((s) => s.argv.join(" "))).to.deep.equal([
      "link set dev tun0 mtu 1520 up",
      "-6 addr add fd3d:fa7b:d17d::0/48 dev tun0 nodad",
      "-6 route add 2001:db8::/32 via fd3d:fa7b:d17d:8888::0 dev tun0",
      "qdisc replace dev tun0 root pfifo",
    ]);
    expect(preDeviceSysctls(net)).to.include({ "net/ipv6/conf/default/accept_dad": "0", "net/ipv6/conf/default/addr_gen_mode": "1" });
  });

  it("computes prefixes and networks", () => {
    expect(netmaskPrefixLen("255.255.0.0")).to.equal(16);
    expect(netmaskPrefixLen("255.0.255.0")).to.equal(null);
    expect(networkOf("192.0.2.77", 24)).to.equal("192.0.2.0/24");
    expect(networkOf("fd3d:fa7b:d17d::1", 32)).to.equal("fd3d:fa7b::/32");
    expect(() => resolveNetConfig({ ipVersion: "ipv4", netmaskIp: "255.0.255.0" })).to.throw(RangeError);
  });

  it("builds packetdrill's command environment", () => {
    const net = resolveNetConfig(CORPUS_PRESETS.mpd.ipv4.flags);
    const env = packetdrillEnv(net, { tolerance_usecs: 100000, strict_segments: false }, { TFO_COOKIE: "x" });
    expect(env).to.include({
      OPT_IP_VERSION: "ipv4", OPT_LOCAL_IP: "192.168.0.2", OPT_NETMASK_IP: "255.255.0.0", OPT_LOCAL_DEV: "tun0",
      OPT_TOLERANCE_USECS: "100000", OPT_STRICT_SEGMENTS: "0", OPT_BIND_PORT: "8080", TFO_COOKIE: "x",
    });
  });
});
