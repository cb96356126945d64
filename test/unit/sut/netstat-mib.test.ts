/** /proc/net/netstat parsing for the `mib_*` code-block names (src/sut/kernel-tun/netstat-mib.ts). */
import { expect } from "chai";
import { parseNetstat } from "../../../src/sut/kernel-tun/netstat-mib.ts";

describe("parseNetstat", () => {
  it("names counters section + field, as nstat does", () => {
    const text = "TcpExt: SyncookiesSent TCPTimeouts\nTcpExt: 0 7\nMPTcpExt: MPCapableSYNRX MPFailTx\nMPTcpExt: 1 2\n";
    expect(parseNetstat(text)).to.deep.equal({ TcpExtSyncookiesSent: 0, TcpExtTCPTimeouts: 7, MPTcpExtMPCapableSYNRX: 1, MPTcpExtMPFailTx: 2 });
  });

  it("skips a pair whose sections or counts disagree and keeps the others", () => {
    const text = "IpExt: A B\nIpExt: 1\nMPTcpExt: X\nTcpExt: 3\nMPTcpExt: Y\nMPTcpExt: 4\n";
    expect(parseNetstat(text)).to.deep.equal({ MPTcpExtY: 4 });
  });

  it("returns nothing for empty or garbage text", () => {
    expect(parseNetstat("")).to.deep.equal({});
    expect(parseNetstat("no colon here\n1 2 3\n")).to.deep.equal({});
  });
});
