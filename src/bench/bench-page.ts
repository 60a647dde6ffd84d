/**
 * bench.html: starts the benchmark worker with the query's parameters and writes its result as
 * JSON into `#result` (and progress into `#status`) for `npm run bench -- eval` to read.
 */
import type { BenchMessage, BenchParams } from './bench-worker';

function param(q: URLSearchParams, name: string, fallback: number): number {
  const v = Number(q.get(name) ?? fallback);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function show(value: unknown): void {
  const out = document.createElement('pre');
  out.id = 'result';
  out.textContent = JSON.stringify(value);
  document.body.append(out);
}

const q = new URLSearchParams(location.search);
const params: BenchParams = {
  samples: param(q, 'samples', 8),
  seqLen: param(q, 'seqLen', 128),
  patterns: param(q, 'patterns', 32),
  removed: param(q, 'removed', 4),
  seed: param(q, 'seed', 1),
  threads: param(q, 'threads', 1),
  model: q.get('model') ?? 'models/demo',
};
const status = document.getElementById('status')!;
const worker = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<BenchMessage>) => {
  const m = e.data;
  if (m.type === 'status') status.textContent = m.line;
  else if (m.type === 'result') show(m.value);
  else show({ error: { code: 'bench-worker', message: m.message } });
};
worker.onerror = (e) =>
  show({ error: { code: 'bench-worker', message: e.message || 'the benchmark worker failed to start' } });
worker.postMessage(params);
