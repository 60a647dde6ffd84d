import type * as OrtTypes from 'onnxruntime-web';
import { createBlockInfluenceAccumulator } from '../core/search/shortgpt';
import { readHidden, type SplitRunner } from './split-runner';
import { yieldToEventLoop } from './yield';

/**
 * CCDS embeddings: for each window, the mean over its tokens of block `block`'s output (the
 * dense model's own view of the text).
 */
export async function embedWindows(
  runner: SplitRunner,
  windows: readonly (readonly number[])[],
  block: number,
  options: { chunk?: number; signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Float32Array[]> {
  if (!(block >= 0 && block < runner.blocks)) throw new RangeError(`block ${block} is not in 0..${runner.blocks - 1}`);
  const chunk = options.chunk ?? 8;
  const out: Float32Array[] = [];
  for (let w = 0; w < windows.length; w += chunk) {
    options.signal?.throwIfAborted();
    const ws = windows.slice(w, w + chunk);
    const { pool, hidden } = await runner.begin(ws);
    let h: OrtTypes.Tensor = hidden;
    try {
      for (let b = 0; b <= block; b++) {
        const next = await runner.block(b, pool, h);
        h.dispose();
        h = next;
      }
      const { data, hidden: size } = await readHidden(h);
      const seq = ws[0]!.length;
      for (let i = 0; i < ws.length; i++) {
        const mean = new Float32Array(size);
        for (let t = 0; t < seq; t++) {
          const base = (i * seq + t) * size;
          for (let d = 0; d < size; d++) mean[d]! += data[base + d]! / seq;
        }
        out.push(mean);
      }
    } finally {
      h.dispose();
      runner.end(pool);
    }
    options.onProgress?.(out.length, windows.length);
    await yieldToEventLoop();
  }
  return out;
}

/**
 * ShortGPT's Block Influence over calibration windows: one dense pass, each block's input and
 * output compared token by token (1 - cosine similarity).
 */
export async function blockInfluence(
  runner: SplitRunner,
  windows: readonly (readonly number[])[],
  options: { chunk?: number; signal?: AbortSignal } = {},
): Promise<number[]> {
  const chunk = options.chunk ?? 8;
  let acc: ReturnType<typeof createBlockInfluenceAccumulator> | undefined;
  for (let w = 0; w < windows.length; w += chunk) {
    options.signal?.throwIfAborted();
    const { pool, hidden } = await runner.begin(windows.slice(w, w + chunk));
    let h: OrtTypes.Tensor = hidden;
    try {
      let input = await readHidden(h);
      acc ??= createBlockInfluenceAccumulator(runner.blocks, input.hidden);
      for (let b = 0; b < runner.blocks; b++) {
        const next = await runner.block(b, pool, h);
        h.dispose();
        h = next;
        const output = await readHidden(h);
        acc.add(b, input.data, output.data);
        input = output;
      }
    } finally {
      h.dispose();
      runner.end(pool);
    }
    await yieldToEventLoop();
  }
  if (!acc) throw new RangeError('Block Influence needs at least one calibration window.');
  return acc.scores();
}
