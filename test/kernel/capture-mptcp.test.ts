/**
 * Real capture: an MPTCP transfer over two subflows between two network namespaces, captured by
 * `tcpdump -i any` (Linux cooked v2, classic pcap) and by `dumpcap` on both veths (pcapng, two
 * interfaces). Every TCP packet our readers and src/wire decode must agree with tshark, field by
 * field: ports, absolute seq/ack, flags, window, payload length, TCP options and every MPTCP option.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/cli.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { readCaptureFile } from "../../src/cli/pcap-source.ts";
import { checkScript } from "../../src/script/check-script.ts";
import type { CapturedPacket } from "../../src/wire/pcap/captured-packet.ts";
import { buildMptcpLab, LAB, startCaptures, transfer, type MptcpLab } from "../support/mptcp-lab.ts";
import { canUseNetns, NetnsLab } from "../support/netns.ts";
import { requireTshark, tsharkTcpPackets } from "../support/tshark.ts";
import { compareWithTshark, decodeTcpFrame, type OurTcpPacket } from "../support/capture-compare.ts";

async function ourPackets(file: string): Promise<Map<number, OurTcpPacket>> {
  const out = new Map<number, OurTcpPacket>();
  const frames: CapturedPacket[] = [];
  const summary = await readCaptureFile(file, (item) => {
    if (item.kind === "packet") frames.push(item.packet);
  });
  expect(summary.errors, `read errors in ${file}`).to.equal(0);
  for (const f of frames) {
    const p = decodeTcpFrame(f);
    if (p) out.set(f.number, p);
  }
  return out;
}

describe("kernel capture: MPTCP over two subflows vs tshark", function () {
  this.timeout(90_000);
  const lab = new NetnsLab("cap");
  const dir = mkdtempSync(join(tmpdir(), "mpd-capture-"));
  let m: MptcpLab;
  let received = 0;

  before(async function () {
    requireTshark();
    if (!canUseNetns()) {
      this.skip();
      return;
    }
    m = buildMptcpLab(lab);
    const stop = await startCaptures(m, dir);
    try {
      received = await transfer(m, dir, 4_000_000);
    } finally {
      await stop();
    }
  });
  after(async () => {
    await lab.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it("moves the data, with payload on the second (joined) subflow", async () => {
    expect(received).to.equal(4_000_000);
    const ours = await ourPackets(join(dir, "two.pcapng"));
    const bySubflow = new Map<string, number>();
    for (const p of ours.values()) bySubflow.set(p.src, (bySubflow.get(p.src) ?? 0) + p.payloadLength);
    expect(bySubflow.get(LAB.client1) ?? 0, "payload on subflow 1").to.be.greaterThan(0);
    expect(bySubflow.get(LAB.client2) ?? 0, "payload on subflow 2").to.be.greaterThan(0);
  });

  for (const [label, file] of [["tcpdump -i any (cooked v2 pcap)", "any.pcap"], ["dumpcap on two interfaces (pcapng)", "two.pcapng"]] as const) {
    it(`${label}: every TCP packet agrees with tshark`, async () => {
      const ours = await ourPackets(join(dir, file));
      const theirs = tsharkTcpPackets(join(dir, file));
      expect(theirs.length).to.be.greaterThan(20);
      expect([...ours.keys()]).to.deep.equal(theirs.map((t) => t.frame));
      const problems = theirs.flatMap((t) => compareWithTshark(ours.get(t.frame), t).map((d) => `frame ${t.frame}: ${d}`));
      expect(problems.slice(0, 40).join("\n")).to.equal("");
      const verifiable = [...ours.values()].flatMap((p) => p.tcp.options.filter((o) => o.kind === "mptcp" && o.subtype === "dss" && o.mapping?.checksum !== undefined && o.mapping.dataLevelLength === p.payloadLength));
      expect(verifiable.length, "DSS checksums verified against the payload").to.be.greaterThan(0);
      const subtypes = new Set(theirs.flatMap((t) => t.mptcp.map((o) => `${o["tcp.options.mptcp.subtype"]}/${o["tcp.option_len"]}`)));
      // MP_CAPABLE 4/12/20, MP_JOIN 12/16/24, DSS, ADD_ADDR with HMAC and its echo.
      for (const s of ["0/4", "0/12", "0/20", "1/12", "1/16", "1/24", "3/16", "3/8"]) expect(subtypes, `option ${s} seen`).to.include(s);
    });
  }

  it("decode prints every packet as a line that check accepts, with tshark's values", async () => {
    const io = memoryIo();
    expect(await runCli(["decode", join(dir, "two.pcapng")], io)).to.equal(0);
    const text = io.out();
    expect(checkScript(text, "two.pkt").filter((d) => d.severity === "error")).to.deep.equal([]);
    const lines = text.trimEnd().split("\n");
    const theirs = tsharkTcpPackets(join(dir, "two.pcapng"));
    const tcpLines = lines.filter((l) => /^(0\.000000|\+\d+\.\d{6}) [<>] /.test(l));
    expect(tcpLines).to.have.length(theirs.length);
    // The MP_CAPABLE SYN, not the first SYN in file order: dumpcap writes what it reads from each
    // interface's buffer in turn, so the MP_JOIN SYN on c1 can come before it in the file.
    const syn = theirs.find((t) => t.tcp["tcp.flags"] === "0x0002" && t.mptcp.some((o) => o["tcp.options.mptcp.subtype"] === "0"));
    expect(syn, "tshark sees the MP_CAPABLE SYN").to.not.equal(undefined);
    const first = tcpLines[theirs.indexOf(syn as (typeof theirs)[number])] ?? "";
    expect(first).to.match(new RegExp(`> (\\S+ > \\S+ )?S 0:0\\(0\\) win ${syn?.tcp["tcp.window_size_value"]} <mss ${syn?.options["tcp.options.mss_val"]},`));
    expect(first).to.contain("mpcapable v1 flags[flag_a, flag_h] nokey");
    const joinAt = theirs.findIndex((t) => t.mptcp.some((o) => o["tcp.options.mptcp.recvtok"] !== undefined));
    const token = Number(theirs[joinAt]?.mptcp[0]?.["tcp.options.mptcp.recvtok"]).toString(16).padStart(8, "0");
    // The join names its subflow's tuple, unless it is the file's first packet (see above), whose
    // tuple is the script's own.
    const joinHead = joinAt === 0 ? "0\\.000000 > " : `\\+\\S+ > ${LAB.client2}:\\d+ > ${LAB.server2}:${LAB.port} `;
    expect(tcpLines[joinAt]).to.match(new RegExp(`^${joinHead}S 0:0\\(0\\) .*mp_join_syn backup=0 address_id=1 token=0x${token} `));
    expect(text).to.contain(`add_address address_id=1 addr[a=inet_addr("${LAB.server2}")] hmac=0x`);
    expect(text).to.match(/\/\/ packet \d+: arp who-has/);
  });
});
