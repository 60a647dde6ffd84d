import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { allocateSamples, ccdsSample, countByDomain, defaultEmbeddingBlock, randomSample } from './ccds';
import { tokenHistogramEmbedding } from './features';
import type { WindowSource } from './windows';

/** Synthetic candidates: `sizes[c]` windows around centre c, each tagged with domain `d<c>`. */
function synthetic(sizes: number[], seed: number) {
  const rng = createRng(seed);
  const windows: { source: WindowSource }[] = [];
  const embeddings: Float32Array[] = [];
  sizes.forEach((size, c) => {
    for (let i = 0; i < size; i++) {
      const v = new Float32Array(8).map(() => rng.next() - 0.5);
      v[c % 8] = (v[c % 8] as number) + 20 * (1 + Math.floor(c / 8));
      embeddings.push(v);
      windows.push({ source: { domain: `d${c}`, file: `d${c}.txt`, doc: i, tokenOffset: 0 } });
    }
  });
  return { windows, embeddings };
}

describe('allocateSamples', () => {
  it('equal: same share each, remainder to the largest clusters, capped by size', () => {
    expect(allocateSamples([10, 10, 10], 9, 'equal')).toEqual([3, 3, 3]);
    expect(allocateSamples([5, 9, 7], 11, 'equal')).toEqual([3, 4, 4]);
    // A 1-window cluster gives its one; the rest goes to the largest clusters with room.
    expect(allocateSamples([1, 20, 10], 12, 'equal')).toEqual([1, 6, 5]);
  });

  it('proportional: largest remainder, floored at one per cluster', () => {
    expect(allocateSamples([50, 30, 20], 10, 'proportional')).toEqual([5, 3, 2]);
    expect(allocateSamples([90, 5, 5], 10, 'proportional')).toEqual([8, 1, 1]);
    expect(allocateSamples([97, 1, 1, 1], 5, 'proportional')).toEqual([2, 1, 1, 1]);
    expect(allocateSamples([45, 35, 20], 7, 'proportional')).toEqual([3, 3, 1]);
  });

  it('every cluster contributes once n >= clusters; fewer samples go to the largest clusters', () => {
    const rng = createRng(4);
    for (let t = 0; t < 200; t++) {
      const sizes = Array.from({ length: 1 + rng.int(12) }, () => 1 + rng.int(40));
      const total = sizes.reduce((a, b) => a + b, 0);
      const n = sizes.length + rng.int(total - sizes.length + 1);
      for (const mode of ['equal', 'proportional'] as const) {
        const q = allocateSamples(sizes, n, mode);
        expect(q.reduce((a, b) => a + b, 0)).toBe(n);
        q.forEach((x, i) => {
          expect(x).toBeGreaterThanOrEqual(1);
          expect(x).toBeLessThanOrEqual(sizes[i] as number);
        });
      }
    }
    expect(allocateSamples([3, 9, 5, 9], 2, 'equal')).toEqual([0, 1, 0, 1]);
    expect(() => allocateSamples([2, 2], 5, 'equal')).toThrow(/cannot draw 5 samples from 4/);
  });
});

