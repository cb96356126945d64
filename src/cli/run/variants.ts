/**
 * Variant selection: which `--ip_version` variants a script runs as. The rule is run_all.py's, by
 * file name (pkt-language.md §1.6, corpus/baseline/README.md): a script whose name ends in `v4.pkt`
 * runs as ipv4 and ipv4-mapped-ipv6 only, one ending in `v6.pkt` as ipv6 only, any other as all
 * three. `--ip-version` then narrows that set; it never adds a variant the file name excludes.
 */
import { VARIANTS, type Variant } from "../../interp/events.ts";

/** The variants run_all.py runs `file` as, in run order. */
export function variantsForFile(file: string): readonly Variant[] {
  if (file.endsWith("v4.pkt")) return ["ipv4", "ipv4-mapped-ipv6"];
  if (file.endsWith("v6.pkt")) return ["ipv6"];
  return VARIANTS;
}

/** The variants of `file` that are in `selection` (from `--ip-version`), in run order. */
export function selectVariants(file: string, selection: readonly Variant[]): readonly Variant[] {
  return variantsForFile(file).filter((v) => selection.includes(v));
}

/** Parses an `--ip-version` value: `all`, one variant, or a comma list. Null when invalid. */
export function parseVariantSelection(text: string): readonly Variant[] | null {
  if (text === "all") return VARIANTS;
  const parts = text.split(",").map((p) => p.trim());
  if (parts.some((p) => !VARIANTS.includes(p as Variant))) return null;
  return VARIANTS.filter((v) => parts.includes(v));
}
