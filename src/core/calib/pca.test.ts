import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { computePrincipalAxes, projectPca2 } from './pca';

describe('projectPca2', () => {
  it('finds the axes of data stretched along known orthogonal directions', () => {
    // Variance 9 along u, 1 along v, 0.01 along w, in 3-D, rotated off the coordinate axes.
    const u = [1 / Math.sqrt(2), 1 / Math.sqrt(2), 0];
    const v = [1 / Math.sqrt(6), -1 / Math.sqrt(6), 2 / Math.sqrt(6)];
    const w = [1 / Math.sqrt(3), -1 / Math.sqrt(3), -1 / Math.sqrt(3)];
    const rng = createRng(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    const points = Array.from({ length: 4000 }, () => {
      const a = 3 * gauss();
      const b = gauss();
      const c = 0.1 * gauss();
      return [0, 1, 2].map((j) => 5 + a * (u[j] as number) + b * (v[j] as number) + c * (w[j] as number));
    });
    const p = projectPca2(points);
    const [a0, a1] = p.axes as [Float64Array, Float64Array];
    const cos = (x: Float64Array, y: number[]) => Math.abs(x.reduce((s, xi, i) => s + xi * (y[i] as number), 0));
    expect(cos(a0, u)).toBeGreaterThan(0.999);
    expect(cos(a1, v)).toBeGreaterThan(0.999);
    expect(p.variances[0]).toBeGreaterThan(8.3);
    expect(p.variances[0]).toBeLessThan(9.7);
    expect(p.variances[1]).toBeGreaterThan(0.9);
    expect(p.variances[1]).toBeLessThan(1.1);
    expect(Array.from(p.mean).every((m) => Math.abs(m - 5) < 0.2)).toBe(true);
    expect(p.coords).toHaveLength(4000);
  });

  it('matches an exact eigen-decomposition on a tiny example, sign by largest entry', () => {
    // Points on a line y = 2x: one axis (1, 2)/sqrt(5) with variance 5 x var(x); none left.
    const points = [-2, -1, 0, 1, 2].map((x) => [x, 2 * x]);
    const p = projectPca2(points);
    expect(p.axes[0]?.[0]).toBeCloseTo(1 / Math.sqrt(5), 9);
    expect(p.axes[0]?.[1]).toBeCloseTo(2 / Math.sqrt(5), 9);
    expect(p.variances[0]).toBeCloseTo(10, 9);
    expect(p.variances[1]).toBeCloseTo(0, 9);
    expect(p.totalVariance).toBeCloseTo(10, 9);
    expect(p.coords.map((c) => c[0])).toEqual(points.map(([x]) => expect.closeTo((x as number) * Math.sqrt(5), 9)));
    // The sign convention holds for the reflected data as well: the plot never flips.
    const flipped = projectPca2(points.map(([x, y]) => [-(x as number), -(y as number)]));
    expect(flipped.axes[0]?.[1]).toBeGreaterThan(0);
  });

  it('is deterministic and its axes are orthonormal', () => {
    const rng = createRng(9);
    const points = Array.from({ length: 200 }, () => Array.from({ length: 16 }, () => rng.next()));
    const a = computePrincipalAxes(points, 3);
    const b = computePrincipalAxes(points, 3);
    expect(a.axes.map((x) => Array.from(x))).toEqual(b.axes.map((x) => Array.from(x)));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const d = (a.axes[i] as Float64Array).reduce(
          (s, x, t) => s + x * ((a.axes[j] as Float64Array)[t] as number),
          0,
        );
        expect(d).toBeCloseTo(i === j ? 1 : 0, 6);
      }
    }
    expect(a.variances[0]).toBeGreaterThanOrEqual(a.variances[1] as number);
    expect(a.variances[1]).toBeGreaterThanOrEqual(a.variances[2] as number);
  });

  it('gives zeros for data with no spread', () => {
    const p = projectPca2([
      [1, 2],
      [1, 2],
    ]);
    expect(p.coords).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });
});
