import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadProgress } from './evaluate-api';
import { createModelApi } from './model-api';

ort.env.wasm.numThreads = 1;

// The worker API fetches by URL as it does in the browser; a loopback static server stands in for vite.
let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    const file = join('public', decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const demo = () => ({
  modelUrl: `${base}/models/demo/model.onnx`,
  tokenizerUrl: `${base}/models/demo/tokenizer.json`,
  tokenizerConfigUrl: `${base}/models/demo/tokenizer_config.json`,
});

describe('the evaluate worker API (run in Node without comlink)', () => {
  it('loads the demo model with download progress, then predicts the next token', async () => {
    const api = createModelApi();
    const events: LoadProgress[] = [];
    const loaded = await api.loadModel(demo(), 'wasm', (p) => events.push(p));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.value.bytes).toBe(statSync('public/models/demo/model.onnx').size);
    expect(loaded.value.inputs).toContain('past_key_values.15.value');

    const downloads = events.filter((e) => e.type === 'download');
    expect(downloads.length).toBeGreaterThan(1);
    const last = downloads[downloads.length - 1]!;
    expect(last.type === 'download' && last.loaded === last.total).toBe(true);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['session', 'ready']);

    const pred = await api.predictNext('The Congress of the United', 5);
    expect(pred.ok).toBe(true);
    if (!pred.ok) return;
    expect(pred.value.top).toHaveLength(5);
    expect(pred.value.top[0]!.text.trim()).toBe('States');
    const probs = pred.value.top.map((t) => t.prob);
    expect([...probs].sort((a, b) => b - a)).toEqual(probs);
  });

  it('answers with typed errors a user can act on', async () => {
    const api = createModelApi();
    const notLoaded = await api.predictNext('hello');
    expect(notLoaded).toEqual({ ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } });

    const missing = await api.loadModel({ ...demo(), modelUrl: `${base}/models/demo/nope.onnx` }, 'wasm', () => {});
    expect(missing).toEqual({
      ok: false,
      error: { code: 'download-failed', message: expect.stringMatching(/HTTP 404/) },
    });

    const badTok = await api.loadModel(
      { ...demo(), tokenizerUrl: `${base}/models/demo/config.json` },
      'wasm',
      () => {},
    );
    expect(badTok.ok || badTok.error.code).toBe('bad-tokenizer');

    const notOnnx = await api.loadModel({ ...demo(), modelUrl: `${base}/models/demo/config.json` }, 'wasm', () => {});
    expect(notOnnx.ok || notOnnx.error.code).toBe('bad-model');
  });
});
