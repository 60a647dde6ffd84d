/**
 * Seeded k-means++ with Lloyd iterations. Small and dependency-free: n is a few thousand windows
 * and d a hidden size, so a plain O(n k d) loop is fast enough, and owning it keeps every random
 * choice on the lab's seeded generator (a seed replays a calibration set exactly).
 */
import { createRng, type Rng } from '../random/rng';

export type Vector = ArrayLike<number>;

export interface KMeansOptions {
  k: number;
  seed: number;
  /** Lloyd iterations per restart (default 100). */
  maxIterations?: number;
  /**
   * Stop when the largest squared centroid move is below `tolerance` x the mean per-feature
   * variance of the data (scikit-learn's convention, so the test is scale-free). Default 1e-4.
   */
  tolerance?: number;
  /** Independent k-means++ starts; the lowest inertia wins, ties to the earliest (default 1). */
  restarts?: number;
}

export interface KMeansResult {
  /** Cluster of each point. */
  assignments: Int32Array;
  centroids: Float64Array[];
  /** Sum of squared distances from each point to its centroid. */
  inertia: number;
  /** Points per cluster. */
  sizes: number[];
  iterations: number;
  converged: boolean;
}

export function squaredDistance(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    s += d * d;
  }
  return s;
}

function checkPoints(points: readonly Vector[], k: number): number {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (points.length < k) throw new RangeError(`k-means needs at least k = ${k} points, got ${points.length}`);
  const d = (points[0] as Vector).length;
  for (let i = 0; i < points.length; i++) {
    if ((points[i] as Vector).length !== d)
      throw new RangeError(`point ${i} has ${(points[i] as Vector).length} dimensions, expected ${d}`);
  }
  return d;
}

/** Points copied into one row-major matrix: typed, monomorphic access is several times faster. */
interface Matrix {
  n: number;
  d: number;
  data: Float64Array;
}

function toMatrix(points: readonly Vector[], d: number): Matrix {
  const data = new Float64Array(points.length * d);
  points.forEach((p, i) => {
    for (let j = 0; j < d; j++) data[i * d + j] = p[j] as number;
  });
  return { n: points.length, d, data };
}

/** Squared distance from row i of m to row c of `centres` (a flat k x d array). */
function rowDistance(m: Matrix, i: number, centres: Float64Array, c: number): number {
  const { d, data } = m;
  const a = i * d;
  const b = c * d;
  let s = 0;
  for (let j = 0; j < d; j++) {
    const t = (data[a + j] as number) - (centres[b + j] as number);
    s += t * t;
  }
  return s;
}

/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first centre uniformly, each next one with
 * probability proportional to its squared distance from the nearest centre so far. When every
 * remaining point coincides with a centre, the next one is drawn uniformly among unchosen points.
 */
export function seedKMeansPlusPlus(points: readonly Vector[], k: number, rng: Rng): number[] {
  return seedMatrix(toMatrix(points, checkPoints(points, k)), k, rng);
}

function seedMatrix(m: Matrix, k: number, rng: Rng): number[] {
  const { n, data } = m;
  const chosen = [rng.int(n)];
  const taken = new Uint8Array(n);
  taken[chosen[0] as number] = 1;
  const nearest = new Float64Array(n);
  for (let i = 0; i < n; i++) nearest[i] = rowDistance(m, i, data, chosen[0] as number);
  while (chosen.length < k) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i] as number;
    let pick = -1;
    if (total > 0) {
      let r = rng.next() * total;
      for (let i = 0; i < n; i++) {
        r -= nearest[i] as number;
        if (r < 0 && (nearest[i] as number) > 0) {
          pick = i;
          break;
        }
      }
      // Rounding can leave r >= 0 after the loop: take the last point with weight.
      if (pick < 0) for (let i = n - 1; i >= 0 && pick < 0; i--) if ((nearest[i] as number) > 0) pick = i;
    } else {
      const free: number[] = [];
      for (let i = 0; i < n; i++) if (!taken[i]) free.push(i);
      pick = free[rng.int(free.length)] as number;
    }
    chosen.push(pick);
    taken[pick] = 1;
    for (let i = 0; i < n; i++) {
      const dd = rowDistance(m, i, data, pick);
      if (dd < (nearest[i] as number)) nearest[i] = dd;
    }
  }
  return chosen;
}

