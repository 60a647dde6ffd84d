/**
 * One seeded generator for every random choice in the lab, so a seed replays a run.
 * sfc32 seeded through splitmix32: fast, 128-bit state, good statistical quality; the state can be
 * saved and restored (for resuming a search from its last generation).
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle of a copy. */
  shuffle<T>(items: readonly T[]): T[];
  /** `k` distinct items drawn uniformly without replacement. */
  sample<T>(items: readonly T[], k: number): T[];
  /** The generator's state, to resume later with `createRng(seed, state)`. */
  state(): [number, number, number, number];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export function createRng(seed: number, state?: readonly [number, number, number, number]): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let a: number, b: number, c: number, d: number;
  if (state) {
    [a, b, c, d] = state;
  } else {
    const sm = splitmix32(Math.trunc(seed));
    a = sm();
    b = sm();
    c = sm();
    d = sm();
  }
  const nextU32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  const next = () => nextU32() / 4294967296;
  const int = (n: number) => {
    if (!(n >= 1)) throw new RangeError(`int(n) needs n >= 1, got ${n}`);
    return Math.floor(next() * n);
  };
  const shuffle = <T>(items: readonly T[]): T[] => {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  };
  const sample = <T>(items: readonly T[], k: number): T[] => {
    if (k > items.length) throw new RangeError(`cannot sample ${k} of ${items.length}`);
    return shuffle(items).slice(0, k);
  };
  return { next, int, shuffle, sample, state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0] };
}
