/**
 * Socket choice of the MPTCP fork (pkt-language.md §8.3): sockets are searched newest first, and
 * an outbound MP_JOIN SYN is matched on the destination of its tuple only.
 */
import { expect } from "chai";
import { bindTupleVariables, mptcpSocketForInbound, mptcpSocketForOutbound } from "../../../src/interp/mptcp-sockets.ts";
import { type SocketEntry, SocketTable } from "../../../src/interp/sockets.ts";
import { seqNum } from "../../../src/wire/seq.ts";
import { SeededRng } from "../../../src/rng.ts";
import { NET4, pkt } from "./helpers.ts";

const S0 = { ip: NET4.localIp, port: 8080 };
/** The script side of the child and of the joined subflow: ports from the table's ephemeral range. */
const C0 = { ip: NET4.remoteIp, port: 40000 };
const C1 = { ip: "192.0.2.2", port: 40001 };

/** A listener (fd 3) and its established MPTCP child c0 ↔ s0, as after a server's handshake. */
function serverWithChild(): { fds: SocketTable; child: SocketEntry } {
  const fds = new SocketTable(40000, new SeededRng(1));
  const listener = fds.addSocket(3, 3, 1, 262);
  listener.phase = "listening";
  const child = fds.addChild(listener, S0, NET4.remoteIp);
  child.conn.kernelIsn = seqNum(5000);
  child.conn.remoteIsn = seqNum(0);
  child.conn.mptcp = fds.mptcp.newConnection();
  fds.mptcp.bindAddr("c0", C0);
  fds.mptcp.bindAddr("s0", S0);
  return { fds, child };
}

/** `serverWithChild` plus an MP_JOIN subflow c1 → s0 opened by an inbound join line. */
function serverWithJoin(): { fds: SocketTable; child: SocketEntry; join: SocketEntry } {
  const { fds, child } = serverWithChild();
  const sp = pkt("+0 < addr[c1] > addr[s0] S 0:0(0) win 65535 <mp_join_syn address_id=1 token=auto>");
  const join = mptcpSocketForInbound(sp, fds, NET4, sp.env);
  if (join === null) throw new Error("no subflow");
  bindTupleVariables(sp, join, fds.mptcp);
  return { fds, child, join };
}

describe("interp/mptcp-sockets socket choice (§8.3)", () => {
  it("an inbound MP_JOIN SYN opens a subflow from a new script address, which becomes current", () => {
    const { fds, child, join } = serverWithJoin();
    expect(join).to.not.equal(child);
    expect(join.conn.liveLocal).to.deep.equal(S0);
    expect(join.conn.liveRemote).to.deep.equal(C1);
    expect(join.conn.mptcp).to.equal(child.conn.mptcp);
    expect(fds.mptcp.addr("c1")).to.deep.equal(C1);
    expect(fds.current).to.equal(join);
  });

  it("a line without addresses belongs to the newest subflow, even right after a line naming the initial one", () => {
    const { fds, child, join } = serverWithJoin();
    const named = mptcpSocketForOutbound(pkt("+0 > addr[s0] > addr[c0] . 1:1(0) ack 1 <dss dack4=1 dsn8=1 ssn=0 dll=1 nocs fin>"), fds);
    expect(named).to.equal(child);
    expect(fds.current).to.equal(child);
    const bare = mptcpSocketForOutbound(pkt("+0 > . 1:1(0) ack 1 <dss dack4=1 dsn8=1 ssn=0 dll=1 nocs fin>"), fds);
    expect(bare).to.equal(join);
    expect(fds.current).to.equal(join);
    const sp = pkt("+0 < . 1:1(0) ack 1 win 256");
    expect(mptcpSocketForInbound(sp, fds, NET4, sp.env)).to.equal(join);
  });

  it("unbound and absent sides are wildcards: the newest socket matching the bound side wins", () => {
    const { fds, child, join } = serverWithJoin();
    const toS0 = pkt("+0 < > addr[s0] F. 1:1(0) ack 1 win 256");
    expect(mptcpSocketForInbound(toS0, fds, NET4, toS0.env)).to.equal(join);
    const fromC0 = pkt("+0 < addr[c0] > addr[nobody] . 1:1(0) ack 1 win 256");
    expect(mptcpSocketForInbound(fromC0, fds, NET4, fromC0.env)).to.equal(child);
  });

  it("a bound side that no socket has leaves the choice to the current socket (null)", () => {
    const { fds, join } = serverWithJoin();
    fds.mptcp.bindAddr("elsewhere", { ip: "198.51.100.9", port: 9 });
    const sp = pkt("+0 < addr[elsewhere] > addr[s0] . 1:1(0) ack 1 win 256");
    expect(mptcpSocketForInbound(sp, fds, NET4, sp.env)).to.equal(null);
    expect(fds.current).to.equal(join);
  });

  it("an outbound MP_JOIN SYN takes only its tuple's destination: a source bound with another port is not used", () => {
    const fds = new SocketTable(40001, new SeededRng(1));
    const client = fds.addSocket(3, 3, 1, 262);
    client.phase = "established";
    client.conn.liveLocal = { ip: NET4.localIp, port: 35000 };
    client.conn.liveRemote = { ip: NET4.remoteIp, port: 8080 };
    client.conn.mptcp = fds.mptcp.newConnection();
    fds.mptcp.bindAddr("s0", { ip: NET4.remoteIp, port: 8080 });
    // As an outbound ADD_ADDR binds it: the announced address with the initial subflow's port.
    fds.mptcp.bindAddr("c1", { ip: "192.168.0.3", port: 35000 });
    const sp = pkt("+0 > addr[c1] > addr[s0] S 0:0(0) <mss 1460, mp_join_syn backup=0 address_id=1 token=auto>");
    const join = mptcpSocketForOutbound(sp, fds);
    expect(join).to.not.equal(null);
    expect(join).to.not.equal(client);
    expect(join?.phase).to.equal("connecting");
    expect(join?.conn.liveRemote).to.deep.equal({ ip: NET4.remoteIp, port: 8080 });
    expect(join?.conn.liveLocal).to.deep.equal({ ip: "", port: 0 });
    expect(join?.conn.mptcp).to.equal(client.conn.mptcp);
    expect(fds.newestFirst()[0]).to.equal(join);
  });

  it("an outbound MP_JOIN SYN whose destination is unbound opens no subflow", () => {
    const fds = new SocketTable(40001, new SeededRng(1));
    const client = fds.addSocket(3, 3, 1, 262);
    client.conn.liveLocal = { ip: NET4.localIp, port: 35000 };
    client.conn.liveRemote = { ip: NET4.remoteIp, port: 8080 };
    const sp = pkt("+0 > addr[c1] > addr[s9] S 0:0(0) <mp_join_syn backup=0 address_id=1 token=auto>");
    expect(mptcpSocketForOutbound(sp, fds)).to.equal(client);
    expect(fds.all()).to.have.length(1);
  });
});
