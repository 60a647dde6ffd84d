/**
 * The benchmark's calibration windows, built the same way in Node and in the page so both
 * runtimes score the same tokens: one window from the start of every built-in pool excerpt, then
 * `samples` of them spread evenly over all domains.
 */
import { poolWindows, type PoolFile } from '../core/calib/built-in-set';
import { BUILT_IN_DOMAINS } from '../core/calib/corpus';
import type { TextTokenizer } from '../core/tokenize/tokenizer';

export const BENCH_POOL_FILES: readonly { domain: string; file: string }[] = BUILT_IN_DOMAINS.map((domain) => ({
  domain,
  file: `${domain}.pool.txt`,
}));

export function benchWindows(
  files: readonly PoolFile[],
  tokenizer: Pick<TextTokenizer, 'encode'>,
  samples: number,
  seqLen: number,
): number[][] {
  const candidates = poolWindows(files, tokenizer, { seqLen, perDocument: 1 });
  if (candidates.length < samples) {
    throw new RangeError(
      `The built-in pools give ${candidates.length} windows of ${seqLen} tokens; ask for at most that many samples.`,
    );
  }
  return Array.from({ length: samples }, (_, i) => candidates[Math.floor((i * candidates.length) / samples)]!.ids);
}

/** A short digest of the windows, so the Node and browser runs can show they scored the same tokens. */
export function windowsDigest(windows: readonly (readonly number[])[]): string {
  let h = 0x811c9dc5;
  for (const w of windows) {
    for (const id of w) {
      h ^= id;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0xff;
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
