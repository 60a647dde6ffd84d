/**
 * A cheap text embedding: a hashed, square-rooted bag of token ids, L2-normalised.
 *
 * CCDS proper embeds windows with the model's own hidden states (mean over tokens of a middle
 * block's output). This is the fallback when no hidden states are available (no model loaded
 * yet, an engine that cannot expose block outputs, a quick preview): it needs only the token ids,
 * so it also serves as the model-free embedding in the unit tests.
 *
 * Why these choices: hashing keeps the width fixed whatever the vocabulary; the square root
 * (a Hellinger-style transform) stops a few very frequent tokens (spaces, "the", punctuation)
 * from dominating the distances; a random sign per token keeps hash collisions from adding up
 * with a bias; unit length makes k-means on it behave like clustering by cosine similarity.
 */

/** Default width: enough to keep collisions rare for a few thousand token types. */
export const DEFAULT_HISTOGRAM_DIMS = 256;

function mix(id: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function tokenHistogramEmbedding(ids: readonly number[], dims = DEFAULT_HISTOGRAM_DIMS): Float32Array {
  if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims must be a positive integer, got ${dims}`);
  const counts = new Map<number, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  const acc = new Float64Array(dims);
  for (const [id, count] of counts) {
    const h = mix(id);
    const sign = h & 0x80000000 ? -1 : 1;
    const slot = h % dims;
    acc[slot] = (acc[slot] as number) + sign * Math.sqrt(count);
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += (acc[i] as number) ** 2;
  norm = Math.sqrt(norm);
  const out = new Float32Array(dims);
  if (norm > 0) for (let i = 0; i < dims; i++) out[i] = (acc[i] as number) / norm;
  return out;
}
