import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCalibration, loadModelTokenizer, registerCalibMethod } from './calibration';

const MODEL_DIR = 'public/models/demo';
const tmp = mkdtempSync(join(tmpdir(), 'evop-calib-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const textFile = join(tmp, 'kjv.txt');
writeFileSync(textFile, readFileSync('public/corpus/kjv.heldout.txt', 'utf8').slice(0, 6000));
const args = (options: Record<string, string>) => ({ positionals: [], options });

describe('buildCalibration', () => {
  const tok = loadModelTokenizer(`${MODEL_DIR}/model.onnx`);
  const ids = tok.encode(readFileSync(textFile, 'utf8'));

  it('cuts text into the first n consecutive windows of s tokens by default', async () => {
    const c = await buildCalibration(
      args({ calib: textFile, samples: '3', 'seq-len': '40' }),
      MODEL_DIR,
      tok.vocabSize,
    );
    expect(c.windows).toEqual([ids.slice(0, 40), ids.slice(40, 80), ids.slice(80, 120)]);
    expect(c.source).toMatch(/^kjv\.txt: first 3 of \d+ windows of 40 tokens$/);
    expect(c.tokenizer).toBeDefined();
  });

  it('--calib-method random is a seeded draw; registered methods plug in', async () => {
    const a = await buildCalibration(
      args({ calib: textFile, samples: '3', 'seq-len': '40', 'calib-method': 'random', seed: '5' }),
      MODEL_DIR,
    );
    const b = await buildCalibration(
      args({ calib: textFile, samples: '3', 'seq-len': '40', 'calib-method': 'random', seed: '5' }),
      MODEL_DIR,
    );
    expect(a.windows).toEqual(b.windows);
    expect(new Set(a.windows.map((w) => w.join(','))).size).toBe(3);
    registerCalibMethod('last', ({ candidates, samples }) =>
      Array.from({ length: samples }, (_, i) => candidates.length - 1 - i),
    );
    const last = await buildCalibration(
      args({ calib: textFile, samples: '1', 'seq-len': '40', 'calib-method': 'last' }),
      MODEL_DIR,
    );
    const n = Math.floor(ids.length / 40);
    expect(last.windows).toEqual([ids.slice((n - 1) * 40, n * 40)]);
    await expect(buildCalibration(args({ calib: textFile, 'calib-method': 'ccds-typo' }), MODEL_DIR)).rejects.toThrow(
      /--calib-method must be one of first, random, last/,
    );
  });

  it('ids.json: --samples trims, never pads; ids outside the vocabulary are refused', async () => {
    const file = join(tmp, 'ids.json');
    writeFileSync(
      file,
      JSON.stringify([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
    );
    expect((await buildCalibration(args({ 'calib-ids': file, samples: '2' }), MODEL_DIR)).windows).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await expect(buildCalibration(args({ 'calib-ids': file, samples: '4' }), MODEL_DIR)).rejects.toThrow(
      /has 3 rows but --samples 4/,
    );
    await expect(buildCalibration(args({ 'calib-ids': file, 'seq-len': '4' }), MODEL_DIR)).rejects.toThrow(
      /rows have 3 ids, but 4 were asked for/,
    );
    await expect(buildCalibration(args({ 'calib-ids': file }), MODEL_DIR, 8)).rejects.toThrow(
      /token id 8 is outside the model's vocabulary of 8/,
    );
  });

  it('bad numbers and both sources at once are bad-args', async () => {
    await expect(buildCalibration(args({ calib: textFile, 'calib-ids': textFile }), MODEL_DIR)).rejects.toMatchObject({
      code: 'bad-args',
    });
    await expect(buildCalibration(args({ calib: textFile, 'seq-len': '1' }), MODEL_DIR)).rejects.toThrow(
      /--seq-len must be an integer >= 2/,
    );
  });
});
