/**
 * recvmsg control messages (pkt-language.md §6.2, §6.3, §9): the cmsgs a script expects are
 * compared in order with the ones the kernel wrote — level, type, then the data: an int, the
 * `struct sock_extended_err` fields of IP_RECVERR / IPV6_RECVERR (zerocopy and timestamping
 * notifications), or an SCM_TIMESTAMPING time given in script time (`{scm_sec=0,
 * scm_nsec=20000000}` = 20 ms after the script start), mapped to live time and compared within
 * `--tolerance_usecs`; a 0/0 script time is not checked.
 *
 * Messages: `Bad level in cmsg 1: expected=0 actual=1`,
 * `Bad data in cmsg 0: expected=ee_info=1 actual=ee_info=0`.
 */
import type { CmsgData, CmsgValue } from "../sut/sut.ts";

/** What a timestamp comparison needs from the run. */
export interface CmsgTiming {
  /** The script start on the SUT clock, µs (script time 0). */
  readonly startUs: number;
  /** `--tolerance_usecs`. */
  readonly toleranceUsecs: number;
}

const CMSG_HDR = 16;

/** `CMSG_LEN` of a data kind whose size does not depend on the family; null when it does. */
function cmsgLen(d: CmsgData): number | null {
  switch (d.kind) {
    case "int": return CMSG_HDR + 4;
    case "timestamping": return CMSG_HDR + 48;
    case "bytes": return CMSG_HDR + d.value.length;
    default: return null;
  }
}

const EE_FIELDS = [
  ["ee_errno", "eeErrno"], ["ee_origin", "eeOrigin"], ["ee_type", "eeType"],
  ["ee_code", "eeCode"], ["ee_info", "eeInfo"], ["ee_data", "eeData"],
] as const;

const usOf = (t: { readonly sec: number; readonly nsec: number }): number => t.sec * 1_000_000 + Math.trunc(t.nsec / 1000);

/** Compares one cmsg's data; the detail of the first difference or null. */
function checkData(i: number, want: CmsgData, got: CmsgData, timing: CmsgTiming): string | null {
  const bad = (e: string, a: string): string => `Bad data in cmsg ${i}: expected=${e} actual=${a}`;
  if (want.kind === "bytes" && want.value.length === 0) return null;
  if (want.kind === "int") {
    return got.kind === "int" && got.value === want.value ? null : bad(String(want.value), got.kind === "int" ? String(got.value) : got.kind);
  }
  if (want.kind === "extendedErr") {
    if (got.kind !== "extendedErr") return bad("sock_extended_err", got.kind);
    for (const [name, key] of EE_FIELDS) {
      if (want[key] !== got[key]) return bad(`${name}=${want[key]}`, `${name}=${got[key]}`);
    }
    return null;
  }
  if (want.kind === "timestamping") {
    if (got.kind !== "timestamping") return bad("scm_timestamping", got.kind);
    for (const [k, t] of want.times.entries()) {
      const scriptUs = usOf(t);
      if (scriptUs === 0) continue;
      const actual = got.times[k];
      const liveUs = actual ? usOf(actual) : 0;
      const expected = timing.startUs + scriptUs;
      if (Math.abs(liveUs - expected) > timing.toleranceUsecs) {
        return `Bad timestamp ${k} in scm_timestamping ${i}: expected=${scriptUs} usec actual=${liveUs - timing.startUs} usec ` +
          `(script time); tolerance ${timing.toleranceUsecs} usec`;
      }
    }
    return null;
  }
  return null;
}

/**
 * Compares the expected cmsgs with the actual ones, in order; the detail of the first
 * difference or null. Extra actual cmsgs are not an error here: with no room for them the
 * kernel sets MSG_CTRUNC, which the msg_flags check catches.
 */
export function checkCmsgs(expected: readonly CmsgValue[], actual: readonly CmsgValue[], timing: CmsgTiming): string | null {
  for (const [i, want] of expected.entries()) {
    const got = actual[i];
    if (got === undefined) return `Bad len in cmsg ${i}: expected=${cmsgLen(want.data) ?? "a cmsg"} actual=0`;
    if (got.level !== want.level) return `Bad level in cmsg ${i}: expected=${want.level} actual=${got.level}`;
    if (got.type !== want.type) return `Bad type in cmsg ${i}: expected=${want.type} actual=${got.type}`;
    const m = checkData(i, want.data, got.data, timing);
    if (m) return m;
  }
  return null;
}
