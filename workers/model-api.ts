import type { Backend } from '../src/core/env/backend';
import { poolWindows } from '../src/core/calib/built-in-set';
import { parseCorpusIndex } from '../src/core/calib/corpus';
import { randomSample } from '../src/core/calib/ccds';
import type { EvalRequest, EvalResult } from '../src/core/evaluate/evaluator';
import { softmaxTopK } from '../src/core/evaluate/top-k';
import { inspectModel, isOnnxError, type InspectedModel } from '../src/core/onnx';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../src/core/tokenize/tokenizer';
import { fetchBytes } from '../src/runtime/fetch-bytes';
import { createSession, lastTokenLogits, type SessionHandle } from '../src/runtime/session';
import { createSplitEvaluator, type SplitEvaluator } from '../src/runtime/split-evaluator';
import { createSplitRunner, type SplitRunner } from '../src/runtime/split-runner';
import type {
  BuiltInCalibrationRequest,
  CalibrationInfo,
  CalibrationProgress,
  EvaluateProgress,
  LoadedModel,
  LoadProgress,
  ModelSource,
  Prediction,
  WorkerError,
  WorkerResult,
} from './evaluate-api';

const now = () => performance.now();

function toWorkerError(e: unknown, code: WorkerError['code']): WorkerError {
  const err = e as Error & { code?: string };
  if (err?.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  if (err instanceof TokenizerError) return { code: 'bad-tokenizer', message: err.message };
  if (isOnnxError(err)) return { code: 'bad-model', message: err.message };
  return { code, message: err?.message || String(e) };
}

async function guard<T>(code: WorkerError['code'], f: () => Promise<T>): Promise<WorkerResult<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toWorkerError(e, code) };
  }
}

async function fetchJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`Could not download ${url}: HTTP ${r.status}.`);
  return r.json() as Promise<unknown>;
}

/**
 * The worker's API as a plain object (the worker file only exposes it), so the same code runs
 * under comlink in the browser and directly in Node tests.
 */
