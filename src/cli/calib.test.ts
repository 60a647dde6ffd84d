/**
 * `evop calib`, spawned as a user runs it: CCDS on the demo model's own hidden states over the
 * built-in six-domain pool (small windows, one per excerpt, so a run takes seconds).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILT_IN_DOMAINS, parseCorpusFile } from '../core/calib/corpus';
import { parseUserText } from '../core/calib/user-text';
import { parseIdsJson } from '../core/calib/windows';
import { loadTokenizer } from '../core/tokenize/tokenizer';

const MODEL = 'public/models/demo/model.onnx';

interface Run {
  code: number;
  json: Record<string, any>;
}

function evop(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'npx',
      ['tsx', 'src/cli/main.ts', 'calib', ...args],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
      (err, stdout) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, json: JSON.parse(stdout.trim().split('\n').pop() || '{}') as Record<string, any> });
      },
    );
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'evop-calib-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const tok = loadTokenizer(JSON.parse(readFileSync('public/models/demo/tokenizer.json', 'utf8')));

/** The ids of a document of the pool, tokenized whole, independently of the command's shortcut. */
function documentIds(dir: string, file: string, domain: string, doc: number): number[] {
  const docs = parseCorpusFile(readFileSync(join(dir, file), 'utf8'), domain, file);
  return tok.encode(docs[doc]!.text);
}

// 12 windows of 32 tokens, 6 clusters of block-8 embeddings (2 windows drawn from each).
const SETTINGS = ['--samples', '12', '--seq-len', '32', '--clusters', '6', '--per-document', '1', '--json'];

describe('evop calib', () => {
  it('writes a valid ids.json whose rows are real windows of the pool, reproducibly by seed', async () => {
    const out = join(tmp, 'ccds.json');
    const r = await evop([MODEL, ...SETTINGS, '--seed', '0', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({
      command: 'calib',
      method: 'ccds',
      samples: 12,
      seqLen: 32,
      block: 8,
      clusters: 6,
      pool: 'built-in',
    });
    const rows = parseIdsJson(readFileSync(out, 'utf8'), { vocabSize: 4096, seqLen: 32 });
    expect(rows).toHaveLength(12);
    expect(r.json.rows).toHaveLength(12);
    for (const [i, row] of rows.entries()) {
      const src = r.json.rows[i];
      const ids = documentIds('public/corpus', src.file, src.domain, src.doc);
      expect({ i, ids: ids.slice(src.tokenOffset, src.tokenOffset + 32) }).toEqual({ i, ids: row });
    }
    // Every cluster contributes, as many as it was allotted.
    expect(r.json.quotas).toEqual([2, 2, 2, 2, 2, 2]);
    expect(new Set(r.json.rows.map((x: any) => x.cluster)).size).toBe(6);
    expect(r.json.clusterSizes.reduce((s: number, n: number) => s + n, 0)).toBe(r.json.candidates);
    // The same seed gives the same file.
    const again = join(tmp, 'ccds-again.json');
    await evop([MODEL, ...SETTINGS, '--seed', '0', '--out', again]);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(out, 'utf8'));
  }, 120_000);

  /*
   * The issue asks for coverage with "at least six clusters". Measured on the model's own
   * embeddings (block 8 mean, one window per excerpt, seeds 0..19, 2026-11-29):
   *   12 samples / 6 clusters: all six domains in only 9 of 20 seeds at 32 tokens (14 of 20 at
   *   64 and 128): the model's clusters do not line up with the six domains one to one.
   *   16 / 8: 14 of 20 (32 tokens), 18 (64), 17 (128).   24 / 12: 20 of 20 at 32, 64 and 128.
   * So the claim holds from 12 clusters (2 windows each), and that is what is tested here.
   */
  it("CCDS with 12 clusters on the model's hidden states covers all six domains for every seed tried", async () => {
    const settings = ['--samples', '24', '--seq-len', '32', '--clusters', '12', '--per-document', '1', '--json'];
    for (const seed of [1, 2, 3]) {
      const r = await evop([MODEL, ...settings, '--seed', String(seed), '--out', join(tmp, `seed${seed}.json`)]);
      expect(r.code).toBe(0);
      expect(r.json.quotas).toEqual(Array(12).fill(2));
      expect({ seed, domains: Object.keys(r.json.perDomain).sort() }).toEqual({
        seed,
        domains: [...BUILT_IN_DOMAINS].sort(),
      });
    }
  }, 180_000);

  it('random sampling and --pool text files: per-domain counts name the files', async () => {
    const a = join(tmp, 'letters.txt');
    const b = join(tmp, 'recipes.md');
    writeFileSync(
      a,
      'Dear Anne, the weather here has been fine all week and the garden is full of roses.\n\n'.repeat(20),
    );
    writeFileSync(
      b,
      '# Bread\n\nMix the flour, the water and the salt, then knead the dough for ten minutes.\n\n'.repeat(20),
    );
    const out = join(tmp, 'random.json');
    const r = await evop([
      MODEL,
      '--pool',
      a,
      b,
      '--method',
      'random',
      '--samples',
      '4',
      '--seq-len',
      '16',
      '--seed',
      '3',
      '--out',
      out,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ method: 'random', block: null, clusters: null, pool: [a, b] });
    const rows = parseIdsJson(readFileSync(out, 'utf8'), { seqLen: 16 });
    expect(rows).toHaveLength(4);
    expect(Object.keys(r.json.perDomain).every((d) => d === 'letters' || d === 'recipes')).toBe(true);
    for (const [i, row] of rows.entries()) {
      const src = r.json.rows[i];
      const path = src.file === 'letters.txt' ? a : b;
      const doc = parseUserText(readFileSync(path), { fileName: src.file }).documents[src.doc]!;
      expect(row).toEqual(tok.encode(doc.text).slice(src.tokenOffset, src.tokenOffset + 16));
    }
  }, 120_000);

  it('errors: non-zero exit and {error: {code, message}}', async () => {
    writeFileSync(join(tmp, 'short.txt'), 'Only a few words here, far too few for five hundred windows.\n');
    const [noOut, tooMany, badMethod, missing] = await Promise.all([
      evop([MODEL, '--samples', '4', '--json']),
      evop([
        MODEL,
        '--pool',
        join(tmp, 'short.txt'),
        '--samples',
        '500',
        '--seq-len',
        '16',
        '--out',
        join(tmp, 'x.json'),
        '--json',
      ]),
      evop([MODEL, '--method', 'kmeans', '--out', join(tmp, 'y.json'), '--json']),
      evop([MODEL, '--pool', join(tmp, 'nope.txt'), '--out', join(tmp, 'z.json'), '--json']),
    ]);
    expect(noOut.code).toBe(2);
    expect(noOut.json.error).toEqual({
      code: 'bad-args',
      message: '--out <ids.json> is required: where to write the chosen windows.',
    });
    expect(tooMany.code).toBe(2);
    expect(tooMany.json.error.message).toMatch(/fewer than --samples 500/);
    expect(badMethod.json.error).toEqual({
      code: 'bad-args',
      message: '--method must be one of ccds, random, not "kmeans".',
    });
    expect(missing.code).toBe(1);
    expect(missing.json.error.code).toBe('io');
  }, 120_000);
});
