/**
 * Principal axes by power iteration with deflation, for the 2-D scatter of calibration windows.
 * The covariance matrix is never formed (v <- X^T X v / n costs O(n d)), so a 4,096-wide hidden
 * state projects as cheaply as a 128-wide one.
 */
import { createRng } from '../random/rng';
import type { Vector } from './kmeans';

export interface PcaOptions {
  /** Power-iteration steps per axis (default 500). */
  maxIterations?: number;
  /** Stop an axis when it moves less than this (L2, default 1e-10). */
  tolerance?: number;
}

export interface PcaResult {
  mean: Float64Array;
  /** Unit principal axes, largest variance first. */
  axes: Float64Array[];
  /** Variance along each axis (eigenvalues of the covariance, population normalisation). */
  variances: number[];
  /** Total variance (trace of the covariance), to report the share the plot shows. */
  totalVariance: number;
}

export interface Projection2D extends PcaResult {
  /** Per point, its coordinates on the first two axes. */
  coords: [number, number][];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function normalize(v: Float64Array): number {
  const norm = Math.sqrt(dot(v, v));
  if (norm > 0) for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) / norm;
  return norm;
}

/**
 * Sign convention: the axis's entry of largest magnitude is positive (first such entry on ties),
 * so the same data always plots the same way round, whatever the start vector.
 */
function fixSign(v: Float64Array): void {
  let at = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i] as number) > Math.abs(v[at] as number) + 1e-12) at = i;
  if ((v[at] as number) < 0) for (let i = 0; i < v.length; i++) v[i] = -(v[i] as number);
}

/** The first `count` principal axes of `points`. */
export function computePrincipalAxes(points: readonly Vector[], count: number, options: PcaOptions = {}): PcaResult {
  const n = points.length;
  const d = n > 0 ? (points[0] as Vector).length : 0;
  const maxIterations = options.maxIterations ?? 500;
  const tolerance = options.tolerance ?? 1e-10;
  const mean = new Float64Array(d);
  for (const p of points) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (p[j] as number) / n;
  const centred = points.map((p) => {
    const c = new Float64Array(d);
    for (let j = 0; j < d; j++) c[j] = (p[j] as number) - (mean[j] as number);
    return c;
  });
  let totalVariance = 0;
  for (const c of centred) totalVariance += dot(c, c) / n;
  // A fixed seed: the start vector only needs to be generic, and results must not vary by run.
  const rng = createRng(0x5eed);
  const axes: Float64Array[] = [];
  const variances: number[] = [];
  const covTimes = (v: Float64Array): Float64Array => {
    const out = new Float64Array(d);
    for (const c of centred) {
      const s = dot(c, v) / n;
      if (s !== 0) for (let j = 0; j < d; j++) out[j] = (out[j] as number) + s * (c[j] as number);
    }
    return out;
  };
  const deflate = (v: Float64Array) => {
    for (const a of axes) {
      const s = dot(v, a);
      for (let j = 0; j < d; j++) v[j] = (v[j] as number) - s * (a[j] as number);
    }
  };
  for (let k = 0; k < Math.min(count, d); k++) {
    let v: Float64Array = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = rng.next() - 0.5;
    deflate(v);
    normalize(v);
    let variance = 0;
    for (let it = 0; it < maxIterations; it++) {
      const w = covTimes(v);
      deflate(w);
      variance = normalize(w);
      if (variance === 0) break;
      // Compare up to sign: a negative eigenvalue cannot occur (covariance is PSD), so no flip.
      let moved = 0;
      for (let j = 0; j < d; j++) moved += ((w[j] as number) - (v[j] as number)) ** 2;
      v = w;
      if (Math.sqrt(moved) < tolerance) break;
    }
    if (variance === 0) {
      // No variance left: any unit vector orthogonal to the previous axes will do.
      v = new Float64Array(d);
      for (let j = 0; j < d && normalize(v) === 0; j++) {
        v.fill(0);
        v[j] = 1;
        deflate(v);
      }
    }
    fixSign(v);
    axes.push(v);
    variances.push(variance);
  }
  return { mean, axes, variances, totalVariance };
}

/** Projects points onto their first two principal axes (zeros where the data has no spread). */
export function projectPca2(points: readonly Vector[], options: PcaOptions = {}): Projection2D {
  const pca = computePrincipalAxes(points, 2, options);
  const [a0, a1] = pca.axes;
  const coords = points.map((p): [number, number] => {
    let x = 0;
    let y = 0;
    for (let j = 0; j < p.length; j++) {
      const c = (p[j] as number) - (pca.mean[j] as number);
      x += a0 ? c * (a0[j] as number) : 0;
      y += a1 ? c * (a1[j] as number) : 0;
    }
    return [x, y];
  });
  return { ...pca, coords };
}