export function createModelApi() {
  let handle: SessionHandle | undefined;
  let tokenizer: TextTokenizer | undefined;
  let inspected: InspectedModel | undefined;
  let runner: SplitRunner | undefined;
  let evaluator: SplitEvaluator | undefined;
  let current: AbortController | undefined;
  // create() and run() on one session must never overlap (onnxruntime-web); serialise calls.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f, f);
    queue = p.catch(() => undefined);
    return p;
  };
  const dropModel = async () => {
    evaluator = undefined;
    await runner?.release();
    runner = undefined;
    await handle?.session.release();
    handle = undefined;
    inspected = undefined;
  };

  return {
    async loadModel(
      source: ModelSource,
      backend: Backend,
      onProgress: (p: LoadProgress) => void,
    ): Promise<WorkerResult<LoadedModel>> {
      return serial(async () => {
        const t0 = now();
        const tok = await guard('download-failed', async () => {
          const [json, config] = await Promise.all([
            fetchJson(source.tokenizerUrl),
            source.tokenizerConfigUrl ? fetchJson(source.tokenizerConfigUrl).catch(() => ({})) : Promise.resolve({}),
          ]);
          return loadTokenizer(json, config);
        });
        if (!tok.ok) return tok;
        const bytes = await guard('download-failed', () =>
          fetchBytes(source.modelUrl, (loaded, total) => onProgress({ type: 'download', file: source.modelUrl, loaded, total })),
        );
        if (!bytes.ok) return bytes;
        const info = await guard('bad-model', () => inspectModel(bytes.value, { name: source.modelUrl.split('/').pop() ?? 'model.onnx' }));
        if (!info.ok) return info;
        onProgress({ type: 'session', backend });
        await dropModel();
        const created = await guard('session-failed', () => createSession(bytes.value, backend));
        if (!created.ok) return created;
        handle = created.value;
        tokenizer = tok.value;
        inspected = info.value;
        const ms = now() - t0;
        onProgress({ type: 'ready', backend, ms });
        return {
          ok: true,
          value: {
            backend,
            bytes: bytes.value.length,
            inputs: handle.session.inputNames,
            outputs: handle.session.outputNames,
            vocabSize: tokenizer.vocabSize,
            blocks: info.value.blocks.blocks.length,
            architecture: info.value.summary.architecture,
            fingerprint: info.value.fingerprint,
            ms,
          },
        };
      });
    },

    async predictNext(prompt: string, k = 5): Promise<WorkerResult<Prediction>> {
      return serial(async () => {
        const h = handle;
        const tok = tokenizer;
        if (!h || !tok) return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        const ids = tok.encode(prompt);
        if (ids.length === 0) return { ok: false, error: { code: 'bad-input', message: 'Type a prompt of at least one token.' } };
        return guard('internal', async () => {
          const t0 = now();
          const logits = await lastTokenLogits(h, ids);
          const top = softmaxTopK(logits, k).map((t) => ({ id: t.id, text: tok.tokenText(t.id), prob: t.prob }));
          return { prompt, promptTokens: ids.length, top, ms: now() - t0, backend: h.backend };
        });
      });
    },

    /** Builds the built-in calibration set and the split evaluator over it. */
    async useBuiltInCalibration(
      req: BuiltInCalibrationRequest,
      onProgress: (p: CalibrationProgress) => void,
    ): Promise<WorkerResult<CalibrationInfo>> {
      return serial(async () => {
        const tok = tokenizer;
        const model = inspected;
        if (!tok || !model || !handle) return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        const backend = handle.backend;
        return guard('internal', async () => {
          const t0 = now();
          const index = parseCorpusIndex(await fetchJson(new URL('index.json', req.corpusUrl).href));
          const files = [];
          for (const d of index.domains) {
            const r = await fetch(new URL(d.pool.file, req.corpusUrl).href);
            if (!r.ok) throw new Error(`Could not download the corpus file ${d.pool.file}: HTTP ${r.status}.`);
            files.push({ domain: d.domain, file: d.pool.file, text: await r.text() });
            onProgress({ type: 'corpus', loaded: files.length, total: index.domains.length });
          }
          const candidates = poolWindows(files, tok, { seqLen: req.seqLen });
          onProgress({ type: 'tokenize', windows: candidates.length });
          const selection = randomSample(candidates, { samples: Math.min(req.samples, candidates.length), seed: req.seed });
          const windows = selection.samples.map((s) => candidates[s.window]!.ids);
          if (!runner) {
            onProgress({ type: 'split', blocks: model.blocks.blocks.length });
            runner = await createSplitRunner(model, backend);
          }
          evaluator = createSplitEvaluator(runner, windows);
          const domains: Record<string, number> = {};
          for (const s of selection.samples) domains[s.source.domain] = (domains[s.source.domain] ?? 0) + 1;
          onProgress({ type: 'ready', windows: windows.length, seqLen: req.seqLen, ms: now() - t0 });
          return { windows: windows.length, seqLen: req.seqLen, tokens: windows.length * (req.seqLen - 1), domains };
        });
      });
    },

    /** Scores a batch of patterns on the calibration set; results stream through `onResult`. */
    async evaluate(batch: EvalRequest[], onResult?: (p: EvaluateProgress) => void): Promise<WorkerResult<EvalResult[]>> {
      return serial(async () => {
        const ev = evaluator;
        if (!ev) return { ok: false, error: { code: 'no-calibration', message: 'Choose a calibration set first.' } };
        current = new AbortController();
        const signal = current.signal;
        return guard('internal', () =>
          ev.evaluate(batch, { signal, ...(onResult ? { onResult: (result, done, total) => onResult({ result, done, total }) } : {}) }),
        );
      });
    },

    /** Aborts the running evaluation between two candidates; the worker stays usable. */
    cancel(): void {
      current?.abort();
    },
  };
}