function meanFeatureVariance(m: Matrix): number {
  const { n, d, data } = m;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j] as number;
      s += v;
      s2 += v * v;
    }
    total += Math.max(0, s2 / n - (s / n) ** 2);
  }
  return total / d;
}

function assign(m: Matrix, centres: Float64Array, k: number, out: Int32Array, dist: Float64Array): void {
  for (let i = 0; i < m.n; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dd = rowDistance(m, i, centres, c);
      if (dd < bestD) {
        bestD = dd;
        best = c;
      }
    }
    out[i] = best;
    dist[i] = bestD;
  }
}

/**
 * An empty cluster takes the point farthest from its centroid and is centred on it: that
 * lowers inertia, is deterministic, and every cluster then has a member to draw samples from.
 * Only clusters with two or more points give one up; k <= n guarantees a donor exists.
 */
function fillEmptyClusters(
  m: Matrix,
  centres: Float64Array,
  k: number,
  assignments: Int32Array,
  dist: Float64Array,
): number {
  const { n, d, data } = m;
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) counts[assignments[i] as number] = (counts[assignments[i] as number] as number) + 1;
  for (let c = 0; c < k; c++) {
    if ((counts[c] as number) > 0) continue;
    let far = -1;
    for (let i = 0; i < n; i++) {
      if ((counts[assignments[i] as number] as number) < 2) continue;
      if (far < 0 || (dist[i] as number) > (dist[far] as number)) far = i;
    }
    counts[assignments[far] as number] = (counts[assignments[far] as number] as number) - 1;
    counts[c] = 1;
    assignments[far] = c;
    dist[far] = 0;
    centres.set(data.subarray(far * d, far * d + d), c * d);
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += dist[i] as number;
  return inertia;
}

function runOnce(m: Matrix, k: number, rng: Rng, maxIterations: number, shiftLimit: number): KMeansResult {
  const { n, d, data } = m;
  let centres = new Float64Array(k * d);
  seedMatrix(m, k, rng).forEach((p, c) => centres.set(data.subarray(p * d, p * d + d), c * d));
  const assignments = new Int32Array(n);
  const dist = new Float64Array(n);
  assign(m, centres, k, assignments, dist);
  let inertia = fillEmptyClusters(m, centres, k, assignments, dist);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const sums = new Float64Array(k * d);
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assignments[i] as number;
      for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (data[i * d + j] as number);
      counts[c] = (counts[c] as number) + 1;
    }
    let maxShift = 0;
    for (let c = 0; c < k; c++) {
      const cnt = counts[c] as number;
      for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) / cnt;
      maxShift = Math.max(maxShift, rowDistance({ n: k, d, data: sums }, c, centres, c));
    }
    centres = sums;
    assign(m, centres, k, assignments, dist);
    inertia = fillEmptyClusters(m, centres, k, assignments, dist);
    if (maxShift <= shiftLimit) {
      converged = true;
      break;
    }
  }
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) sizes[assignments[i] as number] = (sizes[assignments[i] as number] as number) + 1;
  const centroids = Array.from({ length: k }, (_, c) => centres.slice(c * d, c * d + d));
  return { assignments, centroids, inertia, sizes, iterations, converged };
}

/** Clusters `points` into `k` groups. The same points, k and seed give the same result. */
export function runKMeans(points: readonly Vector[], options: KMeansOptions): KMeansResult {
  const { k, seed } = options;
  const d = checkPoints(points, k);
  const maxIterations = options.maxIterations ?? 100;
  const restarts = options.restarts ?? 1;
  if (!Number.isInteger(restarts) || restarts < 1)
    throw new RangeError(`restarts must be a positive integer, got ${restarts}`);
  const m = toMatrix(points, d);
  const shiftLimit = (options.tolerance ?? 1e-4) * meanFeatureVariance(m);
  const rng = createRng(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = runOnce(m, k, rng, maxIterations, shiftLimit);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best as KMeansResult;
}
