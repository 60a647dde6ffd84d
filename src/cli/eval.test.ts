/**
 * `evop eval`, spawned as a user runs it, checked against the whole-model reference evaluator
 * (the surgically pruned file in a fresh session) computed here in-process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, type InspectedModel } from '../core/onnx';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { createWholeModelEvaluator } from '../runtime/whole-evaluator';

ort.env.wasm.numThreads = 1;

interface Run {
  code: number;
  json: Record<string, any>;
}

function evop(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile('npx', ['tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8' }, (err, stdout) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, json: JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, any> });
    });
  });
}

const MODEL = 'public/models/demo/model.onnx';
const tmp = mkdtempSync(join(tmpdir(), 'evop-eval-'));
const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
// Real text, so the perplexity is a meaningful number rather than that of random ids.
const text = readFileSync('public/corpus/austen.heldout.txt', 'utf8').slice(0, 3000);
const ids = tok.encode(text);
const windows = [ids.slice(0, 32), ids.slice(32, 64)];
const idsFile = join(tmp, 'ids.json');
const textFile = join(tmp, 'calib.txt');
writeFileSync(idsFile, JSON.stringify(windows));
writeFileSync(textFile, text);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rel = (a: number, b: number) => Math.abs(a - b) / b;

describe('evop eval on the demo model', () => {
  let inspected: InspectedModel;
  beforeAll(async () => {
    inspected = await inspectModel(new Uint8Array(readFileSync(MODEL)), { name: 'model.onnx' });
  });

  it('--calib-ids: the perplexity of the pruned file run whole (rel. diff < 1e-4)', async () => {
    const [r, [ref]] = await Promise.all([
      evop(['eval', MODEL, '--drop', '4,7', '--calib-ids', idsFile, '--json']),
      createWholeModelEvaluator(inspected, windows, { backend: 'wasm' }).evaluate([{ drop: [4, 7] }]),
    ]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ command: 'eval', drop: [4, 7], tokens: 62, windows: 2, seqLen: 32 });
    expect(r.json.backend).toMatch(/onnxruntime/);
    expect(typeof r.json.ms).toBe('number');
    expect(rel(r.json.ppl, ref!.ppl)).toBeLessThan(1e-4);
    expect(rel(r.json.nll, ref!.nll)).toBeLessThan(1e-4);
  });

  it('--calib text is tokenized with tokenizer.json into the same windows (wasm runtime)', async () => {
    const [fromText, [ref]] = await Promise.all([
      evop([
        'eval',
        'public/models/demo',
        '--calib',
        textFile,
        '--samples',
        '2',
        '--seq-len',
        '32',
        '--runtime',
        'wasm',
        '--json',
      ]),
      createWholeModelEvaluator(inspected, windows, { backend: 'wasm' }).evaluate([{ drop: [] }]),
    ]);
    expect(fromText.code).toBe(0);
    expect(fromText.json).toMatchObject({ drop: [], tokens: 62, backend: 'wasm (onnxruntime-web)' });
    expect(fromText.json.calibration).toMatch(/first 2 of \d+ windows of 32 tokens/);
    expect(rel(fromText.json.ppl, ref!.ppl)).toBeLessThan(1e-4);
  });

  it('errors are {error:{code,message}} with a non-zero exit and say what to do', async () => {
    const badRow = join(tmp, 'bad.json');
    writeFileSync(
      badRow,
      JSON.stringify([
        [1, 2, 3],
        [4, 5],
      ]),
    );
    const bare = mkdtempSync(join(tmp, 'bare-'));
    symlinkSync(resolve(MODEL), join(bare, 'model.onnx'));
    const [missing, row, range, short, noTok] = await Promise.all([
      evop(['eval', MODEL, '--json']),
      evop(['eval', MODEL, '--calib-ids', badRow, '--json']),
      evop(['eval', MODEL, '--drop', '3,16', '--calib-ids', idsFile, '--json']),
      evop(['eval', MODEL, '--calib', textFile, '--json']),
      evop(['eval', join(bare, 'model.onnx'), '--calib', textFile, '--json']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.json.error).toMatchObject({
      code: 'bad-args',
      message: expect.stringMatching(/--calib .*--calib-ids/),
    });
    expect(row.code).toBe(2);
    expect(row.json.error.message).toMatch(/row 1 has 2 ids but row 0 has 3/);
    expect(range.code).toBe(2);
    expect(range.json.error.message).toMatch(/--drop 16 is out of range.*0\.\.15/);
    // 3000 characters of text are far fewer than 32 x 256 tokens.
    expect(short.code).toBe(2);
    expect(short.json.error.message).toMatch(/gives only \d+ windows? of 256 tokens, and 32 were asked for.*--samples/);
    expect(noTok.code).not.toBe(0);
    expect(noTok.json.error).toMatchObject({
      code: 'io',
      message: expect.stringMatching(/tokenizer\.json.*--calib-ids/),
    });
  });
});
