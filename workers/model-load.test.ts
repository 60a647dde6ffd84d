import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { toFloat16Weights } from '../src/core/onnx/__tests__/gen-fp16';
import type { LoadProgress } from './evaluate-api';
import { createModelApi } from './model-api';

ort.env.wasm.numThreads = 1;

const DEMO = 'public/models/demo';
const file = (bytes: Uint8Array, name: string) => new File([bytes as BlobPart], name);
const tokenizer = () => file(readFileSync(`${DEMO}/tokenizer.json`), 'tokenizer.json');
const PROMPT = 'The Congress of the United';

describe('loading dropped files in the worker API (Node, no comlink)', () => {
  it('runs a float16 model on wasm when WebGPU was chosen on an adapter without shader-f16, and says so', async () => {
    const fp32 = createModelApi();
    expect(
      (
        await fp32.loadModelFiles(
          [file(readFileSync(`${DEMO}/model.onnx`), 'model.onnx'), tokenizer()],
          'wasm',
          () => {},
        )
      ).ok,
    ).toBe(true);
    const reference = await fp32.predictNext(PROMPT, 5);

    const api = createModelApi();
    const events: LoadProgress[] = [];
    const fp16 = file(toFloat16Weights(new Uint8Array(readFileSync(`${DEMO}/model.onnx`))), 'model_fp16.onnx');
    const loaded = await api.loadModelFiles([fp16, tokenizer()], 'webgpu', (p) => events.push(p), { shaderF16: false });
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect(loaded.value.backend).toBe('wasm');
    expect(loaded.value.backendNotice).toBe(
      'This model stores float16 weights and this GPU adapter has no shader-f16: running on wasm (CPU) instead.',
    );
    expect(events.filter((e) => e.type !== 'download')).toEqual([
      { type: 'session', backend: 'wasm' },
      { type: 'ready', backend: 'wasm', ms: expect.any(Number) },
    ]);
    const pred = await api.predictNext(PROMPT, 5);
    if (!pred.ok || !reference.ok) throw new Error('prediction failed');
    expect(pred.value.backend).toBe('wasm');
    // The same model up to float16 rounding of its weights.
    expect(pred.value.top[0]!.id).toBe(reference.value.top[0]!.id);
    expect(Math.abs(pred.value.top[0]!.prob - reference.value.top[0]!.prob)).toBeLessThan(0.02);
    expect(pred.value.top[0]!.prob).not.toBe(reference.value.top[0]!.prob);
  });

  it('keeps the chosen backend for a float32 model, and says nothing', async () => {
    const api = createModelApi();
    const loaded = await api.loadModelFiles(
      [file(readFileSync('test-fixtures/llama-tiny.onnx'), 'llama-tiny.onnx'), tokenizer()],
      'wasm',
      () => {},
      { shaderF16: false },
    );
    if (!loaded.ok) throw new Error(loaded.error.message);
    expect([loaded.value.backend, loaded.value.backendNotice]).toEqual(['wasm', null]);
  });

  it('malformed tokenizer.json or config.json says which file, and the loaded model stays', async () => {
    const api = createModelApi();
    const model = () => file(readFileSync(`${DEMO}/model.onnx`), 'model.onnx');
    expect((await api.loadModelFiles([model(), tokenizer()], 'wasm', () => {})).ok).toBe(true);
    const cut = new TextEncoder().encode('{"model": ');
    expect(await api.loadModelFiles([model(), file(cut, 'tokenizer.json')], 'wasm', () => {})).toEqual({
      ok: false,
      error: {
        code: 'bad-tokenizer',
        message:
          'tokenizer.json is not valid JSON (Unexpected end of JSON input). Drop the tokenizer.json that came with the model.',
      },
    });
    expect(await api.loadModelFiles([model(), tokenizer(), file(cut, 'config.json')], 'wasm', () => {})).toEqual({
      ok: false,
      error: {
        code: 'bad-input',
        message:
          'config.json is not valid JSON (Unexpected end of JSON input). Drop the config.json that came with the model, or leave it out.',
      },
    });
    const pred = await api.predictNext(PROMPT, 1);
    expect(pred.ok && pred.value.top[0]!.text.trim()).toBe('States');
  });

  it('refuses files too large for a browser tab from their sizes, before reading them', async () => {
    // 2.5 GiB from 40 references to one 64 MiB blob: the parts are shared, not copied.
    const part = new Blob([new Uint8Array(64 * 2 ** 20)]);
    const huge = new File(Array<Blob>(40).fill(part), 'huge.onnx');
    const api = createModelApi();
    const events: LoadProgress[] = [];
    const res = await api.loadModelFiles([huge, tokenizer()], 'wasm', (p) => events.push(p));
    expect(res.ok ? null : res.error.code).toBe('too-large');
    expect(res.ok ? '' : res.error.message).toMatch(
      /^huge\.onnx and the files with it come to 2\.50 GiB, more than the 2\.00 GiB/,
    );
    expect(events).toEqual([]);
  });
});
