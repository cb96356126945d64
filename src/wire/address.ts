/**
 * IP addresses as bytes (4 for IPv4, 16 for IPv6) with text conversion: dotted quad (RFC 791)
 * and the RFC 5952 canonical IPv6 text form (longest zero run compressed, lower case).
 */

/** An IPv4 (4-byte) or IPv6 (16-byte) address in network byte order. */
export type IpAddress = Uint8Array;

/** The text form: `192.0.2.1` or `2001:db8::1`. Other lengths print as hex groups joined by `.`. */
export function formatIpAddress(a: IpAddress): string {
  if (a.length === 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  if (a.length !== 16) return Array.from(a, (x) => x.toString(16)).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((a[i] as number) << 8) | (a[i + 1] as number));
  // RFC 5952 §4.2.3: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number[]): string => g.map((x) => x.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

/** Parses dotted-quad IPv4 text; `undefined` if it is not exactly four 0–255 decimal parts. */
export function parseIpv4Address(text: string): IpAddress | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    if (!/^[0-9]{1,3}$/.test(p) || Number(p) > 255) return undefined;
    out[i] = Number(p);
  }
  return out;
}

/** Parses IPv6 text (with `::` and an optional embedded dotted quad); `undefined` if invalid. */
export function parseIpv6Address(text: string): IpAddress | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const words = (s: string): number[] | undefined => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseIpv4Address(p);
        if (!v4) return undefined;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  const head = words(halves[0] as string);
  const tail = halves.length === 2 ? words(halves[1] as string) : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Parses IPv4 or IPv6 text; `undefined` if it is neither. */
export function parseIpAddress(text: string): IpAddress | undefined {
  return text.includes(":") ? parseIpv6Address(text) : parseIpv4Address(text);
}
