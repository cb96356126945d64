/**
 * `mptcpdrill decode FILE`: prints a capture (pcap or pcapng) as `.pkt` lines — every TCP
 * packet as a packet line, UDP and ICMP where the language has a form, everything else as a
 * `// comment`. A packet that cannot be decoded becomes `// packet N: cannot decode: …` and the
 * decode goes on.
 */
import { EXIT_FAIL, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import type { CliIo } from "../io.ts";
import { readCaptureFile } from "../pcap-source.ts";
import { PktDecoder, type DecodeOptions } from "../../capture/pkt-decoder.ts";
import { parseIpAddress, formatIpAddress } from "../../wire/address.ts";
import type { CaptureItem } from "../../wire/pcap/captured-packet.ts";
import { analyzeExchange } from "../../capture/exchange.ts";
import { runnableScript } from "../../capture/runnable-script.ts";

const USAGE = `usage: mptcpdrill decode [--local IP]... [--abs] [--tuple auto|none|ports|addresses] FILE
       mptcpdrill decode --runnable [--sut-ip IP] FILE

Prints every packet of a capture file (pcap in µs or ns, or pcapng with any number of
interfaces; link types Ethernet, raw IP, Linux cooked v1/v2) as a .pkt script line.

Direction: packetdrill scripts are written from the host under test, so '>' is a packet sent by
the local host and '<' one it received. The local host is the sender of the first SYN (or the
receiver of a SYN/ACK, or without either the sender of the first TCP packet); addresses it
advertises in MPTCP ADD_ADDR and the peers' addresses are learnt as packets go by. --local
names the local host's addresses instead.

Times are relative: the first packet line is at 0.000000, each later line is +seconds since the
previous packet line. Sequence numbers are relative to each direction's ISN (SYN = 0:0(0)),
MPTCP DSNs and Data ACKs relative to the IDSN of the sender's / receiver's key.

With --runnable, prints instead a script that runs against a kernel and reproduces the first
connection of the capture: the SUT is --sut-ip (an end of the first SYN) or the host that
answered the first SYN; its packets become '>' lines and the peer's '<' lines, with the system
calls that make them (socket, bind/listen/accept or connect, reads and writes sized from the
payloads, close), the config's addresses (addr[...] variables once a second MPTCP subflow
appears), relative sequence numbers, DSNs and Data ACKs, the SUT's key, join randoms and HMACs
as variables and 'auto', DSS checksums computed, relative times and a --tolerance_usecs drawn
from the SUT's reaction delays in the capture (at least 100 ms). Other connections are listed
as left out.

options:
  --runnable        print a runnable script of the first connection (see above)
  --sut-ip IP       with --runnable: the SUT's address (default: the first SYN's responder)
  --local IP        an address of the local host (repeatable, or comma-separated)
  --abs             print absolute sequence numbers, DSNs and Data ACKs
  --tuple MODE      auto (default: addr:port > addr:port once a capture has a second TCP
                    connection), none, ports, addresses
  -h, --help        this help
exit status: 0 every packet decoded, 1 some packet or the file could not be decoded, 2 usage
`;

/**
 * Characters of output gathered before one write to stdout. Small enough that the pending string
 * (a rope of every line since the last write) rarely outlives a young-generation GC: at 256K the
 * rope was copied and promoted on most scavenges, and GC took a third of the decode. A write per
 * 16K characters is still only one syscall per ~120 lines.
 */
const WRITE_CHARS = 16 * 1024;

type Parsed = { ok: true; file: string; options: DecodeOptions; runnable: boolean; sutIp?: string } | { ok: false; message: string };

function parseArgs(argv: readonly string[]): Parsed {
  const local: string[] = [];
  let abs = false;
  let tuple: DecodeOptions["tuple"] = "auto";
  let file: string | undefined;
  let runnable = false;
  let sutIp: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    if (flag === "--abs") abs = true;
    else if (flag === "--runnable") runnable = true;
    else if (flag === "--sut-ip") {
      const v = value() ?? "";
      const parsed = parseIpAddress(v);
      if (parsed === undefined) return { ok: false, message: `--sut-ip needs an IP address, got '${v}'` };
      sutIp = formatIpAddress(parsed);
    }
    else if (flag === "--local") {
      for (const ip of (value() ?? "").split(",")) {
        const parsed = parseIpAddress(ip.trim());
        if (parsed === undefined) return { ok: false, message: `--local needs an IP address, got '${ip}'` };
        local.push(formatIpAddress(parsed));
      }
    } else if (flag === "--tuple") {
      const v = value();
      if (v !== "auto" && v !== "none" && v !== "ports" && v !== "addresses") return { ok: false, message: `--tuple must be auto, none, ports or addresses, got '${v ?? ""}'` };
      tuple = v;
    } else if (a.startsWith("-") && a !== "-") return { ok: false, message: `unknown option '${a}'` };
    else if (file === undefined) file = a;
    else return { ok: false, message: `one capture file at a time, got '${file}' and '${a}'` };
  }
  if (file === undefined) return { ok: false, message: "missing capture FILE" };
  if (sutIp !== undefined && !runnable) return { ok: false, message: "--sut-ip goes with --runnable" };
  if (runnable && (abs || local.length > 0 || tuple !== "auto")) return { ok: false, message: "--runnable chooses its own numbering, sides and tuples: --abs, --local and --tuple do not apply" };
  const base = { ok: true as const, file, options: { local, abs, tuple }, runnable };
  return sutIp === undefined ? base : { ...base, sutIp };
}

