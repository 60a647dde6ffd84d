/**
 * The browser side of the evaluation benchmark, in a worker as the lab evaluates: the same
 * batch, windows and strategies as the Node run, on onnxruntime-web's wasm backend. A worker
 * also keeps Vite's page-only code (the modulepreload polyfill touches `document`) out of the
 * chunk that onnxruntime's wasm threads re-import.
 */
import * as ort from 'onnxruntime-web';
// Served from the app itself, as in workers/evaluate.worker.ts.
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { inspectModel } from '../core/onnx';
import { loadTokenizer } from '../core/tokenize/tokenizer';
import { BENCH_POOL_FILES, benchWindows, windowsDigest } from './bench-calibration';
import { runEvalBench } from './eval-bench';
import { gaLikeBatch } from './ga-batch';

export interface BenchParams {
  readonly samples: number;
  readonly seqLen: number;
  readonly patterns: number;
  readonly removed: number;
  readonly seed: number;
  readonly threads: number;
  /** Folder of the model, relative to the app root. */
  readonly model: string;
}

export type BenchMessage =
  | { readonly type: 'status'; readonly line: string }
  | { readonly type: 'result'; readonly value: unknown }
  | { readonly type: 'error'; readonly message: string };

const post = (m: BenchMessage) => postMessage(m);

async function fetchOk(url: string): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r;
}

async function run(p: BenchParams): Promise<unknown> {
  ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
  ort.env.wasm.numThreads = p.threads;
  const root = new URL('../', location.href);
  const at = (path: string) => new URL(path, root).href;
  post({ type: 'status', line: 'fetching model and corpus' });
  const bytes = new Uint8Array(await (await fetchOk(at(`${p.model}/model.onnx`))).arrayBuffer());
  const tokenizer = loadTokenizer(await (await fetchOk(at(`${p.model}/tokenizer.json`))).json());
  const files = await Promise.all(
    BENCH_POOL_FILES.map(async (f) => ({ ...f, text: await (await fetchOk(at(`corpus/${f.file}`))).text() })),
  );
  const windows = benchWindows(files, tokenizer, p.samples, p.seqLen);
  const inspected = await inspectModel(bytes, { name: 'model.onnx' });
  const patterns = gaLikeBatch({
    blocks: inspected.blocks.blocks.length,
    removed: p.removed,
    size: p.patterns,
    seed: p.seed,
  });
  const result = await runEvalBench(inspected, windows, patterns, 'wasm', (line) => post({ type: 'status', line }));
  const ua = /(Headless)?Chrom(e|ium)\/[\d.]+/.exec(navigator.userAgent)?.[0] ?? 'a browser';
  return {
    ...result,
    runtime: `onnxruntime-web ${ort.env.versions.web ?? ''} wasm in a worker of ${ua}`,
    threads: ort.env.wasm.numThreads,
    crossOriginIsolated,
    windowsDigest: windowsDigest(windows),
  };
}

onmessage = (e: MessageEvent<BenchParams>) => {
  run(e.data).then(
    (value) => post({ type: 'result', value }),
    (err: unknown) =>
      post({ type: 'error', message: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};
