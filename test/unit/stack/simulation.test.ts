/**
 * Two reference stacks wired together in virtual time: 1 MB over MPTCP, byte-exact, over two
 * subflows (the server announces its second address with ADD_ADDR, the client joins), and the
 * same seeds give the same bytes on the wire.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { SocketHost } from "../../../src/stack/host-sockets.ts";
import { Sim } from "./sim.ts";
import { pattern } from "./harness.ts";

const SIZE = 1 << 20;

interface Outcome {
  readonly received: Uint8Array;
  readonly eof: boolean;
  readonly digest: string;
  readonly packets: number;
  readonly endTime: number;
  readonly subflows: number;
  readonly joinedCarriedData: boolean;
}

function transfer(seed: number, opts: { checksum?: boolean; lossEvery?: number } = {}): Outcome {
  const mptcp = { joinAnnounced: true, checksum: opts.checksum ?? false, addAddrTimeout: 1_000_000 };
  const client = new SocketHost({ addresses: ["10.0.0.1", "10.0.1.1"], seed, mptcp });
  const server = new SocketHost({ addresses: ["10.0.0.2", "10.0.1.2"], seed: seed + 1, mptcp });
  const sim = new Sim(client, server);
  if (opts.lossEvery) sim.drop = (_b, n) => n % (opts.lossEvery ?? 1) === 0;
  const lfd = server.socket("mptcp");
  server.bind(lfd, "0.0.0.0", 80);
  server.listen(lfd, 4);
  const cfd = client.socket("mptcp");
  client.connect(cfd, "10.0.0.2", 80);
  const mp = client.mptcpOf(cfd);
  const data = pattern(SIZE, seed);
  const got: Uint8Array[] = [];
  let sent = 0;
  let sfd = -1;
  let eof = false;
  let announced = false;
  sim.run(120_000_000, () => {
    if (sfd < 0) {
      const a = server.accept(lfd);
      if (a.ok) sfd = a.value.fd;
    }
    if (sfd >= 0 && !announced) announced = server.mptcpAnnounce(sfd, "10.0.1.2", 1).ok;
    while (sent < SIZE) {
      const r = client.send(cfd, data.subarray(sent, Math.min(SIZE, sent + 16384)));
      if (!r.ok) break;
      sent += r.value;
      if (sent === SIZE) client.close(cfd);
    }
    for (;;) {
      if (sfd < 0) break;
      const r = server.recv(sfd, 65536);
      if (!r.ok) break;
      if (r.value.length === 0) {
        if (!eof) server.close(sfd);
        eof = true;
        break;
      }
      got.push(r.value);
    }
    return eof && server.pollAt() === "ingress" && client.pollAt() !== "now";
  });
  const received = Buffer.concat(got);
  const subflows = mp?.subflows.length ?? 0;
  const join = mp?.subflows[1]?.tcp;
  const joinedCarriedData = join !== undefined && ((join.sndMax - join.iss) >>> 0) > 1000;
  return { received, eof, digest: sim.digest(), packets: sim.packets, endTime: sim.now, subflows, joinedCarriedData };
}

describe("stack/simulation", () => {
  it("mptcp two hosts transfer 1 MB byte-exact over two subflows", function () {
    this.timeout(60_000);
    const r = transfer(42);
    expect(r.received.length).to.equal(SIZE);
    expect(createHash("sha256").update(r.received).digest("hex")).to.equal(createHash("sha256").update(pattern(SIZE, 42)).digest("hex"));
    expect(r.eof).to.equal(true);
    expect(r.subflows).to.equal(2);
    expect(r.joinedCarriedData).to.equal(true);
  });

  it("mptcp same seed same bytes on the wire", function () {
    this.timeout(60_000);
    const a = transfer(7);
    const b = transfer(7);
    expect(a.digest).to.equal(b.digest);
    expect(a.packets).to.equal(b.packets);
    const c = transfer(8);
    expect(c.digest).to.not.equal(a.digest);
  });

  it("mptcp with dss checksums and 1 % loss still byte-exact", function () {
    this.timeout(60_000);
    const r = transfer(3, { checksum: true, lossEvery: 97 });
    expect(r.received.length).to.equal(SIZE);
    expect(Buffer.compare(r.received, Buffer.from(pattern(SIZE, 3)))).to.equal(0);
  });
});