describe('ccdsSample', () => {
  const { windows, embeddings } = synthetic([40, 25, 10, 60, 5, 30], 1);

  it('draws from every cluster, and the clusters are the synthetic groups', () => {
    for (const allocation of ['equal', 'proportional'] as const) {
      for (const withinCluster of ['random', 'nearest'] as const) {
        const sel = ccdsSample(windows, embeddings, { samples: 12, clusters: 6, seed: 3, allocation, withinCluster });
        expect(sel.samples).toHaveLength(12);
        expect(new Set(sel.samples.map((s) => s.cluster)).size).toBe(6);
        expect(countByDomain(sel.samples).size).toBe(6);
        expect([...sel.clusterSizes].sort((a, b) => a - b)).toEqual([5, 10, 25, 30, 40, 60]);
        expect(sel.quotas.reduce((a, b) => a + b, 0)).toBe(12);
        expect(new Set(sel.samples.map((s) => s.window)).size).toBe(12);
        for (const s of sel.samples) {
          expect(sel.points[s.window]).toEqual({ cluster: s.cluster, x: s.x, y: s.y, chosen: true });
          expect(s.source).toBe(windows[s.window]?.source);
        }
      }
    }
  });

  it('is reproducible by seed, and the seed matters', () => {
    const a = ccdsSample(windows, embeddings, { samples: 12, clusters: 6, seed: 11 });
    const b = ccdsSample(windows, embeddings, { samples: 12, clusters: 6, seed: 11 });
    expect(b).toEqual(a);
    const picks = new Set(
      [11, 12, 13, 14].map((seed) =>
        JSON.stringify(
          ccdsSample(windows, embeddings, { samples: 12, clusters: 6, seed }).samples.map((s) => s.window),
        ),
      ),
    );
    expect(picks.size).toBeGreaterThan(1);
  });

  it('nearest takes the windows closest to their centroid', () => {
    const sel = ccdsSample(windows, embeddings, { samples: 6, clusters: 6, seed: 2, withinCluster: 'nearest' });
    for (const s of sel.samples) {
      const members = sel.points.map((p, i) => ({ p, i })).filter(({ p }) => p.cluster === s.cluster);
      const mean = new Float64Array(8);
      for (const { i } of members)
        (embeddings[i] as Float32Array).forEach((v, j) => (mean[j] = (mean[j] as number) + v / members.length));
      const dist = (i: number) =>
        (embeddings[i] as Float32Array).reduce((t, v, j) => t + (v - (mean[j] as number)) ** 2, 0);
      expect(Math.min(...members.map(({ i }) => dist(i)))).toBeCloseTo(dist(s.window), 6);
    }
  });

  it('projects every candidate to 2-D for the scatter plot', () => {
    const sel = ccdsSample(windows, embeddings, { samples: 6, seed: 1 });
    expect(sel.points).toHaveLength(windows.length);
    expect(sel.points.filter((p) => p.chosen)).toHaveLength(6);
    expect(sel.explainedVariance[0]).toBeGreaterThan(sel.explainedVariance[1]);
    expect(sel.explainedVariance[0] + sel.explainedVariance[1]).toBeLessThanOrEqual(1 + 1e-9);
    expect(new Set(sel.points.map((p) => p.x)).size).toBeGreaterThan(100);
  });

  it('refuses impossible requests with a reason', () => {
    expect(() => ccdsSample(windows, embeddings.slice(1), { samples: 3, seed: 1 })).toThrow(
      /got 169 embeddings for 170 windows/,
    );
    expect(() => ccdsSample(windows, embeddings, { samples: 171, seed: 1 })).toThrow(
      /cannot draw 171 samples from 170 candidate windows/,
    );
  });
});

describe('randomSample', () => {
  it('draws distinct windows reproducibly by seed, with coordinates when embeddings are given', () => {
    const { windows, embeddings } = synthetic([30, 30], 2);
    const a = randomSample(windows, { samples: 10, seed: 5 }, embeddings);
    expect(a).toEqual(randomSample(windows, { samples: 10, seed: 5 }, embeddings));
    expect(new Set(a.samples.map((s) => s.window)).size).toBe(10);
    expect(a.samples.every((s) => s.cluster === -1)).toBe(true);
    expect(a.method).toBe('random');
    expect(a.points.some((p) => p.x !== 0)).toBe(true);
    const noEmb = randomSample(windows, { samples: 10, seed: 5 });
    expect(noEmb.samples.map((s) => s.window)).toEqual(a.samples.map((s) => s.window));
    expect(noEmb.points.every((p) => p.x === 0 && p.y === 0)).toBe(true);
  });
});

describe('defaultEmbeddingBlock and tokenHistogramEmbedding', () => {
  it('picks the middle block', () => {
    expect(defaultEmbeddingBlock(16)).toBe(8);
    expect(defaultEmbeddingBlock(1)).toBe(0);
    expect(defaultEmbeddingBlock(5)).toBe(2);
    expect(() => defaultEmbeddingBlock(0)).toThrow(RangeError);
  });

  it('gives unit vectors that ignore token order and see token choice', () => {
    const a = tokenHistogramEmbedding([1, 2, 3, 3, 900]);
    expect(a).toHaveLength(256);
    expect(a.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 6);
    expect(Array.from(tokenHistogramEmbedding([3, 900, 2, 3, 1]))).toEqual(Array.from(a));
    const b = tokenHistogramEmbedding([7, 8, 9, 10, 11]);
    const cos = a.reduce((s, v, i) => s + v * (b[i] as number), 0);
    expect(Math.abs(cos)).toBeLessThan(0.5);
    expect(tokenHistogramEmbedding([], 16).every((v) => v === 0)).toBe(true);
    expect(tokenHistogramEmbedding([1], 64)).toHaveLength(64);
  });
});
