// Parser: system call lines and expressions (§6).
import { expect } from "chai";
import { action, expr, id, int } from "./parse-helpers.ts";

const ELL = { kind: "ellipsis" };
const str = (...raws: string[]): unknown => ({ kind: "string", parts: raws.map((raw) => ({ kind: "stringPart", raw })), ellipsis: false });
const field = (name: string, value: unknown, arg: unknown = null): unknown => ({ kind: "field", name, arg, value });
const struct = (...items: unknown[]): unknown => ({ kind: "struct", items });

describe("parse: system calls", () => {
  it("parses a call with result, errno and description", () => {
    expect(action("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)")).to.deep.equal({
      kind: "syscall", name: "connect", args: [int("3"), ELL, ELL], result: int("-1"),
      errno: { kind: "errno", name: "EINPROGRESS", description: "Operation now in progress" }, note: null,
    });
  });

  it("parses a result note and an empty argument list", () => {
    expect(action("+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)")).to.deep.equal({
      kind: "syscall", name: "fcntl", args: [int("3"), id("F_GETFL")], result: int("0x2"), errno: null, note: "flags O_RDWR",
    });
    expect(action("+0 getpid() = ...")).to.deep.equal({ kind: "syscall", name: "getpid", args: [], result: ELL, errno: null, note: null });
  });

  it("parses flag expressions left-associatively", () => {
    expect(expr("O_RDWR|O_NONBLOCK|0x10")).to.deep.equal({
      kind: "binary", op: "|",
      left: { kind: "binary", op: "|", left: id("O_RDWR"), right: id("O_NONBLOCK") },
      right: int("0x10"),
    });
  });

  it("parses strings: escapes kept raw, adjacent concatenation, trailing ellipsis", () => {
    expect(expr('"a\\"b\\x41"')).to.deep.equal(str('a\\"b\\x41'));
    expect(expr('"reno" "cubic"')).to.deep.equal(str("reno", "cubic"));
    expect(expr('"bbr"...')).to.deep.equal({ kind: "string", parts: [{ kind: "stringPart", raw: "bbr" }], ellipsis: true });
  });

  it("parses lists, pointers and empty lists", () => {
    expect(expr("[1]")).to.deep.equal({ kind: "list", items: [int("1")] });
    expect(expr("[]")).to.deep.equal({ kind: "list", items: [] });
    expect(expr("[3, 4]")).to.deep.equal({ kind: "list", items: [int("3"), int("4")] });
  });

  it("parses sockaddr, linger, pollfd, epoll_event, timeval and NLA struct literals generically", () => {
    expect(expr('{sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("192.0.2.1")}')).to.deep.equal(struct(
      field("sa_family", id("AF_INET")),
      field("sin_port", { kind: "call", fn: "htons", args: [int("8080")] }),
      field("sin_addr", { kind: "call", fn: "inet_addr", args: [str("192.0.2.1")] }),
    ));
    expect(expr("{onoff=1, linger=0}")).to.deep.equal(struct(field("onoff", int("1")), field("linger", int("0"))));
    expect(expr("[{fd=3, events=POLLIN|POLLOUT, revents=POLLOUT}]")).to.deep.equal({ kind: "list", items: [struct(
      field("fd", int("3")),
      field("events", { kind: "binary", op: "|", left: id("POLLIN"), right: id("POLLOUT") }),
      field("revents", id("POLLOUT")),
    )] });
    expect(expr("{events=EPOLLIN, u64=123}")).to.deep.equal(struct(field("events", id("EPOLLIN")), field("u64", int("123"))));
    expect(expr("{tv_sec=1, tv_usec=500}")).to.deep.equal(struct(field("tv_sec", int("1")), field("tv_usec", int("500"))));
    expect(expr("{TCP_NLA_BUSY=..., TCP_NLA_CWND=10}")).to.deep.equal(struct(field("TCP_NLA_BUSY", ELL), field("TCP_NLA_CWND", int("10"))));
    expect(expr('inet6_addr("fd00::1")')).to.deep.equal({ kind: "call", fn: "inet6_addr", args: [str("fd00::1")] });
  });

  it("parses msghdr with iovecs and cmsgs", () => {
    const m = expr("{msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0, msg_control=[{cmsg_level=SOL_SOCKET, cmsg_type=SCM_TIMESTAMPING, cmsg_data={scm_sec=0, scm_nsec=0}}, {cmsg_level=SOL_IP, cmsg_type=IP_RECVERR, cmsg_data={ee_errno=0, ee_origin=SO_EE_ORIGIN_ZEROCOPY, ee_type=0, ee_code=0, ee_info=0, ee_data=1}}]}");
    expect(m).to.deep.equal(struct(
      field("msg_name", ELL, ELL),
      field("msg_iov", { kind: "list", items: [struct(ELL, int("10"))] }, int("1")),
      field("msg_flags", int("0")),
      field("msg_control", { kind: "list", items: [
        struct(field("cmsg_level", id("SOL_SOCKET")), field("cmsg_type", id("SCM_TIMESTAMPING")),
          field("cmsg_data", struct(field("scm_sec", int("0")), field("scm_nsec", int("0"))))),
        struct(field("cmsg_level", id("SOL_IP")), field("cmsg_type", id("IP_RECVERR")),
          field("cmsg_data", struct(field("ee_errno", int("0")), field("ee_origin", id("SO_EE_ORIGIN_ZEROCOPY")), field("ee_type", int("0")),
            field("ee_code", int("0")), field("ee_info", int("0")), field("ee_data", int("1"))))),
      ] }),
    ));
  });

  it("parses MPLS stacks and GRE headers as syscall values", () => {
    expect(expr("{(label 16, tc 0, ttl 255) (label 17, tc 1, [S], ttl 1)}")).to.deep.equal({ kind: "mplsStack", entries: [
      { kind: "mplsEntry", label: int("16"), tc: int("0"), bottom: false, ttl: int("255") },
      { kind: "mplsEntry", label: int("17"), tc: int("1"), bottom: true, ttl: int("1") },
    ] });
    expect(expr("{flags 0, sum 0, off 0, key 5, seq 6}")).to.deep.equal({
      kind: "greHeader", flags: int("0"), sum: int("0"), off: int("0"), key: int("5"), seq: int("6"),
    });
    expect(expr("{flags [none] sum 1 off 2 key = 3 seq 4}")).to.deep.equal({
      kind: "greHeader", flags: { kind: "flagList", flags: ["none"] }, sum: int("1"), off: int("2"), key: int("3"), seq: int("4"),
    });
  });

  it("parses negative and 64-bit integers exactly", () => {
    expect(expr("-2147483648")).to.deep.equal(int("-2147483648"));
    expect(expr("18446744073709551615")).to.deep.equal({ kind: "int", text: "18446744073709551615", value: 18446744073709551615n });
  });
});
