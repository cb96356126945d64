// Parser: syntax errors become one diagnostic at the exact failing token, with a readable message.
import { expect } from "chai";
import { parseScript } from "../../../src/script/parse.ts";

const SOCKET = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n";

/** [source, "line:col-line:col", message] */
const CASES: readonly (readonly [string, string, string])[] = [
  [`${SOCKET}+0 < S 0:0(0) win 5 <mss 1460,,nop>`, "2:31-2:32", "Expected TCP option but found ','"],
  ["+0 > S 0:0(0 <mss 1460>", "1:14-1:15", "Expected ')' but found '<'"],
  ["+0 < S 0:0(0) win 5 <mss 1460", "1:30-1:30", "Expected ',' or '>' but found end of input"],
  ["0 close(3)", "1:11-1:11", "Expected '=' but found end of input"],
  ["0 close(3) = ", "1:14-1:14", "Expected expression, integer, name or string but found end of input"],
  ["--opt=5\n0 close(3) = 0\n+0 bogus", "3:9-3:9", "Expected '(' but found end of input"],
  ["+0 < S. 0:0(0) ack win 5", "1:20-1:23", "Expected integer or name but found 'win'"],
  ["+0 < S 0:0(0) win 5 <mss 1460, bogus 5>", "1:32-1:37", "Expected TCP option but found 'bogus'"],
  ["`unterminated\n", "1:1-1:2", "Unterminated command: missing the closing '`'"],
  ["+0 %{ x = 1", "1:4-1:5", "Unterminated code block: missing the closing '}%'"],
  ["0 close(3) = 0\n/* unterminated", "2:1-2:2", "Unterminated comment: missing the closing '*/'"],
  ['0 write(3, "abc, 3) = 3', "1:12-1:13", "Unterminated string: missing the closing '\"'"],
  ["+0 > . 1:1(0) ack 1 <mpcapable v1 flags[flag_x] nokey>", "1:41-1:47", "Expected flag name but found 'flag_x'"],
  ["+0 > . 1:1(0) ack 1 <mpcapable x2 flags[flag_h] nokey>", "1:32-1:34", "Expected MP_CAPABLE version but found 'x2'"],
  ["+0 > . 1:1(0) ack 1 <add_address addr[x] hmac>", "1:46-1:47", "Expected '=' but found '>'"],
  ["+0 > . 1:1(0) ack 1 <unknown 5 dead>", "1:32-1:36", "Expected ',', '>' or hex bytes but found 'dead'"],
  ["+0 > . 1:1(0) ack 1 <mptcp_unknown 0xz>", "1:36-1:39", "Expected hex bytes but found '0xz'"],
  ["+0 > ipproto 132 (", "1:19-1:19", "Expected integer or name but found end of input"],
  ["+0 > . 1:1(0) ack 1 <mp_join_syn backup=1>", "1:42-1:43", "Expected 'address_id' or 'token' but found '>'"],
  ["0 f([1, 2) = 0", "1:10-1:11", "Expected ',', ']' or '|' but found ')'"],
  ["0 f({a=1) = 0", "1:9-1:10", "Expected ',', '|' or '}' but found ')'"],
  ["+0~ > . 1:1(0)", "1:5-1:6", "Expected '+' but found '>'"],
  ["+0 < icmp", "1:10-1:10", "Expected integer or name but found end of input"],
  ["+0 < [ect0 S 0:0(0) win 5", "1:12-1:13", "Expected ',' or ']' but found 'S'"],
  ["+0 < ipv4 1.2.3.4 > 5.6.7.8 S 0:0(0) win 5", "1:29-1:30", "Expected ':' but found 'S'"],
  ["+0 > . 1:1(0) ack 1 <TS val 1>", "1:30-1:31", "Expected 'ecr' but found '>'"],
  ["+0 > . 1:1(0) ack 1\r\n+0 > . 1:1(0) ack 1 <sack 1>", "2:28-2:29", "Expected ':' but found '>'"],
  ["0 close(3) = 0\n\tfoo", "2:5-2:5", "Expected '(' but found end of input"],
];

describe("parse: syntax errors", () => {
  for (const [source, where, message] of CASES) {
    it(`reports ${JSON.stringify(message)} at ${where}`, () => {
      const { script, diagnostics } = parseScript(source, "bad.pkt");
      expect(script).to.equal(null);
      expect(diagnostics).to.have.length(1);
      const d = diagnostics[0];
      const s = d?.span;
      expect(`${s?.start.line}:${s?.start.column}-${s?.end.line}:${s?.end.column}`).to.equal(where);
      expect(d?.message).to.equal(message);
      expect(d?.code).to.equal("syntax");
      expect(d?.severity).to.equal("error");
      expect(s?.file).to.equal("bad.pkt");
    });
  }

  it("keeps offsets consistent with line and column", () => {
    const source = "--a=1\n\n  +0 < S 0:0(0) win 5 <bad>";
    const s = parseScript(source, "x.pkt").diagnostics[0]?.span;
    expect(s?.start.offset).to.equal(source.indexOf("bad"));
    expect(s?.end.offset).to.equal(source.indexOf("bad") + 3);
  });
});
