/**
 * The quirk passes together: warnings (never errors) where a script probably trips over a
 * packetdrill behaviour (pkt-language.md §1, §8, §10), each with a `fix:` note. One list so
 * check-script.ts registers them with one line.
 */
import type { CheckPass } from "./pass.ts";
import { quirksMptcp } from "./quirks-mptcp.ts";
import { quirksNotes } from "./quirks-notes.ts";
import { quirksOptions } from "./quirks-options.ts";
import { quirksPackets } from "./quirks-packets.ts";
import { quirksSource } from "./quirks-source.ts";
import { quirksStrings } from "./quirks-strings.ts";

/** Every quirk pass, in the order they run. */
export const QUIRK_PASSES: readonly CheckPass[] = [quirksSource, quirksOptions, quirksStrings, quirksNotes, quirksPackets, quirksMptcp];
