// A deliberately naive TCP/MPTCP decoder over DataView, used as a differential oracle for the
// codec. It shares no code with src/wire and decodes only what the property test compares.

export interface NaiveMptcp {
  subtype: number;
  len: number;
  dataAck?: bigint;
  dsn?: bigint;
  ssn?: number;
  dll?: number;
  checksum?: number;
  key1?: bigint;
  key2?: bigint;
}

export interface NaiveTcp {
  srcPort: number; dstPort: number; seq: number; ack: number; flags: number;
  window: number; checksum: number; urgent: number; mptcp: NaiveMptcp[];
}

function dss(dv: DataView, at: number, len: number): NaiveMptcp {
  const flags = dv.getUint8(at + 3);
  const out: NaiveMptcp = { subtype: 2, len };
  let i = at + 4;
  const expected = 4 + (flags & 1 ? (flags & 2 ? 8 : 4) : 0) + (flags & 4 ? (flags & 8 ? 8 : 4) + 6 : 0);
  if (len !== expected && !(flags & 4 && len === expected + 2)) return { subtype: -1, len };
  if (flags & 1) {
    out.dataAck = flags & 2 ? dv.getBigUint64(i) : BigInt(dv.getUint32(i));
    i += flags & 2 ? 8 : 4;
  }
  if (flags & 4) {
    out.dsn = flags & 8 ? dv.getBigUint64(i) : BigInt(dv.getUint32(i));
    i += flags & 8 ? 8 : 4;
    out.ssn = dv.getUint32(i);
    out.dll = dv.getUint16(i + 4);
    if (len === expected + 2) out.checksum = dv.getUint16(i + 6);
  }
  return out;
}

function mptcp(dv: DataView, at: number, len: number): NaiveMptcp {
  if (len < 3) return { subtype: -1, len };
  const subtype = dv.getUint8(at + 2) >> 4;
  if (subtype === 2) return dss(dv, at, len);
  if (subtype === 0 && [4, 12, 20, 22, 24].includes(len)) {
    const o: NaiveMptcp = { subtype, len };
    if (len >= 12) o.key1 = dv.getBigUint64(at + 4);
    if (len >= 20) o.key2 = dv.getBigUint64(at + 12);
    return o;
  }
  if (subtype === 6 && len === 12) return { subtype, len, dsn: dv.getBigUint64(at + 4) };
  return { subtype, len };
}

/** Decodes the fixed TCP header and the kind-30 options of `b`. */
export function naiveTcp(b: Uint8Array): NaiveTcp {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hl = (dv.getUint8(12) >> 4) * 4;
  const out: NaiveTcp = {
    srcPort: dv.getUint16(0), dstPort: dv.getUint16(2), seq: dv.getUint32(4), ack: dv.getUint32(8),
    flags: dv.getUint16(12) & 0x1ff, window: dv.getUint16(14), checksum: dv.getUint16(16), urgent: dv.getUint16(18), mptcp: [],
  };
  let i = 20;
  while (i < hl) {
    const kind = dv.getUint8(i);
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = dv.getUint8(i + 1);
    if (kind === 30) out.mptcp.push(mptcp(dv, i, len));
    i += len;
  }
  return out;
}
