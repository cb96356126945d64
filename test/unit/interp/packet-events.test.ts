import { expect } from "chai";
import { ipv4ChecksumOk } from "../../../src/interp/packet-events.ts";
import { ipHeader } from "../../../src/interp/packet-build.ts";
import { emitPacket, packet } from "../../../src/wire/packet.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { TCP_FLAG, type TcpRepr } from "../../../src/wire/tcp.ts";

const noInfo = { ecn: null, tos: null, ttl: null, flowLabel: null };
const tcp: TcpRepr = { kind: "tcp", srcPort: 8080, dstPort: 40000, seq: seqNum(1), ack: seqNum(1), flags: TCP_FLAG.ACK, window: 257, urgent: 0, options: [] };

describe("interp outbound IPv4 header checksum", () => {
  it("accepts a header whose checksum verifies and rejects one flipped bit", () => {
    const bytes = emitPacket(packet(ipHeader(4, "192.168.0.1", "192.0.2.1", noInfo), tcp));
    expect(ipv4ChecksumOk(bytes)).to.equal(true);
    const bad = bytes.slice();
    bad[11] = (bad[11] as number) ^ 1;
    expect(ipv4ChecksumOk(bad)).to.equal(false);
    const badTtl = bytes.slice();
    badTtl[8] = 63;
    expect(ipv4ChecksumOk(badTtl)).to.equal(false);
  });

  it("has nothing to check on IPv6", () => {
    expect(ipv4ChecksumOk(emitPacket(packet(ipHeader(6, "fd3d::1", "fd3d::2", noInfo), tcp)))).to.equal(true);
  });
});
