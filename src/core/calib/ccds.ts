/**
 * CCDS (cluster-based calibration data selection, after EvoP): cluster candidate windows by their
 * embeddings with seeded k-means++ and draw calibration samples from every cluster, so every
 * kind of text in the pool is represented. `randomSample` is the baseline it is compared with.
 */
import { createRng } from '../random/rng';
import { runKMeans, squaredDistance, type Vector } from './kmeans';
import { projectPca2, type PcaOptions } from './pca';
import type { WindowSource } from './windows';

/**
 * `equal`: every cluster gets the same share (the paper's reading: diversity first).
 * `proportional`: shares follow cluster sizes (the pool's own mix), but never below one.
 */
export type Allocation = 'equal' | 'proportional';

/**
 * `random`: a seeded uniform draw inside each cluster (default: the paper samples from clusters,
 * and with several samples per cluster the nearest ones would be near-duplicates of each other).
 * `nearest`: the windows closest to the centroid first, the most typical of the cluster.
 */
export type WithinCluster = 'random' | 'nearest';

export interface CcdsOptions {
  /** Calibration samples to draw. */
  samples: number;
  /** k for k-means (default: `samples`, i.e. one window per cluster). */
  clusters?: number;
  seed: number;
  allocation?: Allocation;
  withinCluster?: WithinCluster;
  /** k-means settings (see `KMeansOptions`); restarts default 3 here, cheap and steadier. */
  maxIterations?: number;
  tolerance?: number;
  restarts?: number;
  /** Reuse a projection of the same embeddings (e.g. when re-drawing with another seed). */
  coords?: readonly (readonly [number, number])[];
  pca?: PcaOptions;
}

export interface CalibrationSample {
  /** Index into the candidate windows. */
  window: number;
  /** Cluster it was drawn from; -1 for random sampling. */
  cluster: number;
  source: WindowSource;
  x: number;
  y: number;
}

/** One candidate in the scatter plot. */
export interface CalibrationPoint {
  cluster: number;
  x: number;
  y: number;
  chosen: boolean;
}

export interface CalibrationSelection {
  method: 'ccds' | 'random';
  seed: number;
  /** Ordered by cluster, then by draw order. */
  samples: CalibrationSample[];
  /** Every candidate, in window order. Coordinates are 0 when no embeddings were given. */
  points: CalibrationPoint[];
  /** Candidates per cluster (CCDS only). */
  clusterSizes: number[];
  /** Samples drawn per cluster (CCDS only). */
  quotas: number[];
  inertia?: number;
  /** Share of the total variance on each plotted axis. */
  explainedVariance: [number, number];
}

/** The block whose output CCDS embeds by default: the middle one (index floor(L / 2)). */
export function defaultEmbeddingBlock(blocks: number): number {
  if (!Number.isInteger(blocks) || blocks < 1) throw new RangeError(`blocks must be a positive integer, got ${blocks}`);
  return Math.floor(blocks / 2);
}

/** Cluster order for handing out extras: larger first, lower index on ties. */
function bySizeDesc(sizes: readonly number[]): number[] {
  return sizes.map((_, i) => i).sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
}

/**
 * How many samples each cluster gives. When n < clusters, the n largest clusters give one each.
 * Otherwise every cluster gives at least one, and no cluster more than it has.
 * - equal: floor(n / c) each; the n mod c left over go one each to the largest clusters; what a
 *   too-small cluster cannot give goes, one at a time, to the largest clusters with room.
 * - proportional: largest remainder (Hamilton) on n x size / total, floored at one; when the
 *   floor pushes the sum over n, the most over-served clusters (quota - ideal largest) give back.
 */
export function allocateSamples(sizes: readonly number[], n: number, allocation: Allocation): number[] {
  const total = sizes.reduce((s, x) => s + x, 0);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`samples must be a non-negative integer, got ${n}`);
  if (n > total) throw new RangeError(`cannot draw ${n} samples from ${total} candidate windows`);
  const c = sizes.length;
  const order = bySizeDesc(sizes);
  const quotas = new Array<number>(c).fill(0);
  if (n < c) {
    for (const i of order.slice(0, n)) quotas[i] = 1;
    return quotas;
  }
  if (allocation === 'equal') {
    const base = Math.floor(n / c);
    for (let i = 0; i < c; i++) quotas[i] = Math.min(base, sizes[i] as number);
  } else {
    for (let i = 0; i < c; i++) quotas[i] = Math.max(1, Math.floor((n * (sizes[i] as number)) / total));
  }
  const ideal = (i: number) => (allocation === 'equal' ? n / c : (n * (sizes[i] as number)) / total);
  let sum = quotas.reduce((s, x) => s + x, 0);
  while (sum > n) {
    let pick = -1;
    for (const i of order) {
      if ((quotas[i] as number) <= 1) continue;
      if (pick < 0 || (quotas[i] as number) - ideal(i) > (quotas[pick] as number) - ideal(pick)) pick = i;
    }
    quotas[pick] = (quotas[pick] as number) - 1;
    sum--;
  }
  while (sum < n) {
    // Largest shortfall first (the remainder), larger cluster on ties; skip clusters that are full.
    let pick = -1;
    for (const i of order) {
      if ((quotas[i] as number) >= (sizes[i] as number)) continue;
      if (pick < 0 || ideal(i) - (quotas[i] as number) > ideal(pick) - (quotas[pick] as number) + 1e-12) pick = i;
    }
    quotas[pick] = (quotas[pick] as number) + 1;
    sum++;
  }
  return quotas;
}

