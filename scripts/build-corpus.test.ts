import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DOMAINS = ['sotu', 'austen', 'kjv', 'jargon', 'brown', 'moby-dick'];

interface IndexEntry {
  domain: string;
  pool: { file: string; bytes: number; excerpts: number };
  heldout: { file: string; bytes: number; excerpts: number };
  source: string;
  licence: string;
  demoModel: 'seen' | 'unseen';
}

/** Paragraphs long enough that a shared one would mean shared text, not a shared "CHAPTER 1". */
const paragraphs = (text: string) =>
  new Set(
    text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter((p) => p.length > 60 && !p.startsWith('### ')),
  );

function build(source: string, out: string): string {
  return execFileSync(process.execPath, ['scripts/build-corpus.mjs', source, out], { encoding: 'utf8' });
}

describe('scripts/build-corpus.mjs', () => {
  it('splits synthetic sources into disjoint pool and held-out parts, the same way every time', () => {
    const src = mkdtempSync(join(tmpdir(), 'corpus-src-'));
    for (const d of DOMAINS) {
      const docs = Array.from({ length: 40 }, (_, doc) => {
        const paras = Array.from(
          { length: 30 },
          (_, p) => `${d} document ${doc} paragraph ${p}: ${'lorem ipsum dolor '.repeat(8)}`,
        );
        return `### ${d} doc ${doc}\n\n${paras.join('\n\n')}`;
      });
      writeFileSync(join(src, `${d}.txt`), docs.join('\n\n') + '\n');
    }
    writeFileSync(
      join(src, 'PROVENANCE.md'),
      '# P\n\n## kjv.txt\n\n- **Source:** a package\n- **Licence (as stated):** free\n',
    );
    const a = mkdtempSync(join(tmpdir(), 'corpus-a-'));
    const b = mkdtempSync(join(tmpdir(), 'corpus-b-'));
    build(src, a);
    build(src, b);
    const index = JSON.parse(readFileSync(join(a, 'index.json'), 'utf8')) as { domains: IndexEntry[] };
    expect(index.domains.map((d) => d.domain)).toEqual(DOMAINS);
    const kjv = index.domains.find((d) => d.domain === 'kjv') as IndexEntry;
    expect(kjv.source).toBe('a package');
    expect(kjv.licence).toBe('free');
    for (const d of DOMAINS) {
      const pool = readFileSync(join(a, `${d}.pool.txt`), 'utf8');
      const held = readFileSync(join(a, `${d}.heldout.txt`), 'utf8');
      expect(readFileSync(join(b, `${d}.pool.txt`), 'utf8')).toBe(pool);
      const p = paragraphs(pool);
      const h = paragraphs(held);
      expect(p.size).toBeGreaterThan(50);
      expect(h.size).toBeGreaterThan(10);
      expect([...h].filter((x) => p.has(x))).toEqual([]);
    }
    expect(readFileSync(join(a, 'PROVENANCE.md'), 'utf8')).toContain('## kjv.txt');
  });

  it('the committed public/corpus matches its index, stays disjoint and small', () => {
    const index = JSON.parse(readFileSync('public/corpus/index.json', 'utf8')) as {
      domains: IndexEntry[];
      totalBytes: number;
      demoModelOverlap: string;
    };
    expect(index.domains.map((d) => d.domain)).toEqual(DOMAINS);
    let total = 0;
    for (const d of index.domains) {
      for (const part of [d.pool, d.heldout]) {
        expect(statSync(`public/corpus/${part.file}`).size).toBe(part.bytes);
        total += part.bytes;
      }
      expect(d.pool.bytes).toBeGreaterThan(190_000);
      expect(d.heldout.bytes).toBeGreaterThan(55_000);
      expect(d.source.length).toBeGreaterThan(10);
      expect(d.licence.length).toBeGreaterThan(10);
      expect(d.demoModel).toBe(d.domain === 'moby-dick' ? 'unseen' : 'seen');
      const p = paragraphs(readFileSync(`public/corpus/${d.pool.file}`, 'utf8'));
      const h = paragraphs(readFileSync(`public/corpus/${d.heldout.file}`, 'utf8'));
      expect([...h].filter((x) => p.has(x))).toEqual([]);
    }
    expect(index.totalBytes).toBe(total);
    expect(total).toBeLessThan(2_000_000);
    expect(index.demoModelOverlap).toMatch(/moby-dick was never seen/);
    expect(readFileSync('public/corpus/PROVENANCE.md', 'utf8')).toMatch(/^# Corpus provenance/);
  });
});
