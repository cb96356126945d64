/**
 * `mptcpdrill verify FILE`: checks a capture (pcap or pcapng) offline against RFC 8684 — keys,
 * tokens, HMACs, DSS checksums, mappings, Data ACKs, DATA_FIN and fallback — with src/verify,
 * and prints one line per violation and a summary (or JSON with --json).
 */
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";

/** `verify`'s own status: no violation found, but the capture was not wholly read or checked. */
export const EXIT_INCONCLUSIVE = 3;
import type { CliIo } from "../io.ts";
import { readCaptureFile } from "../pcap-source.ts";
import { Verifier, formatSummary, formatViolation, reportJson, verdictOf } from "../../verify/index.ts";

const USAGE = `usage: mptcpdrill verify [--json] FILE

Checks every MPTCP connection of a capture file (pcap or pcapng) against RFC 8684: MP_CAPABLE
lengths, flags and keys, tokens and MP_JOIN HMACs, ADD_ADDR HMACs and echoes, DSS checksums
(when negotiated and the payload was captured), mappings that never change, Data ACKs, the
data-level receive window, DATA_FIN accounting, MP_FASTCLOSE keys, MP_PRIO, REMOVE_ADDR and
MP_FAIL contents, and no MPTCP option after fallback. One root cause is one finding, printed as
'frame N: ID (RFC 8684 §x): message; FIELD carried X, expected Y [src > dst]' with the checklist
ID of docs/rfc8684.md and the frame number as Wireshark shows it; a cause that affects several
packets says how many. A summary follows.

The capture must hold the handshakes (flows without one are counted, not checked) and every
subflow. TCP checksums are not checked: captures of outgoing packets carry offloaded ones.

options:
  --json            print the report as one JSON object (docs/verify-report.schema.json)
  -h, --help        this help
A capture is called clean only when it was read to its end, every frame decoded, and checks
ran: a cut or partly corrupt file, undecodable frames, MPTCP subflows whose handshake is not in
the capture, or a capture with no MPTCP handshake at all make the verdict 'inconclusive'.

exit status: 0 clean, 1 violations, 2 unreadable input or usage,
             3 inconclusive (no violation, but part of the capture was not read or checked)
`;

type Parsed = { ok: true; file: string; json: boolean } | { ok: false; message: string };

function parseArgs(argv: readonly string[]): Parsed {
  let json = false;
  let file: string | undefined;
  for (const a of argv) {
    if (a === "--json") json = true;
    else if (a.startsWith("-") && a !== "-") return { ok: false, message: `unknown option '${a}'` };
    else if (file === undefined) file = a;
    else return { ok: false, message: `one capture file at a time, got '${file}' and '${a}'` };
  }
  if (file === undefined) return { ok: false, message: "missing capture FILE" };
  return { ok: true, file, json };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (!args.ok) {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const path = args.file.startsWith("/") ? args.file : `${io.cwd}/${args.file}`;
  const verifier = new Verifier();
  const summary = await readCaptureFile(path, (item) => verifier.push(item));
  const report = verifier.finish();
  if (summary.format === "unknown" || (summary.packets === 0 && summary.errors > 0)) {
    io.stderr.write(`error[MPD_ERR_FILE]: '${args.file}' is not a readable capture: ${report.decodeErrors[0] ?? "no packets"}\n`);
    return EXIT_USAGE;
  }
  if (args.json) io.stdout.write(`${JSON.stringify(reportJson(report, args.file))}\n`);
  else {
    const lines = [...report.violations.map(formatViolation), ...formatSummary(report, args.file)];
    io.stdout.write(`${lines.join("\n")}\n`);
  }
  const verdict = verdictOf(report);
  return verdict === "violations" ? EXIT_FAIL : verdict === "inconclusive" ? EXIT_INCONCLUSIVE : EXIT_OK;
}

/** The `verify` command. */
export const verifyCommand: Command = {
  name: "verify",
  summary: "check a pcap/pcapng capture against RFC 8684 (keys, HMACs, DSS checksums, mappings)",
  usage: USAGE,
  run,
};
