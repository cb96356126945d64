import { expect } from "chai";
import koffi from "koffi";
import { ERRNOS, LINUX_SYMBOLS, errnoInfo, errnoNumber, lookupSymbol, strerror } from "../../../src/sut/sut.ts";

describe("sut linux-abi symbol tables", () => {
  it("has the MPTCP and common socket values of Linux x86_64", () => {
    expect(lookupSymbol("IPPROTO_MPTCP")).to.equal(262);
    expect(lookupSymbol("SOL_MPTCP")).to.equal(284);
    expect(lookupSymbol("MPTCP_INFO")).to.equal(1);
    expect(lookupSymbol("AF_INET6")).to.equal(10);
    expect(lookupSymbol("PF_INET")).to.equal(2);
    expect(lookupSymbol("O_NONBLOCK")).to.equal(0x800);
    expect(lookupSymbol("MSG_FASTOPEN")).to.equal(0x20000000);
    expect(lookupSymbol("EPOLLET")).to.equal(0x80000000);
    expect(lookupSymbol("TCP_NLA_REHASH")).to.equal(27);
    expect(lookupSymbol("SIOCINQ")).to.equal(lookupSymbol("FIONREAD"));
    expect(lookupSymbol("NULL")).to.equal(0);
    expect(lookupSymbol("toString")).to.equal(undefined);
    expect(Object.isFrozen(LINUX_SYMBOLS)).to.equal(true);
  });

  it("agrees with the C library's errno values (koffi.os.errno)", () => {
    const native = koffi.os.errno as Record<string, number>;
    let compared = 0;
    for (const e of ERRNOS) {
      if (native[e.name] === undefined) continue;
      expect(native[e.name], e.name).to.equal(e.number);
      compared++;
    }
    expect(compared).to.be.greaterThan(60);
  });

  it("names errnos and gives glibc's texts", () => {
    expect(errnoInfo(11)).to.deep.equal({ number: 11, name: "EAGAIN", text: "Resource temporarily unavailable" });
    expect(errnoNumber("EWOULDBLOCK")).to.equal(11);
    expect(errnoNumber("EINPROGRESS")).to.equal(115);
    expect(errnoInfo(95)?.name).to.equal("EOPNOTSUPP");
    expect(strerror(104)).to.equal("Connection reset by peer");
    expect(strerror(9999)).to.equal("Unknown error 9999");
    expect(lookupSymbol("ECONNREFUSED")).to.equal(111);
  });
});
