import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { softmaxTopK } from '../core/evaluate/top-k';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { generateGreedy } from './generate';
import { createSession, lastTokenLogits } from './session';

ort.env.wasm.numThreads = 1;

describe('generateGreedy', () => {
  it('with the KV cache produces exactly the greedy tokens of full passes', async () => {
    const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
    const handle = await createSession(new Uint8Array(readFileSync('public/models/demo/model.onnx')), 'wasm');
    const prompt = tok.encode('The Congress of the United States');
    const g = await generateGreedy(handle, prompt, 8);
    expect(g.usedCache).toBe(true);
    expect(g.ids).toHaveLength(8);
    // Independent: argmax of a full forward pass over the growing sequence, token by token.
    const ids = [...prompt];
    for (let i = 0; i < 8; i++) ids.push(softmaxTopK(await lastTokenLogits(handle, ids), 1)[0]!.id);
    expect(g.ids).toEqual(ids.slice(prompt.length));
    expect(g.tokensPerSecond).toBeGreaterThan(0);
  });
});
