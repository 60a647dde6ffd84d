import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { builtInCandidates } from '../src/core/calib/built-in-set';
import { randomSample } from '../src/core/calib/ccds';
import { parseCorpusIndex } from '../src/core/calib/corpus';
import { inspectModel } from '../src/core/onnx';
import { loadTokenizer } from '../src/core/tokenize/tokenizer';
import { createWholeModelEvaluator } from '../src/runtime/whole-evaluator';
import { DEFAULT_CANDIDATES } from '../workers/model-api';
import {
  runSearch,
  type EppsParams,
  type SearchMethod,
  type SearchParamsByMethod,
  type SearchResult,
} from '../src/core/search';
import { createSplitRunner } from '../src/runtime/split-runner';
import { createSplitEvaluator } from '../src/runtime/split-evaluator';
import { paramsFor, type SearchSettings } from '../src/store/search-params';

ort.env.wasm.numThreads = 1;

/** The calibration windows the page builds for method "random", rebuilt in Node from the served files. */
export function randomCalibration(samples: number, seqLen: number, seed: number): number[][] {
  const tok = loadTokenizer(JSON.parse(readFileSync('dist/models/demo/tokenizer.json', 'utf8')));
  const index = parseCorpusIndex(JSON.parse(readFileSync('dist/corpus/index.json', 'utf8')));
  const files = index.domains.map((d) => ({
    domain: d.domain,
    file: d.pool.file,
    text: readFileSync(`dist/corpus/${d.pool.file}`, 'utf8'),
  }));
  const candidates = builtInCandidates(files, tok, { seqLen, candidates: DEFAULT_CANDIDATES });
  return randomSample(candidates, { samples, seed }).samples.map((s) => candidates[s.window]!.ids);
}

/**
 * Perplexity of `onnx` with `drop` removed, computed in Node the independent way: the
 * surgically pruned file in a fresh onnxruntime-web session, log-softmax outside the graph.
 */
export async function nodePerplexity(onnx: Uint8Array, windows: number[][], drop: number[] = []): Promise<number> {
  const inspected = await inspectModel(onnx, { name: 'model.onnx' });
  const [r] = await createWholeModelEvaluator(inspected, windows, { backend: 'wasm' }).evaluate([{ drop }]);
  return r!.ppl;
}

/** The lab's EPPS run with these settings and seed, run in Node from start to end without a fault. */
export function nodeEpps(
  onnx: Uint8Array,
  windows: number[][],
  settings: Omit<SearchSettings, 'method'>,
): Promise<SearchResult> {
  return nodeSearch(onnx, windows, 'evo', paramsFor({ ...settings, method: 'evo' }) as EppsParams, settings.seed);
}

/** Any search method run in Node from start to end, on the split evaluator over `windows`. */
export async function nodeSearch<M extends SearchMethod>(
  onnx: Uint8Array,
  windows: number[][],
  method: M,
  params: SearchParamsByMethod[M],
  seed: number,
): Promise<SearchResult> {
  const runner = await createSplitRunner(await inspectModel(onnx, { name: 'model.onnx' }), 'wasm');
  try {
    return await runSearch(method, createSplitEvaluator(runner, windows), params, { seed });
  } finally {
    await runner.release();
  }
}
