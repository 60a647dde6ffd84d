/**
 * A test double for the model engine: an `Evaluator` whose perplexity is a deterministic
 * function of the removed blocks with pairwise interactions (some pairs hurt less together than
 * apart, some more), so greedy and one-at-a-time heuristics can be wrong and the search has a
 * rugged landscape to climb. Each window adds its own small pattern-dependent noise, so a screen
 * on a few windows ranks patterns close to, but not exactly like, the full set.
 * It records every request, so tests can check what the search asked for.
 */
import { patternKey, type EvalRequest, type EvalResult, type Evaluator } from '../../evaluate/evaluator';
import { createRng } from '../../random/rng';

export interface SyntheticOptions {
  readonly blocks?: number;
  readonly windows?: number;
  readonly seqLen?: number;
  /** Seed of the landscape (not of the search). */
  readonly landscape?: number;
  /** Scale of the pairwise interaction terms. */
  readonly interaction?: number;
  /** Amplitude of the per-window noise in nats. */
  readonly noise?: number;
}

export interface SyntheticEvaluator extends Evaluator {
  /** Every request in arrival order, with the index of the `evaluate` call it came in. */
  readonly requests: { readonly call: number; readonly key: string; readonly windows: number }[];
  calls: number;
  /** The exact full-set NLL of a pattern (for brute-force checks without the evaluator). */
  nllOf(drop: readonly number[], windows?: number): number;
}

function hashUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export function createSyntheticEvaluator(options: SyntheticOptions = {}): SyntheticEvaluator {
  const blocks = options.blocks ?? 16;
  const windows = options.windows ?? 32;
  const seqLen = options.seqLen ?? 64;
  const interaction = options.interaction ?? 0.25;
  const noise = options.noise ?? 0.04;
  const rng = createRng(options.landscape ?? 1);
  // Outer blocks matter more, as in real decoders; the middle is where removals are cheap.
  const unary = Array.from({ length: blocks }, (_, i) => {
    const edge = Math.abs(i - (blocks - 1) / 2) / ((blocks - 1) / 2);
    return 0.05 + 0.35 * edge * edge + 0.3 * rng.next();
  });
  const pair = Array.from({ length: blocks }, () => new Array<number>(blocks).fill(0));
  for (let i = 0; i < blocks; i++) {
    for (let j = i + 1; j < blocks; j++) {
      // Mostly mild, sometimes strong, signed: a rugged but learnable landscape.
      const r = rng.next() * 2 - 1;
      const v = interaction * r * r * r;
      pair[i]![j] = v;
      pair[j]![i] = v;
    }
  }
  const difficulty = Array.from({ length: windows }, () => 1.8 + 0.6 * rng.next());

  const structure = (drop: readonly number[]) => {
    let s = 0;
    for (let a = 0; a < drop.length; a++) {
      s += unary[drop[a]!]!;
      for (let b = a + 1; b < drop.length; b++) s += pair[drop[a]!]![drop[b]!]!;
    }
    return s;
  };
  const nllOf = (drop: readonly number[], m = windows) => {
    const key = patternKey(drop);
    const s = structure(drop);
    let total = 0;
    for (let w = 0; w < m; w++) total += difficulty[w]! + s + noise * (2 * hashUnit(`${key}#${w}`) - 1);
    return total / m;
  };

  const ev: SyntheticEvaluator = {
    blocks,
    windows,
    seqLen,
    requests: [],
    calls: 0,
    nllOf,
    async evaluate(batch: readonly EvalRequest[], opts): Promise<EvalResult[]> {
      opts?.signal?.throwIfAborted();
      const call = ev.calls++;
      return batch.map((r) => {
        const m = Math.min(r.windows ?? windows, windows);
        const key = patternKey(r.drop);
        ev.requests.push({ call, key, windows: m });
        const nll = nllOf(r.drop, m);
        return {
          patternKey: key,
          drop: [...r.drop],
          windows: m,
          tokens: m * (seqLen - 1),
          nll,
          ppl: Math.exp(nll),
          ms: 0,
        };
      });
    },
  };
  return ev;
}
