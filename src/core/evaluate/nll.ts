/**
 * Perplexity as the lab defines it: exp(mean NLL) over every predicted token (positions 1..s-1 of
 * each window). Partial sums are kept as (nll sum, token count) so windows scored in separate
 * chunks combine exactly.
 */
export interface NllSum {
  readonly sum: number;
  readonly count: number;
}

export const EMPTY_NLL: NllSum = { sum: 0, count: 0 };

export function addNll(a: NllSum, b: NllSum): NllSum {
  return { sum: a.sum + b.sum, count: a.count + b.count };
}

export function perplexity(n: NllSum): { nll: number; ppl: number } {
  if (n.count === 0) throw new RangeError('no tokens were scored');
  const nll = n.sum / n.count;
  return { nll, ppl: Math.exp(nll) };
}

/**
 * NLL of `ids` under `logits` ([batch, seq, vocab], row-major): position t predicts ids[t + 1].
 * Log-softmax in float64 with the max subtracted. This is the independent, outside-the-graph
 * computation the in-graph loss is checked against.
 */
export function nllFromLogits(logits: Float32Array, ids: readonly (readonly number[])[], vocab: number): NllSum {
  let sum = 0;
  let count = 0;
  let row = 0;
  for (const window of ids) {
    const seq = window.length;
    for (let t = 0; t < seq; t++, row++) {
      if (t === seq - 1) continue;
      const base = row * vocab;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) max = Math.max(max, logits[base + v] as number);
      let z = 0;
      for (let v = 0; v < vocab; v++) z += Math.exp((logits[base + v] as number) - max);
      const target = window[t + 1] as number;
      sum += max + Math.log(z) - (logits[base + target] as number);
      count++;
    }
  }
  if (row * vocab !== logits.length) {
    throw new RangeError(`logits hold ${logits.length / vocab} rows, the windows ${row}`);
  }
  return { sum, count };
}
