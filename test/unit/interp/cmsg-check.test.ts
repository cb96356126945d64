import { expect } from "chai";
import { checkCmsgs } from "../../../src/interp/cmsg-check.ts";
import type { CmsgValue } from "../../../src/sut/sut.ts";

const SOL_SOCKET = 1;
const SCM_TIMESTAMPING = 37;
const SOL_IP = 0;
const IP_RECVERR = 11;
const timing = { startUs: 5_000_000, toleranceUsecs: 4000 };

function ts(sec: number, nsec: number): CmsgValue {
  return { kind: "cmsg", level: SOL_SOCKET, type: SCM_TIMESTAMPING, data: { kind: "timestamping", times: [{ sec, nsec }, { sec: 0, nsec: 0 }, { sec: 0, nsec: 0 }] } };
}

function ee(info: number, data: number): CmsgValue {
  return { kind: "cmsg", level: SOL_IP, type: IP_RECVERR, data: { kind: "extendedErr", eeErrno: 42, eeOrigin: 4, eeType: 0, eeCode: 0, eeInfo: info, eeData: data } };
}

describe("interp cmsg check", () => {
  it("accepts an SCM_TIMESTAMPING time within tolerance of the script time mapped to live time", () => {
    // Script 20 ms = live start + 20 ms; the kernel said start + 22.5 ms.
    expect(checkCmsgs([ts(0, 20_000_000)], [ts(5, 22_500_000)], timing)).to.equal(null);
  });

  it("rejects an SCM_TIMESTAMPING time outside the tolerance, in script time", () => {
    expect(checkCmsgs([ts(0, 20_000_000)], [ts(5, 30_000_000)], timing))
      .to.equal("Bad timestamp 0 in scm_timestamping 0: expected=20000 usec actual=30000 usec (script time); tolerance 4000 usec");
  });

  it("does not check a 0/0 script timestamp", () => {
    expect(checkCmsgs([ts(0, 0)], [ts(7, 1)], timing)).to.equal(null);
  });

  it("compares every sock_extended_err field, naming the first that differs", () => {
    expect(checkCmsgs([ts(0, 0), ee(1, 10999)], [ts(5, 1), ee(1, 10999)], timing)).to.equal(null);
    expect(checkCmsgs([ee(1, 10999)], [ee(1, 10998)], timing)).to.equal("Bad data in cmsg 0: expected=ee_data=10999 actual=ee_data=10998");
    expect(checkCmsgs([ee(2, 0)], [ee(0, 0)], timing)).to.equal("Bad data in cmsg 0: expected=ee_info=2 actual=ee_info=0");
  });

  it("checks level and type before data, and a missing cmsg", () => {
    expect(checkCmsgs([ee(0, 0)], [ts(5, 0)], timing)).to.equal("Bad level in cmsg 0: expected=0 actual=1");
    expect(checkCmsgs([{ ...ee(0, 0), type: 12 }], [ee(0, 0)], timing)).to.equal("Bad type in cmsg 0: expected=12 actual=11");
    expect(checkCmsgs([ts(0, 1_000_000), ee(0, 0)], [ts(5, 1_000_000)], timing)).to.equal("Bad len in cmsg 1: expected=a cmsg actual=0");
    expect(checkCmsgs([ts(0, 1_000_000)], [], timing)).to.equal("Bad len in cmsg 0: expected=64 actual=0");
  });

  it("compares int data", () => {
    const int = (v: number): CmsgValue => ({ kind: "cmsg", level: SOL_IP, type: 2, data: { kind: "int", value: v } });
    expect(checkCmsgs([int(64)], [int(64)], timing)).to.equal(null);
    expect(checkCmsgs([int(64)], [int(63)], timing)).to.equal("Bad data in cmsg 0: expected=64 actual=63");
  });
});
