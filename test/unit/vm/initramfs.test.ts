import { expect } from "chai";
import { cacheRoot, listCachedKernels } from "../../../src/runner/vm/kernel-cache.ts";
import { GUEST_MODULES, initScript, moduleLoadOrder } from "../../../src/runner/vm/initramfs.ts";
import { guestCommand, qemuArgs } from "../../../src/runner/vm/vm-host.ts";

describe("vm initramfs and qemu command line", () => {
  it("the init mounts the host root read-only over 9p with cache=loose and switches into it", () => {
    const init = initScript();
    expect(init.startsWith("#!/bin/busybox sh\n")).to.equal(true);
    expect(init).to.include("trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro hostroot /newroot");
    expect(init).to.include("exec /bin/busybox switch_root /newroot /bin/sh -c \"$cmd\"");
    expect(init).to.include("base64 -d");
  });

  it("the guest command exports the environment quoted, finds the port by name, and powers off after the host", () => {
    const cmd = guestCommand({ env: { A: "it's" }, cwd: "/w d", writable: ["/caps"] }, "/usr/bin/node", ["/x/host.js"]);
    expect(cmd).to.include(`export A='it'\\''s'`);
    expect(cmd).to.include(`mkdir -p '/caps' 2>/dev/null; mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 w0 '/caps'`);
    expect(cmd).to.include(`= mpd ] && export MPD_HOST_PORT=/dev/`);
    expect(cmd).to.include(`cd '/w d'\n'/usr/bin/node' '/x/host.js'`);
    expect(cmd.trimEnd().split("\n").slice(-2)).to.deep.equal(["echo o > /proc/sysrq-trigger", "sleep 10"]);
  });

  it("qemu gets TCG, the 9p root read-only, the port socket and the command base64-encoded", () => {
    const kernel = { kind: "image", label: "k", vmlinuz: "/k/vmlinuz", modulesDir: "/k/m", workDir: "/k", release: "r" } as const;
    const args = qemuArgs({ kernel, initramfs: "/k/i.gz", accel: "tcg", cpus: 1, memoryMb: 1024, env: {}, cwd: "/", writable: [], nice: 0, bootTimeoutMs: 1000 }, "/t/port.sock", "echo hi");
    expect(args.slice(0, 4)).to.deep.equal(["-accel", "tcg,thread=multi", "-cpu", "max"]);
    expect(args).to.include("local,id=root,path=/,security_model=none,readonly=on,multidevs=remap");
    expect(args).to.include("socket,id=mpd,path=/t/port.sock,server=on,wait=off");
    const append = args[args.indexOf("-append") + 1] ?? "";
    expect(append).to.include(`mpd.cmd=${Buffer.from("echo hi").toString("base64")}`);
    expect(append.length).to.be.below(2048);
  });

  it("orders a cached Debian kernel's modules dependencies first", function () {
    const k = listCachedKernels(cacheRoot(process.env)).find((c) => c.series === "debian:6.1");
    if (k === undefined) this.skip();
    const order = moduleLoadOrder(`${k?.dir ?? ""}/lib/modules/${k?.release ?? ""}`, GUEST_MODULES);
    if (typeof order === "string") throw new Error(order);
    const names = order.map((f) => (f.split("/").pop() ?? "").replace(/\.ko.*$/, ""));
    expect(names).to.include.members(["virtio_ring", "virtio", "virtio_pci", "9pnet", "9pnet_virtio", "netfs", "fscache", "9p", "tun", "virtio_console"]);
    for (const [dep, user] of [["virtio_ring", "virtio_pci"], ["9pnet", "9pnet_virtio"], ["netfs", "9p"], ["virtio", "virtio_console"]] as const) {
      expect(names.indexOf(dep), `${dep} before ${user}`).to.be.below(names.indexOf(user));
    }
  });
});
