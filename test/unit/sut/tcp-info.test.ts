import { expect } from "chai";
import { decodeCcInfo, decodeMemInfo, decodeMptcpInfo, decodeTcpInfo } from "../../../src/sut/kernel-tun/tcp-info.ts";

describe("sut/kernel-tun tcp_info / mptcp_info decoding", () => {
  it("decodes tcp_info fields at their 6.18 offsets, bitfields included", () => {
    const b = Buffer.alloc(280);
    b[0] = 1; b[5] = 7; b[6] = 0xa7; b[7] = 0x05;
    b.writeUInt32LE(200000, 8);
    b.writeUInt32LE(10, 80);
    b.writeBigUInt64LE(0xffffffffffffffffn, 112);
    b.writeUInt32LE(65535, 228);
    b.writeUInt16LE(3, 240);
    b.writeUInt16LE(9, 278);
    const d = decodeTcpInfo(b, 280);
    expect(d).to.include({ tcpi_state: 1, tcpi_options: 7, tcpi_snd_wscale: 7, tcpi_rcv_wscale: 10, tcpi_delivery_rate_app_limited: 1,
      tcpi_fastopen_client_fail: 2, tcpi_rto: 200000, tcpi_snd_cwnd: 10, tcpi_snd_wnd: 65535, tcpi_total_rto: 3, tcpi_accecn_opt_seen: 9 });
    expect(d["tcpi_max_pacing_rate"]).to.equal(0xffffffffffffffffn);
  });

  it("decodes only what a shorter (6.1, 232-byte) tcp_info holds", () => {
    const d = decodeTcpInfo(Buffer.alloc(280), 232);
    expect(d).to.have.property("tcpi_snd_wnd");
    expect(d).to.not.have.property("tcpi_rcv_wnd");
  });

  it("decodes mptcp_info (96 bytes) and its 48-byte 6.1 prefix", () => {
    const b = Buffer.alloc(96);
    b[0] = 2; b[3] = 8;
    b.writeUInt32LE(0xdeadbeef, 12);
    b.writeBigUInt64LE(123456789012n, 16);
    b.writeUInt32LE(42, 92);
    expect(decodeMptcpInfo(b, 96)).to.include({ mptcpi_subflows: 2, mptcpi_subflows_max: 8, mptcpi_token: 0xdeadbeef, mptcpi_last_ack_recv: 42 });
    expect(decodeMptcpInfo(b, 96)["mptcpi_write_seq"]).to.equal(123456789012n);
    expect(decodeMptcpInfo(b, 48)).to.not.have.property("mptcpi_bytes_sent");
  });

  it("decodes SO_MEMINFO and BBR's TCP_CC_INFO", () => {
    const m = Buffer.alloc(36);
    m.writeUInt32LE(131072, 4);
    expect(decodeMemInfo(m, 36)).to.include({ SK_MEMINFO_RCVBUF: 131072, SK_MEMINFO_DROPS: 0 });
    const c = Buffer.alloc(20);
    c.writeUInt32LE(5, 0); c.writeUInt32LE(1, 4); c.writeUInt32LE(1000, 8);
    expect(decodeCcInfo("bbr", c, 20)).to.include({ bbr_bw_lo: 5, bbr_bw_hi: 1, bbr_bw: 2 ** 32 + 5, bbr_min_rtt: 1000 });
    expect(decodeCcInfo("cubic", c, 0)).to.deep.equal({});
  });
});
