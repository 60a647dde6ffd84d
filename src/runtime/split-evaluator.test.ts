import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, type InspectedModel } from '../core/onnx';
import { createRng } from '../core/random/rng';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { openSplitEvaluator, type SplitEvaluator } from './split-evaluator';
import type { SplitRunner } from './split-runner';
import { createWholeModelEvaluator } from './whole-evaluator';

ort.env.wasm.numThreads = 1;

const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
/** Consecutive windows of held-out text: small, so the reference (a session per pattern) stays quick. */
function windowsFrom(file: string, n: number, seq: number): number[][] {
  const ids = tok.encode(readFileSync(file, 'utf8').slice(0, 20_000));
  return Array.from({ length: n }, (_, i) => ids.slice(i * seq, (i + 1) * seq));
}

describe('the split evaluator on the demo model', () => {
  let inspected: InspectedModel;
  let split: SplitEvaluator;
  let runner: SplitRunner;
  const windows = [
    ...windowsFrom('public/corpus/kjv.heldout.txt', 2, 24),
    ...windowsFrom('public/corpus/sotu.heldout.txt', 1, 24),
  ];

  beforeAll(async () => {
    inspected = await inspectModel(new Uint8Array(readFileSync('public/models/demo/model.onnx')), {
      name: 'model.onnx',
    });
    ({ runner, evaluator: split } = await openSplitEvaluator(inspected, windows, 'wasm', { chunk: 2 }));
  });
  afterAll(() => runner.release());

  it('equals the surgically pruned file run whole for 20 random patterns (rel. diff < 1e-4)', async () => {
    const rng = createRng(2026);
    const L = split.blocks;
    const patterns = [
      [] as number[],
      ...Array.from({ length: 19 }, () => rng.sample([...Array(L).keys()], 1 + rng.int(6)).sort((a, b) => a - b)),
    ];
    const whole = createWholeModelEvaluator(inspected, windows, { backend: 'wasm', batch: 2 });
    const fast = await split.evaluate(patterns.map((drop) => ({ drop })));
    const ref = await whole.evaluate(patterns.map((drop) => ({ drop })));
    fast.forEach((r, i) => {
      expect(r.patternKey).toBe(ref[i]!.patternKey);
      expect(r.tokens).toBe(3 * 23);
      expect(Math.abs(r.ppl - ref[i]!.ppl) / ref[i]!.ppl).toBeLessThan(1e-4);
    });
    expect(split.stats.blockPasses).toBeLessThan(whole.blockPasses);
  });

  it('scores a window budget on the first m windows, memoises, and shares prefixes', async () => {
    const before = { ...split.stats };
    const [partial] = await split.evaluate([{ drop: [5, 9], windows: 1 }]);
    const whole = createWholeModelEvaluator(inspected, windows.slice(0, 1), { backend: 'wasm' });
    const [ref] = await whole.evaluate([{ drop: [5, 9] }]);
    expect(partial!.windows).toBe(1);
    expect(partial!.tokens).toBe(23);
    expect(Math.abs(partial!.ppl - ref!.ppl) / ref!.ppl).toBeLessThan(1e-4);
    await split.evaluate([{ drop: [5, 9], windows: 1 }]);
    expect(split.stats.memoHits).toBe(before.memoHits + 1);

    // Four patterns dropping one of blocks 11..14 share blocks 0..10. Their trie has
    // 0..10, then 12-13-14-15 | 11 then (13-14-15 | 12 then (14-15 | 13-15)): 11+4+1+3+1+2+2 = 24
    // block passes for the one chunk, instead of 4 x 15 = 60.
    const passes0 = split.stats.blockPasses;
    await split.evaluate([[11], [12], [13], [14]].map((drop) => ({ drop, windows: 2 })));
    expect(split.stats.blockPasses - passes0).toBe(24);
  });

  it('stops promptly when cancelled and stays usable', async () => {
    const ctrl = new AbortController();
    const batch = Array.from({ length: 12 }, (_, i) => ({ drop: [i, i + 1, i + 2] }));
    const t0 = performance.now();
    const p = split.evaluate(batch, { signal: ctrl.signal });
    setTimeout(() => ctrl.abort(), 30);
    await expect(p).rejects.toThrow(/abort/i);
    expect(performance.now() - t0).toBeLessThan(5000);
    const [ok] = await split.evaluate([{ drop: [0] }]);
    expect(ok!.ppl).toBeGreaterThan(1);
  });
});