function checkInputs(
  windows: readonly { source: WindowSource }[],
  embeddings: readonly Vector[] | undefined,
  samples: number,
): void {
  if (embeddings && embeddings.length !== windows.length) {
    throw new RangeError(`got ${embeddings.length} embeddings for ${windows.length} windows`);
  }
  if (!Number.isInteger(samples) || samples < 1)
    throw new RangeError(`samples must be a positive integer, got ${samples}`);
  if (samples > windows.length) {
    throw new RangeError(
      `cannot draw ${samples} samples from ${windows.length} candidate windows: add text or shorten the windows`,
    );
  }
}

function project(
  embeddings: readonly Vector[] | undefined,
  n: number,
  given?: readonly (readonly [number, number])[],
  pca?: PcaOptions,
) {
  if (given) {
    if (given.length !== n) throw new RangeError(`got ${given.length} coordinates for ${n} windows`);
    return { coords: given, explained: [NaN, NaN] as [number, number] };
  }
  if (!embeddings)
    return { coords: Array.from({ length: n }, () => [0, 0] as const), explained: [0, 0] as [number, number] };
  const p = projectPca2(embeddings, pca);
  const share = (v: number | undefined) => (p.totalVariance > 0 ? (v ?? 0) / p.totalVariance : 0);
  return { coords: p.coords, explained: [share(p.variances[0]), share(p.variances[1])] as [number, number] };
}

/** CCDS: cluster the candidates' embeddings and draw samples from every cluster. */
export function ccdsSample(
  windows: readonly { source: WindowSource }[],
  embeddings: readonly Vector[],
  options: CcdsOptions,
): CalibrationSelection {
  const { samples, seed } = options;
  checkInputs(windows, embeddings, samples);
  const k = options.clusters ?? samples;
  const km = runKMeans(embeddings, {
    k,
    seed,
    maxIterations: options.maxIterations ?? 100,
    tolerance: options.tolerance ?? 1e-4,
    restarts: options.restarts ?? 3,
  });
  const quotas = allocateSamples(km.sizes, samples, options.allocation ?? 'equal');
  const members: number[][] = Array.from({ length: k }, () => []);
  km.assignments.forEach((c, i) => (members[c] as number[]).push(i));
  // A generator of its own, derived from the seed, so the draw does not depend on how many
  // random numbers k-means consumed.
  const rng = createRng((seed ^ 0x6a09e667) >>> 0);
  const { coords, explained } = project(embeddings, windows.length, options.coords, options.pca);
  const chosen: CalibrationSample[] = [];
  for (let c = 0; c < k; c++) {
    const list = members[c] as number[];
    const q = quotas[c] as number;
    let picks: number[];
    if ((options.withinCluster ?? 'random') === 'nearest') {
      const centroid = km.centroids[c] as Float64Array;
      const dist = new Map(list.map((i) => [i, squaredDistance(embeddings[i] as Vector, centroid)]));
      picks = [...list].sort((a, b) => (dist.get(a) as number) - (dist.get(b) as number) || a - b).slice(0, q);
    } else {
      picks = rng.sample(list, q);
    }
    for (const w of picks) {
      const [x, y] = coords[w] as readonly [number, number];
      chosen.push({ window: w, cluster: c, source: (windows[w] as { source: WindowSource }).source, x, y });
    }
  }
  return finish('ccds', seed, chosen, km.assignments, coords, explained, km.sizes, quotas, km.inertia);
}

/** The baseline: `samples` windows drawn uniformly without replacement, seeded. */
export function randomSample(
  windows: readonly { source: WindowSource }[],
  options: { samples: number; seed: number; coords?: readonly (readonly [number, number])[]; pca?: PcaOptions },
  embeddings?: readonly Vector[],
): CalibrationSelection {
  const { samples, seed } = options;
  checkInputs(windows, embeddings, samples);
  const { coords, explained } = project(embeddings, windows.length, options.coords, options.pca);
  const picks = createRng(seed).sample(
    windows.map((_, i) => i),
    samples,
  );
  const chosen = picks.map((w): CalibrationSample => {
    const [x, y] = coords[w] as readonly [number, number];
    return { window: w, cluster: -1, source: (windows[w] as { source: WindowSource }).source, x, y };
  });
  return finish('random', seed, chosen, undefined, coords, explained, [], [], undefined);
}

function finish(
  method: 'ccds' | 'random',
  seed: number,
  samples: CalibrationSample[],
  assignments: Int32Array | undefined,
  coords: readonly (readonly [number, number])[],
  explainedVariance: [number, number],
  clusterSizes: number[],
  quotas: number[],
  inertia: number | undefined,
): CalibrationSelection {
  const picked = new Set(samples.map((s) => s.window));
  const points = coords.map(([x, y], i) => ({
    cluster: assignments ? (assignments[i] as number) : -1,
    x,
    y,
    chosen: picked.has(i),
  }));
  const out: CalibrationSelection = { method, seed, samples, points, clusterSizes, quotas, explainedVariance };
  if (inertia !== undefined) out.inertia = inertia;
  return out;
}

/** Samples per domain, e.g. to show (or test) which domains a calibration set covers. */
export function countByDomain(samples: readonly { source: { domain: string } }[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) out.set(s.source.domain, (out.get(s.source.domain) ?? 0) + 1);
  return out;
}
