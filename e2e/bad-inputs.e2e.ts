/**
 * A corpus of bad drops, each with the exact message the lab shows and the state it stays in:
 * the demo stays loaded and usable. The files are generated here, at test start, by the same
 * generators the core's Node tests use (nothing large is committed).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRng } from '../src/core/random/rng';
import { externalize } from '../src/core/onnx/__tests__/external';
import { buildCnn, buildEncoder, pngBytes } from '../src/core/onnx/__tests__/gen-bad';
import { toFloat16Weights } from '../src/core/onnx/__tests__/gen-fp16';
import { buildGpt2 } from '../src/core/onnx/__tests__/gen-gpt2';
import { openSession, type Session } from './browser';
import type { Page } from 'playwright-core';

const ARTIFACTS = 'e2e/artifacts';
mkdirSync(ARTIFACTS, { recursive: true });
const DEMO = 'public/models/demo';
const demoOnnx = new Uint8Array(readFileSync(`${DEMO}/model.onnx`));
const tokenizerJson = readFileSync(`${DEMO}/tokenizer.json`);

const EXPORT_HINT = 'Export the model to ONNX (for example with `optimum-cli export onnx`) and drop the .onnx file.';
const NOT_DECODER =
  'This lab removes whole blocks from decoder-only language models (Llama, Qwen2, Mistral, Phi-3, GPT-2 exports); it cannot prune this model.';
const KEPT = ' The previous model is still loaded.';
const MARKUP_NAME = '<img src=x onerror="window.__pwned=1">.onnx';

interface Payload {
  name: string;
  bytes: Uint8Array;
}
const file = (name: string, bytes: Uint8Array | Buffer): Payload => ({ name, bytes: new Uint8Array(bytes) });
const tokenizer = () => file('tokenizer.json', tokenizerJson);

interface Case {
  what: string;
  files: Payload[];
  code: string;
  message: string;
}

const rng = createRng(42);
const ext = externalize(buildGpt2([1, 2]));
const CASES: Case[] = [
  {
    what: 'an empty file',
    files: [file('model.onnx', new Uint8Array(0)), tokenizer()],
    code: 'bad-model/not-onnx',
    message: 'model.onnx is empty (0 bytes). Download or export the model again and drop the .onnx file.',
  },
  {
    what: 'random bytes',
    files: [
      file(
        'noise.onnx',
        Uint8Array.from({ length: 4096 }, () => rng.int(256)),
      ),
      tokenizer(),
    ],
    code: 'bad-model/not-onnx',
    message: `noise.onnx is not an ONNX model (its bytes are not an ONNX ModelProto). ${EXPORT_HINT}`,
  },
  {
    what: 'a truncated download (half of the demo)',
    files: [file('half.onnx', demoOnnx.subarray(0, Math.floor(demoOnnx.length / 2))), tokenizer()],
    code: 'bad-model/truncated',
    message:
      'half.onnx is cut short: it ends after 8624551 bytes, in the middle of the model (which needs at least 17249099 bytes). ' +
      'The download or copy did not finish; get the file again and check its size.',
  },
  {
    what: 'a PNG renamed .onnx',
    files: [file('cat.onnx', pngBytes()), tokenizer()],
    code: 'bad-model/not-onnx',
    message: `cat.onnx is a PNG image, not an ONNX model. ${EXPORT_HINT}`,
  },
  {
    what: 'a CNN (valid ONNX, no decoder blocks)',
    files: [file('resnet.onnx', buildCnn()), tokenizer()],
    code: 'bad-model/no-blocks',
    message: `resnet.onnx: no transformer decoder blocks found (no residual stream: no Add or SkipLayerNormalization adds a layer back onto its input). ${NOT_DECODER}`,
  },
  {
    what: 'an encoder-only model',
    files: [file('bert.onnx', buildEncoder()), tokenizer()],
    code: 'bad-model/encoder-only',
    message:
      'bert.onnx is an encoder-only model (BERT-style: bidirectional attention, no next-token prediction), so perplexity and block ' +
      'pruning for generation do not apply. Drop a decoder-only language model (Llama, Qwen2, Mistral, Phi-3, GPT-2...).',
  },
  {
    what: 'an external-data model whose .onnx_data_1 was not dropped',
    files: [file('model.onnx', ext.onnx), file('model.onnx_data', ext.files.get('model.onnx_data')!), tokenizer()],
    code: 'bad-model/missing-external-data',
    message:
      'model.onnx keeps its weights in "model.onnx_data_1", which was not provided. ' +
      'Select model.onnx together with "model.onnx_data_1" (all files of the export, from the same folder).',
  },
  {
    what: 'external data of the wrong size',
    files: [
      file('model.onnx', ext.onnx),
      file('model.onnx_data', ext.files.get('model.onnx_data')!),
      file('model.onnx_data_1', ext.files.get('model.onnx_data_1')!.subarray(0, 1000)),
      tokenizer(),
    ],
    code: 'bad-model/external-data-size',
    message:
      'model.onnx_data_1 is 1000 bytes, but model.onnx expects tensor "transformer.h.0.attn.c_attn.weight" at bytes 768..13056. ' +
      'The file is incomplete or belongs to a different export: download model.onnx_data_1 again, from the same export as model.onnx.',
  },
  {
    what: 'a model without tokenizer.json',
    files: [file('model.onnx', demoOnnx)],
    code: 'bad-tokenizer',
    message:
      'This model needs its tokenizer.json: drop it together with the .onnx file (your current model stays loaded).',
  },
  {
    what: 'a tokenizer.json cut short',
    files: [file('model.onnx', demoOnnx), file('tokenizer.json', new TextEncoder().encode('{"model": '))],
    code: 'bad-tokenizer',
    message:
      'tokenizer.json is not valid JSON (Unexpected end of JSON input). Drop the tokenizer.json that came with the model.',
  },
  {
    what: 'a config.json cut short',
    files: [
      file('model.onnx', demoOnnx),
      tokenizer(),
      file('config.json', new TextEncoder().encode('{"num_hidden_layers": ')),
    ],
    code: 'bad-input',
    message:
      'config.json is not valid JSON (Unexpected end of JSON input). Drop the config.json that came with the model, or leave it out.',
  },
  {
    what: 'two .onnx files at once',
    files: [file('a.onnx', demoOnnx), file('b.onnx', pngBytes()), tokenizer()],
    code: 'bad-input',
    message: 'Drop one .onnx at a time; you dropped 2: a.onnx, b.onnx.',
  },
  {
    what: 'no .onnx at all',
    files: [tokenizer()],
    code: 'bad-input',
    message: 'Drop one .onnx model file (with its tokenizer.json and any .onnx_data files).',
  },
  {
    what: 'a file name with markup in it',
    files: [file(MARKUP_NAME, pngBytes()), tokenizer()],
    code: 'bad-model/not-onnx',
    message: `${MARKUP_NAME} is a PNG image, not an ONNX model. ${EXPORT_HINT}`,
  },
];

const TOO_LARGE =
  'huge.onnx and the files with it come to 2.50 GiB, more than the 2.00 GiB a browser tab can hold (onnxruntime-web runs in 32-bit ' +
  'WebAssembly memory, 4 GiB in all, and needs room to compute), so it was not read. ' +
  'Search and prune it on the command line instead, which has no such limit: npm run evop -- search huge.onnx ' +
  '--drop-count 4 --method evo --calib <text file>, then npm run evop -- prune huge.onnx --drop <blocks> --out pruned/.';
const FP16_NOTICE =
  'This model stores float16 weights and this GPU adapter has no shader-f16: running on wasm (CPU) instead.';

let session: Session;
let page: Page;
beforeAll(async () => {
  session = await openSession(inject('baseURL'));
  page = session.page;
  await page.goto('/');
  await page.getByTestId('backend-choice').waitFor();
  await page.getByLabel('Backend').selectOption('wasm');
  await page.getByRole('button', { name: 'Load demo model' }).click();
  await page.locator('[data-testid=model-ready][data-blocks="16"]').waitFor({ timeout: 180_000 });
});
afterAll(async () => {
  await session?.close();
});

/** What the lab shows after a failed load, once it is no longer loading. */
async function failure(expected: string) {
  const error = page.getByTestId('load-error');
  await expect
    .poll(() => error.textContent(), { timeout: 60_000 })
    .toBe(`Could not load the model: ${expected}${KEPT}`);
  const ready = page.getByTestId('model-ready');
  // The worker's code, and the ONNX check's finer reason where there is one.
  const reason = await error.getAttribute('data-reason');
  return {
    code: `${await error.getAttribute('data-code')}${reason ? `/${reason}` : ''}`,
    model: [await ready.getAttribute('data-name'), await ready.getAttribute('data-blocks')],
  };
}

