import { expect } from "chai";
import type * as ast from "../../../src/script/ast.ts";
import { evalSyscallArgs } from "../../../src/interp/sys-values.ts";
import { SocketTable } from "../../../src/interp/sockets.ts";
import { SeededRng } from "../../../src/rng.ts";
import { ValueEnv } from "../../../src/interp/values.ts";
import type { SysValue } from "../../../src/sut/sut.ts";
import { NET4, parse } from "./helpers.ts";

function args(line: string): SysValue[] {
  const a = (parse(`${line}\n`).events[0] as ast.Event).action;
  if (a.kind !== "syscall") throw new Error("not a syscall");
  const fds = new SocketTable(40000, new SeededRng(1));
  fds.addSocket(4, 14, 1, 6);
  return evalSyscallArgs(a.name as "setsockopt", a, new ValueEnv(new Map()), fds, NET4);
}

describe("interp syscall values", () => {
  it("[v] is a C int: 0xffffffff is -1, INT_MIN stays", () => {
    expect(args("+0 setsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [0xffffffff], 4) = 0")[3]).to.deep.equal({ kind: "intPtr", value: -1 });
    expect(args("+0 setsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [-2147483648], 4) = 0")[3]).to.deep.equal({ kind: "intPtr", value: -2147483648 });
    expect(args("+0 setsockopt(4, SOL_TCP, TCP_NOTSENT_LOWAT, [65536], 4) = 0")[3]).to.deep.equal({ kind: "intPtr", value: 65536 });
  });

  it("sendmsg's msg_name ... is the remote address, like sendto's", () => {
    const a = args("+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}, MSG_FASTOPEN) = 1000");
    const m = a[1];
    expect(m?.kind === "msghdr" && m.name).to.deep.equal({ kind: "sockaddr", family: "inet", address: "192.0.2.1", port: 8080 });
  });

  it("cmsg_data structs become sock_extended_err and SCM_TIMESTAMPING values", () => {
    const a = args(`+0 recvmsg(4, {msg_name(...)=..., msg_iov(1)=[{...,0}], msg_flags=MSG_ERRQUEUE, msg_control=[
      {cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING, cmsg_data={scm_sec=0,scm_nsec=20000000}},
      {cmsg_level=SOL_IP, cmsg_type=IP_RECVERR, cmsg_data={ee_errno=ENOMSG, ee_origin=SO_EE_ORIGIN_TIMESTAMPING, ee_type=0, ee_code=0, ee_info=SCM_TSTAMP_SND, ee_data=10999}}
    ]}, MSG_ERRQUEUE) = 0`);
    const m = a[1];
    if (m?.kind !== "msghdr" || m.control === null) throw new Error("no msghdr");
    expect(m.control.map((c) => c.data)).to.deep.equal([
      { kind: "timestamping", times: [{ sec: 0, nsec: 20_000_000 }, { sec: 0, nsec: 0 }, { sec: 0, nsec: 0 }] },
      { kind: "extendedErr", eeErrno: 42, eeOrigin: 4, eeType: 0, eeCode: 0, eeInfo: 0, eeData: 10999 },
    ]);
  });
});
