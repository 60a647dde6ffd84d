/**
 * Memory of a long search: the split evaluator after 50 and after 500 evaluations of distinct
 * patterns, on a tiny calibration set so 500 are quick. Sessions, hidden states and pools are
 * all released per chunk; only the memo (a few hundred bytes per pattern) may grow.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Backend } from '../core/env/backend';
import type { InspectedModel } from '../core/onnx';
import { createRng } from '../core/random/rng';
import { sampleRandomPattern } from '../core/search/operators';
import { createSplitEvaluator } from '../runtime/split-evaluator';
import { createSplitRunner } from '../runtime/split-runner';

export interface MemorySample {
  readonly evaluations: number;
  readonly heapUsedMB: number;
  readonly rssMB: number;
  /** Memory outside the JS heap held by JS objects (ArrayBuffers, onnxruntime-web's wasm memory). */
  readonly externalMB: number;
}

/** A full collection before each reading, so the numbers are what is still reachable. */
function collector(): () => void {
  const g = globalThis as { gc?: () => void };
  if (g.gc) return g.gc;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

export async function measureEvaluatorMemory(
  inspected: InspectedModel,
  window: readonly number[],
  backend: Backend,
  checkpoints: readonly number[] = [50, 500],
  batch = 10,
): Promise<MemorySample[]> {
  const gc = collector();
  const blocks = inspected.blocks.blocks.length;
  const last = checkpoints[checkpoints.length - 1] ?? 0;
  // Distinct patterns with k = 4 (C(16, 4) = 1820 of them on the demo model), in batches as a GA asks.
  const rng = createRng(11);
  const seen = new Set<string>();
  const patterns: number[][] = [];
  while (patterns.length < last) {
    const p = [...sampleRandomPattern(rng, blocks, Math.min(4, blocks - 1))];
    const key = p.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    patterns.push(p);
  }
  const runner = await createSplitRunner(inspected, backend);
  const samples: MemorySample[] = [];
  try {
    const evaluator = createSplitEvaluator(runner, [window]);
    let done = 0;
    for (const at of checkpoints) {
      while (done < at) {
        const next = patterns.slice(done, Math.min(at, done + batch));
        await evaluator.evaluate(next.map((drop) => ({ drop })));
        done += next.length;
      }
      gc();
      const m = process.memoryUsage();
      samples.push({ evaluations: done, heapUsedMB: mb(m.heapUsed), rssMB: mb(m.rss), externalMB: mb(m.external) });
    }
  } finally {
    await runner.release();
  }
  return samples;
}