async function topPrediction(prompt: string) {
  await page.getByRole('textbox', { name: 'Prompt', exact: true }).fill(prompt);
  await page.getByRole('button', { name: 'Predict next token' }).click();
  const table = page.locator(`[data-testid=prediction][data-prompt="${prompt}"]`);
  await table.waitFor({ timeout: 180_000 });
  const row = table.locator('tbody tr').first();
  return { id: await row.getAttribute('data-token-id'), prob: Number(await row.getAttribute('data-prob')) };
}

describe('a corpus of bad inputs: exact messages, and the demo stays loaded and usable', () => {
  it.each(CASES)('$what', async ({ files, code, message }) => {
    await page
      .getByTestId('model-files')
      .setInputFiles(
        files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.bytes) })),
      );
    expect(await failure(message)).toEqual({ code, model: ['model.onnx', '16'] });
  });

  it('file names are shown as text, never as markup', async () => {
    // The last case above dropped a file named like an <img> tag with an onerror handler.
    const error = page.getByTestId('load-error');
    expect(await error.textContent()).toContain(MARKUP_NAME);
    expect(await error.innerHTML()).toContain('&lt;img src=x onerror="window.__pwned=1"&gt;.onnx');
    expect(await page.locator('img[src=x]').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.screenshot({ path: `${ARTIFACTS}/bad-input-markup.png`, fullPage: true });
  });

  it('a model too large for the browser is refused from its size, before it is read', async () => {
    // 2.5 GiB as 40 references to one 64 MiB Blob: Chromium keeps parts by reference, so this costs 64 MiB.
    const size = await page.evaluate(async (tok) => {
      const part = new Blob([new Uint8Array(64 * 2 ** 20)]);
      const huge = new File(Array<Blob>(40).fill(part), 'huge.onnx');
      const dt = new DataTransfer();
      dt.items.add(huge);
      dt.items.add(new File([tok], 'tokenizer.json'));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, cancelable: true }));
      return huge.size;
    }, tokenizerJson.toString('utf8'));
    expect(size).toBe(2.5 * 2 ** 30);
    expect(await failure(TOO_LARGE)).toEqual({ code: 'too-large', model: ['model.onnx', '16'] });
    await page.screenshot({ path: `${ARTIFACTS}/bad-input-too-large.png`, fullPage: true });
  });

  it('bad calibration text files the calibration e2e does not cover say exactly what is wrong, as text', async () => {
    const cal = page.getByRole('region', { name: 'Calibration' });
    await cal.getByTestId('cal-source').selectOption('user');
    const SCRIPT_NAME = '<script>window.__pwned=2</script>.txt';
    const KEPT = ' The previous calibration set is still in use.';
    const cases = [
      {
        name: 'data.txt',
        bytes: Uint8Array.of(0x68, 0x69, 0, 0, 0x21),
        message: 'data.txt looks binary (it contains NUL bytes). Use a plain-text UTF-8 file.',
      },
      {
        name: 'reviews.csv',
        bytes: new TextEncoder().encode('id,body\n1,"Call me Ishmael."\n'),
        message: 'reviews.csv: no column named "text". Choose the column that holds the text: "id", "body".',
      },
      {
        name: SCRIPT_NAME,
        bytes: new Uint8Array(0),
        message: `${SCRIPT_NAME} is empty. Paste some text or drop a file with text in it.`,
      },
    ];
    for (const c of cases) {
      await cal
        .getByTestId('user-text-file')
        .setInputFiles({ name: c.name, mimeType: 'text/plain', buffer: Buffer.from(c.bytes) });
      await cal.getByRole('button', { name: 'Build calibration set' }).click();
      // When a set was ready before, it stays in use and the message says so.
      await expect
        .poll(
          async () =>
            (await cal.getByRole('alert').textContent()) ===
            c.message + ((await cal.getByTestId('calibration-ready').count()) ? KEPT : ''),
          { timeout: 60_000 },
        )
        .toBe(true);
    }
    expect(await page.locator('script:not([src])').evaluateAll((s) => s.map((e) => e.textContent))).not.toContain(
      'window.__pwned=2',
    );
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.getByTestId('model-ready').getAttribute('data-blocks')).toBe('16');
    // Back to the built-in pool for the model loaded next.
    await cal.getByTestId('cal-source').selectOption('builtin');
  });

  it('after all that the demo still predicts, and a float16 model chosen for WebGPU without shader-f16 runs on wasm', async () => {
    const demo = await topPrediction('The Congress of the United');
    expect(demo.prob).toBeGreaterThan(0);

    // SwiftShader (headless Chromium's WebGPU) has no shader-f16: the preflight says so.
    await page.getByLabel('Backend').selectOption('webgpu');
    expect(await page.getByTestId('backend-choice').textContent()).toMatch(/WebGPU/);
    const f16 = await page.evaluate(async () => (await navigator.gpu.requestAdapter())?.features.has('shader-f16'));
    expect(f16).toBe(false);

    const fp16 = toFloat16Weights(demoOnnx);
    await page.getByTestId('model-files').setInputFiles([
      { name: 'model_fp16.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(fp16) },
      { name: 'tokenizer.json', mimeType: 'application/json', buffer: tokenizerJson },
    ]);
    const ready = page.locator('[data-testid=model-ready][data-name="model_fp16.onnx"]');
    await ready.waitFor({ timeout: 180_000 });
    expect(await ready.getAttribute('data-backend')).toBe('wasm');
    expect(await ready.getAttribute('data-blocks')).toBe('16');
    expect(await page.getByTestId('backend-notice').textContent()).toBe(FP16_NOTICE);
    expect(await page.getByTestId('load-error').count()).toBe(0);
    // The same model with its weights rounded to float16: the same next token, nearly the same probability.
    const half = await topPrediction('The Congress of the United');
    expect(half.id).toBe(demo.id);
    expect(Math.abs(half.prob - demo.prob)).toBeLessThan(0.02);
    await page.screenshot({ path: `${ARTIFACTS}/bad-input-fp16.png`, fullPage: true });
    expect(session.errors).toEqual([]);
  });
});
