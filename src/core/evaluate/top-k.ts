export interface TokenProb {
  readonly id: number;
  readonly logit: number;
  /** Softmax probability over the whole row. */
  readonly prob: number;
}

/**
 * The `k` most likely tokens of one row of logits, with probabilities from a numerically stable
 * softmax over the full row (max subtracted, sums in float64). Ties keep the lower id first so the
 * answer is deterministic across backends.
 */
export function softmaxTopK(row: ArrayLike<number>, k: number): TokenProb[] {
  const n = row.length;
  if (n === 0) throw new RangeError('softmaxTopK needs a non-empty row of logits');
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, row[i] as number);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp((row[i] as number) - max);
  const best: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = row[i] as number;
    if (best.length === k && v <= (row[best[k - 1] as number] as number)) continue;
    let j = best.length;
    while (j > 0 && (row[best[j - 1] as number] as number) < v) j--;
    best.splice(j, 0, i);
    if (best.length > k) best.pop();
  }
  return best.map((id) => {
    const logit = row[id] as number;
    return { id, logit, prob: Math.exp(logit - max) / sum };
  });
}