async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (!args.ok) {
    io.stderr.write(`error[MPD_ERR_USAGE]: ${args.message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const path = args.file.startsWith("/") ? args.file : `${io.cwd}/${args.file}`;
  if (args.runnable) return runRunnable(path, args.file, args.sutIp, io);
  const decoder = new PktDecoder(args.options);
  // Lines are gathered into one string and written about every WRITE_CHARS characters: one
  // write per line costs more than decoding the packet, one per 256K keeps too much alive.
  let pending = "";
  // PktDecoder copies what it keeps (addresses), so the reader may reuse its buffer.
  const summary = await readCaptureFile(path, (item) => {
    pending += `${decoder.push(item)}\n`;
    if (pending.length >= WRITE_CHARS) {
      io.stdout.write(pending);
      pending = "";
    }
  }, "own", { transient: true });
  if (pending !== "") io.stdout.write(pending);
  const s = decoder.stats;
  io.stdout.write(`// ${args.file}: ${summary.format}, ${s.packets} packets (${s.tcp} TCP, ${s.comments} as comments), ${s.errors} not decoded\n`);
  return s.errors > 0 ? EXIT_FAIL : EXIT_OK;
}

/** `decode --runnable`: the whole capture is read, then the first connection becomes a script. */
async function runRunnable(path: string, file: string, sutIp: string | undefined, io: CliIo): Promise<number> {
  const items: CaptureItem[] = [];
  const summary = await readCaptureFile(path, (item) => items.push(item));
  if (summary.format === "unknown") {
    io.stderr.write(`error[MPD_ERR_FILE]: '${file}' is not a pcap or pcapng capture\n`);
    return EXIT_FAIL;
  }
  const ex = analyzeExchange(items, sutIp);
  if (!ex.ok) {
    io.stderr.write(`error[MPD_ERR_PCAP]: ${file}: ${ex.error.message}\n`);
    return EXIT_FAIL;
  }
  io.stdout.write(runnableScript(ex.value, { source: file.slice(file.lastIndexOf("/") + 1) }));
  return summary.errors > 0 ? EXIT_FAIL : EXIT_OK;
}

/** The `decode` command. */
export const decodeCommand: Command = {
  name: "decode",
  summary: "print a pcap/pcapng capture as .pkt lines",
  usage: USAGE,
  run,
};
