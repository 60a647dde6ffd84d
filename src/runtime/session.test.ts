import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { softmaxTopK } from '../core/evaluate/top-k';
import { createSession, lastTokenLogits, type SessionHandle } from './session';

ort.env.wasm.numThreads = 1;

describe('lastTokenLogits on the demo model (onnxruntime-web wasm in Node)', () => {
  let handle: SessionHandle;
  const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));

  beforeAll(async () => {
    handle = await createSession(new Uint8Array(readFileSync('public/models/demo/model.onnx')), 'wasm');
  });

  it('predicts a plausible next token: "And God said unto" -> a name or pronoun, not noise', async () => {
    const logits = await lastTokenLogits(handle, tok.encode('And God said unto'));
    expect(logits.length).toBe(4096);
    const top = softmaxTopK(logits, 5);
    const words = top.map((t) => tok.tokenText(t.id).trim());
    // The model was trained on the KJV; its top-5 after this phrase includes Moses or a pronoun.
    expect(words.some((w) => ['Moses', 'him', 'them', 'Abraham', 'Noah', 'Jacob', 'Aaron'].includes(w))).toBe(true);
    expect(top[0]!.prob).toBeGreaterThan(0.05);
  });

  it('continues "The Congress of the United" with "States"', async () => {
    const ids = tok.encode('The Congress of the United');
    const logits = await lastTokenLogits(handle, ids);
    const top = softmaxTopK(logits, 1)[0]!;
    expect(tok.tokenText(top.id).trim()).toBe('States');
  });
});
