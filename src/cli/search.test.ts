/**
 * `evop search`, spawned as a user runs it, on the demo model with a tiny calibration set
 * (2 windows of 32 tokens) and small budgets, so each run takes seconds.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCorpusFile } from '../core/calib/corpus';
import { cutWindows } from '../core/calib/windows';
import { inspectModel } from '../core/onnx/inspect-model';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { createWholeModelEvaluator } from '../runtime/whole-evaluator';

const MODEL = 'public/models/demo/model.onnx';

interface Run {
  code: number;
  json: Record<string, any>;
  stderr: string;
}

function evop(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/main.ts', ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, json: JSON.parse(stdout.trim().split('\n').pop() || '{}') as Record<string, any>, stderr });
      },
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'evop-search-'));
const idsPath = join(tmp, 'ids.json');
let windows: number[][];

beforeAll(() => {
  // Two windows of held-out Austen: real text the model predicts well, so patterns differ clearly.
  const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));
  const docs = parseCorpusFile(
    readFileSync('public/corpus/austen.heldout.txt', 'utf8'),
    'austen',
    'austen.heldout.txt',
  );
  windows = cutWindows(docs.slice(0, 2), tok, { seqLen: 32, maxPerDocument: 1 }).map((w) => w.ids);
  expect(windows).toHaveLength(2);
  writeFileSync(idsPath, JSON.stringify(windows));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const base = ['search', MODEL, '--calib-ids', idsPath, '--json'];
const withoutTimes = (history: any[]) => history.map(({ elapsedMs: _elapsedMs, ...rest }) => rest);

describe('evop search', () => {
  it('EPPS removes exactly k blocks, within its budget, and a seed replays the run', async () => {
    const args = [...base, '--method', 'evo', '--drop-count', '3', '--seed', '7', '--budget', '30'];
    const [a, b] = [await evop(args), await evop(args)];
    expect(a.code).toBe(0);
    expect(a.json).toMatchObject({
      command: 'search',
      method: 'evo',
      k: 3,
      seed: 7,
      blocks: 16,
      calibration: { windows: 2, seqLen: 32 },
    });
    expect(a.json.drop).toHaveLength(3);
    expect(new Set(a.json.drop).size).toBe(3);
    expect(a.json.drop.every((x: number) => Number.isInteger(x) && x >= 0 && x < 16)).toBe(true);
    expect([...a.json.drop, ...a.json.keep].sort((x: number, y: number) => x - y)).toEqual([...Array(16).keys()]);
    expect(a.json.evaluations).toBeLessThanOrEqual(30);
    expect(a.json.ppl).toBeGreaterThan(1);
    expect(a.json.params).toMatchObject({ k: 3, evaluationBudget: 30 });
    // Same seed, same settings: the same answer by the same road (wall times aside).
    expect(b.json.drop).toEqual(a.json.drop);
    expect(b.json.ppl).toBe(a.json.ppl);
    expect(b.json.evaluations).toBe(a.json.evaluations);
    expect(withoutTimes(b.json.history)).toEqual(withoutTimes(a.json.history));
  }, 120_000);

  it('brute force at k = 1 returns the true minimum, checked against the surgically pruned files', async () => {
    const r = await evop([...base, '--method', 'brute', '--drop-count', '1', '--runtime', 'wasm']);
    expect(r.code).toBe(0);
    expect(r.json.evaluations).toBe(16);
    expect(r.json.drop).toHaveLength(1);
    // Independent reference: each of the 16 pruned models exported and run whole (onnxruntime-web).
    const inspected = await inspectModel(new Uint8Array(readFileSync(MODEL)), { name: 'model.onnx' });
    const whole = createWholeModelEvaluator(inspected, windows, { backend: 'wasm' });
    const all = await whole.evaluate(Array.from({ length: 16 }, (_, b) => ({ drop: [b] })));
    const best = all.reduce((m, x) => (x.ppl < m.ppl ? x : m));
    expect(Math.abs(r.json.ppl - best.ppl) / best.ppl).toBeLessThan(1e-4);
    // The pattern it names really scores that minimum (robust to a near-tie between blocks).
    const named = all.find((x) => x.drop[0] === r.json.drop[0])!;
    expect(Math.abs(named.ppl - best.ppl) / best.ppl).toBeLessThan(1e-4);
    // And the minimum is a real choice: the blocks differ by far more than the tolerance.
    expect(Math.max(...all.map((x) => x.ppl)) / best.ppl).toBeGreaterThan(1.5);
  }, 120_000);

  it('ShortGPT prints the Block Influence of all 16 blocks and removes the k lowest', async () => {
    const r = await evop([...base, '--method', 'shortgpt', '--drop-count', '4']);
    expect(r.code).toBe(0);
    expect(r.json.scores).toHaveLength(16);
    expect(r.json.scores.every((s: number) => Number.isFinite(s) && s >= 0 && s <= 2)).toBe(true);
    const lowest = r.json.scores
      .map((s: number, i: number) => [s, i])
      .sort((x: number[], y: number[]) => x[0]! - y[0]! || x[1]! - y[1]!)
      .slice(0, 4)
      .map((x: number[]) => x[1])
      .sort((x: number, y: number) => x - y);
    expect(r.json.drop).toEqual(lowest);
    expect(r.json.evaluations).toBe(1);
  }, 60_000);

  it('SLEB and last-k report their costs; --calib-method random draws from the built-in pool', async () => {
    const [sleb, last] = [
      await evop([...base, '--method', 'sleb', '--drop-count', '2']),
      await evop([...base, '--method', 'last', '--drop-count', '2']),
    ];
    expect(sleb.json.evaluations).toBe(16 + 15);
    expect(sleb.json.history).toHaveLength(2);
    expect(last.json.drop).toEqual([14, 15]);
    const pooled = await evop([
      'search',
      MODEL,
      '--method',
      'last',
      '--drop-count',
      '2',
      '--calib-method',
      'random',
      '--samples',
      '3',
      '--seq-len',
      '16',
      '--json',
    ]);
    expect(pooled.code).toBe(0);
    expect(pooled.json.calibration).toMatchObject({ windows: 3, seqLen: 16 });
    expect(Object.values(pooled.json.calibration.perDomain).reduce((s: number, n) => s + (n as number), 0)).toBe(3);
  }, 120_000);

  it('errors: non-zero exit and {error: {code, message}} a user can act on', async () => {
    const [noK, tooMany, badMethod, allBlocks, noCalib, badBudget] = await Promise.all([
      evop([...base, '--method', 'evo']),
      evop([...base, '--method', 'brute', '--drop-count', '8']),
      evop([...base, '--method', 'genetic', '--drop-count', '2']),
      evop([...base, '--method', 'last', '--drop-count', '16']),
      evop(['search', MODEL, '--method', 'evo', '--drop-count', '2', '--json']),
      evop([...base, '--method', 'evo', '--drop-count', '2', '--budget', '-3']),
    ]);
    for (const r of [noK, tooMany, badMethod, allBlocks, noCalib, badBudget]) {
      expect(r.code).toBe(2);
      expect(r.json.error.code).toBe('bad-args');
    }
    expect(noK.json.error.message).toMatch(/--drop-count k is required/);
    expect(tooMany.json.error.message).toMatch(
      /C\(16, 8\) = 12,870 patterns, more than the limit of 5,000.*--method evo/,
    );
    expect(badMethod.json.error.message).toBe(
      '--method must be one of evo, shortgpt, sleb, random, brute, last, not "genetic".',
    );
    expect(allBlocks.json.error.message).toMatch(/would remove every block/);
    expect(noCalib.json.error.message).toMatch(/--calib-method ccds\|random/);
    expect(badBudget.json.error.message).toMatch(/--budget must be a positive number/);
  }, 120_000);
});
