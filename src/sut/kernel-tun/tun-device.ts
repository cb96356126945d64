/**
 * The TUN device: open /dev/net/tun as an IP-level device (IFF_TUN | IFF_NO_PI), with the
 * virtio-net header and checksum/TSO offloads so the kernel hands over super-segments the way
 * packetdrill sees them (pkt-language.md §10.2). One IP packet per read or write.
 */
import { MptcpdrillError } from "../../errors.ts";
import { errnoInfo } from "../linux-abi.ts";
import { closeInBackground, type Libc } from "./libc.ts";
import { VNET_HDR_LEN, emitVnetHeader, injectHeader, pseudoHeaderChecksumForGso } from "./vnet-header.ts";

const TUNSETIFF = 0x400454ca;
const TUNSETOFFLOAD = 0x400454d0;
const TUNSETVNETHDRSZ = 0x400454d8;
const IFF_TUN = 0x0001;
const IFF_NO_PI = 0x1000;
const IFF_VNET_HDR = 0x4000;
const TUN_F_CSUM = 0x01;
const TUN_F_TSO4 = 0x02;
const TUN_F_TSO6 = 0x04;
const TUN_F_TSO_ECN = 0x08;
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
const EAGAIN = 11;
/** Largest frame: 64 KiB super-segment plus the header. */
const MAX_FRAME = 65536 + VNET_HDR_LEN;

/** An open TUN device. */
export interface TunDevice {
  readonly fd: number;
  readonly name: string;
  /** Whether frames carry a virtio-net header. */
  readonly vnetHdr: boolean;
  /** Read one frame (header included when `vnetHdr`) without blocking; null when none is queued. */
  readFrame(): Uint8Array | null;
  /** Write one IP packet; returns 0 or an errno. */
  writePacket(packet: Uint8Array, gsoSize?: number): number;
  /** Closes the device (in the background: see closeInBackground). */
  close(): void;
}

function describe(libc: Libc, what: string): string {
  const e = libc.errno();
  return `${what}: ${errnoInfo(e)?.name ?? e} (${errnoInfo(e)?.text ?? "unknown"})`;
}

/** Create the device `name` in the current network namespace. */
export function openTunDevice(libc: Libc, name: string, offloads: boolean): TunDevice {
  const fd = libc.open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw new MptcpdrillError("MPD_ERR_TUN_OPEN", describe(libc, "cannot open /dev/net/tun"));
  const ifr = Buffer.alloc(40);
  ifr.write(name, 0, 15, "latin1");
  ifr.writeUInt16LE(IFF_TUN | IFF_NO_PI | (offloads ? IFF_VNET_HDR : 0), 16);
  const fail = (what: string): never => {
    const msg = describe(libc, what);
    libc.close(fd);
    throw new MptcpdrillError("MPD_ERR_TUN_OPEN", msg);
  };
  if (libc.ioctl(fd, TUNSETIFF, "void *", ifr) < 0) fail(`TUNSETIFF ${name}`);
  if (offloads) {
    const size = Buffer.alloc(4);
    size.writeInt32LE(VNET_HDR_LEN);
    if (libc.ioctl(fd, TUNSETVNETHDRSZ, "void *", size) < 0) fail("TUNSETVNETHDRSZ");
    const flags = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN;
    if (libc.ioctl(fd, TUNSETOFFLOAD, "unsigned long", flags) < 0) fail("TUNSETOFFLOAD");
  }
  return makeDevice(libc, fd, ifr.toString("latin1", 0, 16).replace(/\0.*$/s, ""), offloads);
}

function makeDevice(libc: Libc, fd: number, name: string, vnetHdr: boolean): TunDevice {
  const readBuf = Buffer.alloc(MAX_FRAME);
  let open = true;
  return {
    fd, name, vnetHdr,
    readFrame() {
      if (!open) return null;
      const n = Number(libc.read(fd, readBuf, MAX_FRAME));
      if (n < 0) {
        const e = libc.errno();
        if (e === EAGAIN) return null;
        throw new MptcpdrillError("MPD_ERR_INTERNAL", describe(libc, `read ${name}`));
      }
      return new Uint8Array(readBuf.subarray(0, n));
    },
    writePacket(packet, gsoSize) {
      const frame = Buffer.alloc((vnetHdr ? VNET_HDR_LEN : 0) + packet.length);
      const body = frame.subarray(vnetHdr ? VNET_HDR_LEN : 0);
      body.set(packet);
      if (vnetHdr) {
        if (gsoSize !== undefined) pseudoHeaderChecksumForGso(body);
        emitVnetHeader(injectHeader(body, gsoSize), frame);
      }
      const n = Number(libc.write(fd, frame, frame.length));
      return n < 0 ? libc.errno() : 0;
    },
    close() {
      if (open) closeInBackground(libc, fd);
      open = false;
    },
  };
}
