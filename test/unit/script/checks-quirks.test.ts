// Quirk passes (src/script/checks/quirks-*.ts): warnings, never errors, each with a 'fix:' note,
// at exact spans; and silence on the forms packetdrill handles.
import { expect } from "chai";
import { checkScript } from "../../../src/script/check-script.ts";
import type { Diagnostic } from "../../../src/script/diagnostic.ts";

const SOCKET = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";
const SERVER = `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n`;

function quirks(source: string, defines: Record<string, string> = {}): Diagnostic[] {
  return checkScript(source, "t.pkt", { defines }).filter((d) => d.code.startsWith("quirk-"));
}

/** `code@line:col` of each quirk. */
function where(source: string, defines: Record<string, string> = {}): string[] {
  return quirks(source, defines).map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`);
}

describe("checks: packetdrill quirks", () => {
  it("are warnings only, each with a fix note, and never on the corpus-style baseline", () => {
    const all = quirks(`--tolerance_percent=12.5\r\n${SOCKET}+0 open("a\\\\b", O_RDONLY) = -1 ENOENT (no ack here)\n// end`);
    expect(all.length).to.be.at.least(4);
    for (const d of all) {
      expect(d.severity).to.equal("warning");
      expect(d.notes.some((n) => n.startsWith("fix: "))).to.equal(true, d.message);
      expect(d.message).to.not.match(/\.$/);
    }
    expect(where(`--tolerance_usecs=10000\n${SERVER}+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n+0 < . 1:1(0) ack 1 win 257\n`)).to.deep.equal([]);
  });

  describe("quirks-source", () => {
    it("warns once at the first carriage return (CRLF)", () => {
      const ds = quirks(`${SOCKET.replace("\n", "\r\n")}+0 close(3) = 0\r\n`);
      expect(ds.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`)).to.deep.equal(["quirk-crlf@1:44"]);
      expect(ds[0]?.notes[0]).to.contain("2 in this file");
    });
    it("warns at a '//' comment on a last line without a newline, not with one", () => {
      expect(where(`${SOCKET}  // done`)).to.deep.equal(["quirk-comment-eof@2:3"]);
      expect(where(`${SOCKET}// done\n`)).to.deep.equal([]);
    });
  });

  describe("quirks-options", () => {
    it("warns at option values packetdrill's grammar rejects", () => {
      const src = "--tolerance_percent=12.5\n--define=X=5\n--remote_ip=192.0.2.1/24\n--non_fatal=packet,syscall\n--ip_version=ipv4-mapped-ipv6\n" + SOCKET;
      expect(where(src)).to.deep.equal([
        "quirk-option-value@1:21", "quirk-option-value@2:10", "quirk-option-value@3:13", "quirk-option-value@4:13", "quirk-option-value@5:14",
      ]);
      const [float] = quirks(src);
      expect(float?.message).to.equal("Option '--tolerance_percent': packetdrill's option lines take no floating-point value ('12.5')");
    });
    it("accepts integers, words, strings, addresses and NAME=WORD", () => {
      const src = '--tolerance_usecs=100000\n--ip_version=ipv4\n--local_ip=192.168.0.1\n--remote_ip=2001:db8::1\n--define=CODE=host_unreachable\n--code_command="python3 -u"\n--non_fatal=packet\n' + SOCKET;
      expect(where(src)).to.deep.equal([]);
    });
    it("warns at a keyword value and at a define used inside the option block", () => {
      expect(where(`--code_sockopt=ack\n${SOCKET}`)).to.deep.equal(["quirk-option-value@1:16"]);
      expect(where(`--define=HOST=remote\n--local_ip=HOST\n${SOCKET}`)).to.deep.equal(["quirk-define-in-options@2:12"]);
      expect(where(`--bind_port=PORT\n${SOCKET}`, { PORT: "8081" })).to.deep.equal(["quirk-define-in-options@1:13"]);
    });
  });

  describe("quirks-strings", () => {
    it("warns at '\\\\' and '\\\"' (0x0C in packetdrill) and at unsupported escapes, not at \\n or \\xHH", () => {
      const src = `${SOCKET}+0 open("a\\\\b\\"c\\qd\\x4", O_RDONLY) = -1\n+0 open("ok\\n\\t\\x41", O_RDONLY) = -1\n`;
      const ds = quirks(src);
      expect(ds.map((d) => `${d.span.start.line}:${d.span.start.column}-${d.span.end.column}`)).to.deep.equal(["2:11-13", "2:14-16", "2:17-19", "2:20-22"]);
      expect(ds[0]?.message).to.equal("Escape '\\\\' decodes to 0x0C (form feed) in packetdrill");
      expect(ds[1]?.notes[1]).to.equal("fix: write '\\x22', which both decode alike");
      expect(ds[2]?.message).to.equal("Escape '\\q' is not supported by packetdrill");
    });
  });

  describe("quirks-notes", () => {
    it("warns at keywords, numbers and punctuation in errno and result notes", () => {
      const src = `${SOCKET}+0 connect(3, ..., ...) = -1 EINPROGRESS (ack pending)\n+0 read(3, ..., 1) = -1 EAGAIN (try 2 times)\n+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)\n+0 close(3) = 0 (it's done)\n+0 close(3) = 0 (port gone)\n`;
      const ds = quirks(src);
      expect(ds.map((d) => `${d.span.start.line}`)).to.deep.equal(["2", "3", "5", "6"]);
      expect(ds.map((d) => d.message)).to.deep.equal([
        "Note '(ack pending)' does not parse in packetdrill: 'ack' is a keyword of packetdrill",
        "Note '(try 2 times)' does not parse in packetdrill: '2' is a number, not a word",
        "Note '(it's done)' does not parse in packetdrill: 'it's' is not a plain word (letters, digits, '_')",
        "Note '(port gone)' does not parse in packetdrill: 'port' is a keyword of the MPTCP fork of packetdrill",
      ]);
    });
  });

  describe("quirks-packets", () => {
    const est = `${SERVER}+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n+0 < . 1:1(0) ack 1 win 257\n+0 accept(3, ..., ...) = 4\n`;
    it("warns at an inbound SYN-ACK without 'ack'", () => {
      expect(where(`${SOCKET}+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n+0 > S 0:0(0) <...>\n+.1 < S. 0:0(0) win 32000\n`)).to.deep.equal(["quirk-inbound-ack-missing@4:7"]);
    });
    it("warns at an ACK without 'ack' while kernel data is outstanding, not after it is acked or on a reset", () => {
      const data = `${est}+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 1\n`;
      expect(where(`${data}+0 < . 1:1(0) win 257\n`)).to.deep.equal(["quirk-inbound-ack-missing@10:6"]);
      expect(where(`${data}+0 < . 1:1(0) ack 101 win 257\n+0 < . 1:1(0) win 257\n`)).to.deep.equal([]);
      expect(where(`${data}+0 < R. 1:1(0) win 257\n`)).to.deep.equal([]);
      expect(where(`${est}+0 < . 1:1(0) win 257\n`)).to.deep.equal([]);
    });
    it("warns at an inbound TS ecr no earlier outbound TS val carries, unless --tcp_ts_ecr_scaled", () => {
      const ts = `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 32792 <mss 1000,TS val 10 ecr 0,nop,wscale 7>\n+0 > S. 0:0(0) ack 1 <mss 1460,TS val 100 ecr 10,nop,wscale 8>\n`;
      expect(where(`${ts}+0 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 20 ecr 100>\n`)).to.deep.equal([]);
      expect(where(`${ts}+0 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 20 ecr 101>\n`)).to.deep.equal(["quirk-ts-ecr-unmapped@6:52"]);
      expect(where(`--tcp_ts_ecr_scaled\n${ts}+0 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 20 ecr 101>\n`)).to.deep.equal([]);
    });
  });

  describe("quirks-mptcp", () => {
    const pre = `${SOCKET}+0 bind(3, ..., ...) = 0\n+0 listen(3, 1) = 0\n`;
    it("warns at a bare dack8/dsn8 next to the other field on an injected DSS only", () => {
      expect(where(`${pre}+0 < P. 1:11(10) ack 1 win 256 <dss dack8 dsn8=1 ssn=1 dll=10 nocs>\n`)).to.deep.equal(["quirk-dss-bare-field@4:37"]);
      expect(where(`${pre}+0 < . 1:1(0) ack 1 win 256 <dss dack8>\n`)).to.deep.equal([]);
      expect(where(`${pre}+0 > P. 1:11(10) ack 1 <dss dack8 dsn8=1 ssn=1 dll=10 nocs>\n`)).to.deep.equal([]);
    });
    it("warns at an injected DSS value 0, and at ssn/dll on an ack-only DSS of a data segment", () => {
      expect(where(`${pre}+0 < . 1:1(0) ack 1 win 256 <dss dack8=0 nocs>\n`)).to.deep.equal(["quirk-dss-zero@4:34"]);
      const ds = quirks(`${pre}+0 < P. 1:11(10) ack 1 win 256 <dss dack8=1 ssn=1 dll=10 nocs>\n`);
      expect(ds.map((d) => d.message)).to.deep.equal(["'ssn=', 'dll=' ignored: this DSS maps no data, so the payload goes without a mapping"]);
      expect(where(`${pre}+0 > . 1:1(0) ack 3 <dss dack8=3 dll=0 nocs>\n`)).to.deep.equal([]);
    });
    it("warns at an injected ADD_ADDR with a port and hmac=auto", () => {
      expect(where(`${pre}+0 < . 1:1(0) ack 1 win 256 <add_address address_id=2 addr[a=inet_addr("192.0.2.2")] port=8081 hmac=auto>\n`)).to.deep.equal(["quirk-add-addr-port-hmac@4:30"]);
      expect(where(`${pre}+0 < . 1:1(0) ack 1 win 256 <add_address address_id=2 addr[a=inet_addr("192.0.2.2")] hmac=auto>\n`)).to.deep.equal([]);
    });
  });
});
