import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { runKMeans, seedKMeansPlusPlus, squaredDistance } from './kmeans';

/** `perCluster` points around each of `centres`, Gaussian-ish noise of scale `spread`. */
function blobs(centres: number[][], perCluster: number, spread: number, seed: number) {
  const rng = createRng(seed);
  const noise = () => (rng.next() + rng.next() + rng.next() - 1.5) * spread;
  const points: number[][] = [];
  const labels: number[] = [];
  centres.forEach((c, label) => {
    for (let i = 0; i < perCluster; i++) {
      points.push(c.map((x) => x + noise()));
      labels.push(label);
    }
  });
  return { points, labels };
}

const CENTRES = [
  [0, 0, 0, 0],
  [10, 0, 0, 0],
  [0, 10, 0, 0],
  [0, 0, 10, 0],
  [0, 0, 0, 10],
  [10, 10, 10, 10],
];

describe('runKMeans', () => {
  it('recovers well-separated clusters exactly, for every seed', () => {
    const { points, labels } = blobs(CENTRES, 40, 1, 7);
    for (let seed = 0; seed < 10; seed++) {
      const r = runKMeans(points, { k: 6, seed, restarts: 2 });
      expect(r.converged).toBe(true);
      expect(r.sizes).toEqual([40, 40, 40, 40, 40, 40]);
      // Same true label <=> same cluster: a perfect match up to renaming.
      const clusterOf = new Map<number, number>();
      labels.forEach((l, i) => {
        const c = r.assignments[i] as number;
        if (!clusterOf.has(l)) clusterOf.set(l, c);
        expect(clusterOf.get(l)).toBe(c);
      });
      expect(new Set(clusterOf.values()).size).toBe(6);
      // Centroids sit on the true centres.
      for (const [l, c] of clusterOf) {
        expect(squaredDistance(r.centroids[c] as Float64Array, CENTRES[l] as number[])).toBeLessThan(0.1);
      }
    }
  });

  it('reports inertia as the sum of squared distances to the assigned centroids', () => {
    const { points } = blobs(CENTRES, 20, 2, 3);
    const r = runKMeans(points, { k: 6, seed: 1 });
    let inertia = 0;
    points.forEach((p, i) => (inertia += squaredDistance(p, r.centroids[r.assignments[i] as number] as Float64Array)));
    expect(r.inertia).toBeCloseTo(inertia, 8);
  });

  it('is reproducible by seed and varies with it on ambiguous data', () => {
    const rng = createRng(11);
    const points = Array.from({ length: 300 }, () => [rng.next(), rng.next(), rng.next()]);
    const a = runKMeans(points, { k: 7, seed: 42 });
    const b = runKMeans(points, { k: 7, seed: 42 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(a.inertia).toBe(b.inertia);
    const others = [1, 2, 3, 4, 5].map((seed) => runKMeans(points, { k: 7, seed }).inertia);
    expect(new Set(others).size).toBeGreaterThan(1);
  });

  it('restarts keep the best inertia of the runs they contain', () => {
    const rng = createRng(5);
    const points = Array.from({ length: 200 }, () => [rng.next(), rng.next()]);
    const one = runKMeans(points, { k: 9, seed: 8, restarts: 1 });
    const five = runKMeans(points, { k: 9, seed: 8, restarts: 5 });
    // The first restart of `five` is exactly `one` (same generator, same order).
    expect(five.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it('never leaves a cluster empty, even with duplicate points and k = n', () => {
    const points = [[0], [0], [0], [1], [1], [5]];
    for (let seed = 0; seed < 20; seed++) {
      const r = runKMeans(points, { k: 6, seed });
      expect(r.sizes.every((s) => s === 1)).toBe(true);
      const r3 = runKMeans(points, { k: 4, seed });
      expect(r3.sizes.every((s) => s >= 1)).toBe(true);
      expect(r3.sizes.reduce((a, b) => a + b, 0)).toBe(6);
    }
  });

  it('stops at maxIterations when not converged, and refuses bad input', () => {
    const rng = createRng(2);
    const points = Array.from({ length: 500 }, () => [rng.next(), rng.next()]);
    const r = runKMeans(points, { k: 20, seed: 1, maxIterations: 1, tolerance: 0 });
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(false);
    expect(() => runKMeans([[1], [2]], { k: 3, seed: 1 })).toThrow(/at least k = 3 points/);
    expect(() => runKMeans([[1], [2, 3]], { k: 1, seed: 1 })).toThrow(/point 1 has 2 dimensions, expected 1/);
  });
});

describe('seedKMeansPlusPlus', () => {
  it('picks distinct points and spreads over separated clusters', () => {
    const { points, labels } = blobs(CENTRES, 30, 0.5, 1);
    let hits = 0;
    for (let seed = 0; seed < 20; seed++) {
      const idx = seedKMeansPlusPlus(points, 6, createRng(seed));
      expect(new Set(idx).size).toBe(6);
      if (new Set(idx.map((i) => labels[i])).size === 6) hits++;
    }
    // D^2 weighting makes a second pick from the same tight blob very unlikely.
    expect(hits).toBeGreaterThanOrEqual(18);
  });
});
