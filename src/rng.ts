/**
 * The injected, seeded random generator for ISNs, MPTCP keys, nonces and ports (house-style rule 4;
 * RFC 9293 §3.4.1 ISN selection, RFC 8684 §3.1 keys, §3.2 random numbers). A leaf every layer may
 * import: the reference stack draws its ISNs, keys and nonces from one, and the interpreter the
 * values a script leaves to the runner (its own MPTCP key, MP_JOIN randoms).
 *
 * sfc32 ("small fast counting"), seeded through splitmix32: deterministic across runs and
 * platforms, so the same seed produces the same bytes on the wire. Not cryptographic, which is
 * fine for a test tool. {@link deriveSeed} turns a run's seed and a job's identity into the seed of
 * one of that job's generators, so a job draws the same values whatever ran before it (`-j`).
 */

/** A deterministic random source. */
export interface Rng {
  /** A uniformly distributed u32. */
  nextU32(): number;
  /** A uniformly distributed u64 as a bigint. */
  nextU64(): bigint;
  /** An integer in `[lo, hi)` (`hi - lo` at most 2^32). */
  nextRange(lo: number, hi: number): number;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The sfc32 generator seeded from a 32-bit seed. */
export class SeededRng implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  /** Seeds the generator; equal seeds give equal sequences. */
  constructor(seed: number) {
    const st = { s: seed | 0 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  nextU64(): bigint {
    const hi = BigInt(this.nextU32());
    return (hi << 32n) | BigInt(this.nextU32());
  }

  nextRange(lo: number, hi: number): number {
    return lo + Math.floor((this.nextU32() / 0x1_0000_0000) * (hi - lo));
  }
}

/** A generator that replays fixed values (tests that want exact ISNs or keys), then falls back to a seeded one. */
export class ScriptedRng implements Rng {
  private readonly fallback: SeededRng;

  /** `u32s` and `u64s` are consumed in order by `nextU32`/`nextU64`. */
  constructor(private readonly u32s: number[], private readonly u64s: bigint[] = [], seed = 1) {
    this.fallback = new SeededRng(seed);
  }

  nextU32(): number {
    return this.u32s.shift() ?? this.fallback.nextU32();
  }

  nextU64(): bigint {
    return this.u64s.shift() ?? this.fallback.nextU64();
  }

  nextRange(lo: number, hi: number): number {
    return this.fallback.nextRange(lo, hi);
  }
}

/** The largest seed `--seed` takes (seeds are u32). */
export const MAX_SEED = 0xffff_ffff;

/**
 * The seed of one generator of one job: `runSeed` mixed with the FNV-1a hash of `labels` (e.g.
 * the script's file name, its variant and which generator), through splitmix32. Pure: equal
 * inputs give equal seeds on every platform; changing any input changes the seed.
 */
export function deriveSeed(runSeed: number, ...labels: readonly string[]): number {
  let h = 0x811c9dc5;
  for (const label of labels) {
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0xff, 0x01000193); // a separator, so ("ab", "c") and ("a", "bc") differ
  }
  return splitmix32({ s: (runSeed ^ h) | 0 });
}
