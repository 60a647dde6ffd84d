import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../core/onnx';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { runEvalBench } from './eval-bench';

ort.env.wasm.numThreads = 1;

describe('runEvalBench on the demo model (tiny)', () => {
  it('scores the batch three ways that agree, and counts block passes as the trie plans them', async () => {
    const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
    const window = tok.encode(readFileSync('public/corpus/sotu.heldout.txt', 'utf8').slice(0, 2000)).slice(0, 16);
    const inspected = await inspectModel(new Uint8Array(readFileSync('public/models/demo/model.onnx')), {
      name: 'model.onnx',
    });
    // Two patterns that keep blocks 0..9 in common: the trie runs those once.
    const patterns = [
      [10, 11, 12, 13],
      [10, 11, 12, 14],
    ];
    const r = await runEvalBench(inspected, [window], patterns, 'wasm');
    const [a, b, c] = r.strategies;
    expect(r.strategies.map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(a!.blockPasses).toBe(24);
    expect(b!.blockPasses).toBe(24);
    // 0..9 once, then 14-15 | 13-15: 10 + 2 + 2.
    expect(c!.blockPasses).toBe(14);
    expect(r.plannedBlockPasses).toEqual({ shared: 14, unshared: 24 });
    expect(r.maxRelDiff.b).toBeLessThan(1e-4);
    expect(r.maxRelDiff.c).toBeLessThan(1e-4);
    expect(c!.ppl).toEqual(b!.ppl);
  });
});
