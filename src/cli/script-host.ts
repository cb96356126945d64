/**
 * Entry point of a script host child: `unshare -n node --import <tsx> src/cli/script-host.ts`,
 * started by `spawnScriptHost` (src/sut/kernel-tun/host-process.ts). The child owns a private
 * network namespace, the TUN device and every socket of one script; all of them die with it.
 * The serving logic lives in src/sut/kernel-tun/host-server.ts; a `run` request runs the whole
 * job here (src/cli/run/child-job.ts).
 */
import { serveScriptHost } from "../sut/kernel-tun/host-server.ts";
import { runChildJob } from "./run/child-job.ts";

serveScriptHost({ run: runChildJob });
