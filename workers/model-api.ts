import { transfer } from 'comlink';
import type { WorkerDiagnostics } from './diagnostics';
import type { Backend } from '../src/core/env/backend';
import { tooLargeForBrowser } from '../src/core/env/browser-limits';
import { backendForModel } from '../src/core/env/model-backend';
import { builtInCandidates, spreadOverDomains } from '../src/core/calib/built-in-set';
import { parseUserText, UserTextError } from '../src/core/calib/user-text';
import { cutWindows, type CandidateWindow } from '../src/core/calib/windows';
import { parseCorpusIndex, toCorpusDocuments } from '../src/core/calib/corpus';
import { ccdsSample, defaultEmbeddingBlock, randomSample, type CalibrationSelection } from '../src/core/calib/ccds';
import { tokenHistogramEmbedding } from '../src/core/calib/features';
import type { EvalRequest, EvalResult } from '../src/core/evaluate/evaluator';
import { softmaxTopK } from '../src/core/evaluate/top-k';
import { inspectModel, isOnnxError, pruneModel, type InspectedModel } from '../src/core/onnx';
import { blockInfluence, embedWindows } from '../src/runtime/hidden-states';
import { generateGreedy } from '../src/runtime/generate';
import { sessionBytes } from '../src/runtime/model-bytes';
import { createWholeModelEvaluator } from '../src/runtime/whole-evaluator';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../src/core/tokenize/tokenizer';
import { fetchBytes } from '../src/runtime/fetch-bytes';
import { createSession, lastTokenLogits, type SessionHandle } from '../src/runtime/session';
import { createSplitEvaluator, type SplitEvaluator } from '../src/runtime/split-evaluator';
import { createSplitRunner, type SplitRunner } from '../src/runtime/split-runner';
import type {
  CalibrationRequest,
  CalibrationInfo,
  PrunedFiles,
  SideBySide,
  VerifyResult,
  CalibrationProgress,
  EvaluateProgress,
  LoadedModel,
  LoadProgress,
  ModelSource,
  Prediction,
  WorkerError,
  WorkerResult,
  Heartbeat,
  LoadOptions,
} from './evaluate-api';

const now = () => performance.now();

/** Candidates embedded for CCDS in the browser: 16 per domain keeps the embedding pass to seconds. */
export const DEFAULT_CANDIDATES = 96;

function toWorkerError(e: unknown, code: WorkerError['code']): WorkerError {
  const err = e as Error & { code?: string };
  if (err?.name === 'AbortError') return { code: 'cancelled', message: 'Cancelled.' };
  if (err instanceof TokenizerError) return { code: 'bad-tokenizer', message: err.message };
  if (isOnnxError(err)) return { code: 'bad-model', reason: err.code, message: err.message };
  if (err instanceof UserTextError) return { code: 'bad-input', message: err.message };
  // After an abort or an out-of-memory inside wasm, onnxruntime's module is unusable.
  if (
    err instanceof WebAssembly.RuntimeError ||
    /\bAborted\(|out of memory|memory access out of bounds/i.test(err?.message ?? '')
  )
    return { code: 'crashed', message: `onnxruntime stopped: ${err.message}` };
  return { code, message: err?.message || String(e) };
}

async function guard<T>(
  code: WorkerError['code'],
  f: () => Promise<T>,
  lost?: () => string | null,
): Promise<WorkerResult<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    // A failure after the GPU device was lost is the device's fault, whatever onnxruntime says.
    const reason = lost?.();
    if (reason !== undefined && reason !== null && (e as Error)?.name !== 'AbortError')
      return { ok: false, error: { code: 'device-lost', message: `The GPU device was lost (${reason}).` } };
    return { ok: false, error: toWorkerError(e, code) };
  }
}

const SIDE_FILES = new Set([
  'tokenizer.json',
  'tokenizer_config.json',
  'config.json',
  'generation_config.json',
  'special_tokens_map.json',
]);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** A dropped JSON side file, parsed; malformed JSON says which file and what to do. */
function parseSideFile(name: string, bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(text(bytes)) as unknown;
  } catch (e) {
    throw new Error(
      `${name} is not valid JSON (${(e as Error).message}). Drop the ${name} that came with the model${what}.`,
      { cause: e },
    );
  }
}

async function fetchOptional(url: string): Promise<Uint8Array | null> {
  const r = await fetch(url);
  return r.ok ? new Uint8Array(await r.arrayBuffer()) : null;
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
export function createModelApi(options: { diagnostics?: WorkerDiagnostics } = {}) {
  const diagnostics = options.diagnostics;
  /** `guard` for calls that run the model: on WebGPU, a lost device names itself as the cause. */
  const guardGpu = <T>(code: WorkerError['code'], f: () => Promise<T>) =>
    guard(code, f, () => (handle?.backend === 'webgpu' ? (diagnostics?.deviceLost ?? null) : null));
  let handle: SessionHandle | undefined;
  let tokenizer: TextTokenizer | undefined;
  let inspected: InspectedModel | undefined;
  let runner: SplitRunner | undefined;
  let evaluator: SplitEvaluator | undefined;
  let windows: number[][] = [];
  let config: Record<string, unknown> | null = null;
  /** tokenizer.json and friends as the user gave them, shipped again with every export. */
  let sideFiles = new Map<string, Uint8Array>();
  /** The last pruned model a generation ran on, kept while the same pattern is tried again. */
  let prunedSession: { key: string; handle: SessionHandle } | undefined;
  let current: AbortController | undefined;
  /** The evaluate call running now, and when it last finished a pattern (the page's hang watchdog reads it). */
  let evaluating: { since: number } | undefined;
  // create() and run() on one session must never overlap (onnxruntime-web); serialise calls.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f, f);
    queue = p.catch(() => undefined);
    return p;
  };
  const dropModel = async () => {
    await prunedSession?.handle.session.release();
    prunedSession = undefined;
    evaluator = undefined;
    await runner?.release();
    runner = undefined;
    await handle?.session.release();
    handle = undefined;
    inspected = undefined;
  };

  /**
   * Checks everything before touching the loaded model, so a bad file leaves the previous one usable.
   * The session runs on the chosen backend unless the model needs what the adapter lacks (float16
   * without shader-f16): then on wasm, and `backendNotice` says why.
   */
  const install = async (
    parts: { model: Uint8Array; name: string; sideFiles: Map<string, Uint8Array>; dataFiles: Map<string, Blob> },
    chosen: Backend,
    adapter: LoadOptions,
    onProgress: (p: LoadProgress) => void,
    t0: number,
  ): Promise<WorkerResult<LoadedModel>> => {
    const tok = await guard('bad-tokenizer', async () => {
      const json = parseSideFile('tokenizer.json', parts.sideFiles.get('tokenizer.json')!, '');
      const cfgBytes = parts.sideFiles.get('tokenizer_config.json');
      return loadTokenizer(json, cfgBytes ? parseSideFile('tokenizer_config.json', cfgBytes, ', or leave it out') : {});
    });
    if (!tok.ok) return tok;
    // Parsed before the session is created: a bad config.json must not cost the loaded model.
    const cfg = await guard('bad-input', async () => {
      const bytes = parts.sideFiles.get('config.json');
      const parsed = bytes ? parseSideFile('config.json', bytes, ', or leave it out') : null;
      return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
    });
    if (!cfg.ok) return cfg;
    const info = await guard('bad-model', () =>
      inspectModel(parts.model, { name: parts.name, files: parts.dataFiles }),
    );
    if (!info.ok) return info;
    const expected = adapter.expectFingerprint;
    if (expected && info.value.fingerprint !== expected) {
      return {
        ok: false,
        error: {
          code: 'bad-input',
          reason: 'other-model',
          message: `${parts.name} is not the model this was done with (fingerprint ${info.value.fingerprint}, expected ${expected}). Open the same model's files.`,
        },
      };
    }
    const { backend, notice } = backendForModel(chosen, adapter, info.value.summary);
    onProgress({ type: 'session', backend });
    const created = await guard('session-failed', async () => {
      const externalData = [];
      for (const [path, blob] of parts.dataFiles)
        externalData.push({ path, data: new Uint8Array(await blob.arrayBuffer()) });
      return createSession(parts.model, backend, externalData.length ? { externalData } : {});
    });
    if (!created.ok) return created;
    await dropModel();
    handle = created.value;
    tokenizer = tok.value;
    inspected = info.value;
    sideFiles = parts.sideFiles;
    config = cfg.value;
    const ms = now() - t0;
    onProgress({ type: 'ready', backend, ms });
    return {
      ok: true,
      value: {
        name: parts.name,
        backend,
        backendNotice: notice,
        bytes: parts.model.length + [...parts.dataFiles.values()].reduce((a, b) => a + b.size, 0),
        inputs: handle.session.inputNames,
        outputs: handle.session.outputNames,
        vocabSize: tokenizer.vocabSize,
        blocks: info.value.blocks.blocks.length,
        architecture: info.value.summary.architecture,
        fingerprint: info.value.fingerprint,
        ms,
      },
    };
  };

  return {
    async loadModel(
      source: ModelSource,
      backend: Backend,
      onProgress: (p: LoadProgress) => void,
      adapter: LoadOptions = {},
    ): Promise<WorkerResult<LoadedModel>> {
      return serial(async () => {
        const t0 = now();
        const got = await guard('download-failed', async () => {
          const side = async (url: string | undefined) => (url ? fetchOptional(url) : null);
          const [tok, tokConfig, cfg] = await Promise.all([
            side(source.tokenizerUrl),
            side(source.tokenizerConfigUrl),
            side(source.configUrl),
          ]);
          if (!tok) throw new Error(`Could not download ${source.tokenizerUrl}.`);
          const model = await fetchBytes(source.modelUrl, (loaded, total) =>
            onProgress({ type: 'download', file: source.modelUrl, loaded, total }),
          );
          const sideFiles = new Map<string, Uint8Array>([['tokenizer.json', tok]]);
          if (tokConfig) sideFiles.set('tokenizer_config.json', tokConfig);
          if (cfg) sideFiles.set('config.json', cfg);
          return {
            model,
            name: source.modelUrl.split('/').pop() ?? 'model.onnx',
            sideFiles,
            dataFiles: new Map<string, Blob>(),
          };
        });
        if (!got.ok) return got;
        return install(got.value, backend, adapter, onProgress, t0);
      });
    },

    /**
     * Loads a model from files the user dropped: one .onnx, its external data files, and
     * tokenizer.json / tokenizer_config.json / config.json. Files are passed as File objects
     * (cloned by reference, not copied) and read here, off the page's thread.
     */
    async loadModelFiles(
      files: File[],
      backend: Backend,
      onProgress: (p: LoadProgress) => void,
      adapter: LoadOptions = {},
    ): Promise<WorkerResult<LoadedModel>> {
      return serial(async () => {
        const t0 = now();
        const onnx = files.filter((f) => f.name.toLowerCase().endsWith('.onnx'));
        if (onnx.length !== 1) {
          return {
            ok: false,
            error: {
              code: 'bad-input',
              message:
                onnx.length === 0
                  ? 'Drop one .onnx model file (with its tokenizer.json and any .onnx_data files).'
                  : `Drop one .onnx at a time; you dropped ${onnx.length}: ${onnx.map((f) => f.name).join(', ')}.`,
            },
          };
        }
        // From the sizes alone, before a byte is read.
        const tooLarge = tooLargeForBrowser(files);
        if (tooLarge) return { ok: false, error: { code: 'too-large', message: tooLarge } };
        const sideFiles = new Map<string, Uint8Array>();
        const dataFiles = new Map<string, Blob>();
        for (const f of files) {
          if (f === onnx[0]) continue;
          if (SIDE_FILES.has(f.name)) sideFiles.set(f.name, new Uint8Array(await f.arrayBuffer()));
          else if (!/\.(json|txt|md)$/i.test(f.name)) dataFiles.set(f.name, f);
        }
        if (!sideFiles.has('tokenizer.json')) {
          return {
            ok: false,
            error: {
              code: 'bad-tokenizer',
              message:
                'This model needs its tokenizer.json: drop it together with the .onnx file (your current model stays loaded).',
            },
          };
        }
        const file = onnx[0]!;
        onProgress({ type: 'download', file: file.name, loaded: 0, total: file.size });
        const model = new Uint8Array(await file.arrayBuffer());
        onProgress({ type: 'download', file: file.name, loaded: file.size, total: file.size });
        return install({ model, name: file.name, sideFiles, dataFiles }, backend, adapter, onProgress, t0);
      });
    },

    async predictNext(prompt: string, k = 5): Promise<WorkerResult<Prediction>> {
      return serial(async () => {
        const h = handle;
        const tok = tokenizer;
        if (!h || !tok) return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        const ids = tok.encode(prompt);
        if (ids.length === 0)
          return { ok: false, error: { code: 'bad-input', message: 'Type a prompt of at least one token.' } };
        return guardGpu('internal', async () => {
          const t0 = now();
          const logits = await lastTokenLogits(h, ids);
          const top = softmaxTopK(logits, k).map((t) => ({ id: t.id, text: tok.tokenText(t.id), prob: t.prob }));
          return { prompt, promptTokens: ids.length, top, ms: now() - t0, backend: h.backend };
        });
      });
    },

    /** Builds a calibration set (built-in pools or the user's text; CCDS or random) and the split evaluator over it. */
    async useCalibration(
      req: CalibrationRequest,
      onProgress: (p: CalibrationProgress) => void,
    ): Promise<WorkerResult<CalibrationInfo>> {
      return serial(async () => {
        const tok = tokenizer;
        const model = inspected;
        if (!tok || !model || !handle)
          return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        const backend = handle.backend;
        current = new AbortController();
        const signal = current.signal;
        return guardGpu('internal', async () => {
          const t0 = now();
          /** The split runner, made once per model (its sessions outlive calibration sets). */
          const splitRunner = async () => {
            if (!runner) {
              onProgress({ type: 'split', blocks: model.blocks.blocks.length });
              runner = await createSplitRunner(model, backend);
            }
            return runner;
          };
          /** Makes `chosen` the calibration set the evaluator scores on, and describes it. */
          const adopt = async (
            chosen: number[][],
            about: Pick<CalibrationInfo, 'candidates' | 'domains' | 'points'>,
          ): Promise<CalibrationInfo> => {
            const r = await splitRunner();
            windows = chosen;
            evaluator = createSplitEvaluator(r, windows);
            const ms = now() - t0;
            onProgress({ type: 'ready', windows: windows.length, seqLen: req.seqLen, ms });
            return {
              method: req.method,
              seed: req.seed,
              windows: windows.length,
              seqLen: req.seqLen,
              tokens: windows.length * (req.seqLen - 1),
              ...about,
              ids: windows,
              ms,
            };
          };
          if (req.source.kind === 'windows') {
            const given = req.source.windows.map((w) => [...w]);
            if (given.length === 0 || given.some((w) => w.length !== req.seqLen))
              throw new UserTextError('empty', `Give windows of exactly ${req.seqLen} token ids each.`);
            if (given.some((w) => w.some((id) => !Number.isInteger(id) || id < 0 || id >= tok.vocabSize)))
              throw new UserTextError('empty', `Token ids must be whole numbers from 0 to ${tok.vocabSize - 1}.`);
            return adopt(given, { candidates: given.length, domains: { given: given.length }, points: [] });
          }
          const max = req.candidates ?? DEFAULT_CANDIDATES;
          let candidates: CandidateWindow[];
          if (req.source.kind === 'builtin') {
            const base = req.source.corpusUrl;
            const index = parseCorpusIndex(await fetchJson(new URL('index.json', base).href));
            const files = [];
            for (const d of index.domains) {
              const r = await fetch(new URL(d.pool.file, base).href);
              if (!r.ok) throw new Error(`Could not download the corpus file ${d.pool.file}: HTTP ${r.status}.`);
              files.push({ domain: d.domain, file: d.pool.file, text: await r.text() });
              onProgress({ type: 'corpus', loaded: files.length, total: index.domains.length });
            }
            candidates = builtInCandidates(files, tok, { seqLen: req.seqLen, candidates: max });
          } else {
            const { input, fileName, field } = req.source;
            const user = parseUserText(input, {
              ...(fileName ? { fileName } : {}),
              ...(field ? { field, column: field } : {}),
            });
            const docs = toCorpusDocuments(user, fileName ?? 'pasted');
            candidates = spreadOverDomains(cutWindows(docs, tok, { seqLen: req.seqLen }), max);
            if (candidates.length < req.samples) {
              throw new UserTextError(
                'empty',
                `Your text gave ${candidates.length} window(s) of ${req.seqLen} tokens, fewer than the ${req.samples} samples asked for. Add text, or lower the samples or the tokens per sample.`,
              );
            }
          }
          onProgress({ type: 'tokenize', windows: candidates.length });
          if (candidates.length < req.samples) {
            throw new Error(
              `The pool gave only ${candidates.length} windows of ${req.seqLen} tokens; ask for fewer samples or shorter windows.`,
            );
          }
          let selection: CalibrationSelection;
          if (req.method === 'ccds') {
            const r = await splitRunner();
            const block = req.block ?? defaultEmbeddingBlock(r.blocks);
            const emb = await embedWindows(
              r,
              candidates.map((c) => c.ids),
              block,
              {
                signal,
                onProgress: (done, total) => onProgress({ type: 'embed', done, total }),
              },
            );
            selection = ccdsSample(candidates, emb, {
              samples: req.samples,
              clusters: req.clusters ?? req.samples,
              seed: req.seed,
            });
          } else {
            // No model pass for random sampling; the scatter plot uses the cheap token-histogram embedding.
            const emb = candidates.map((c) => tokenHistogramEmbedding(c.ids));
            selection = randomSample(candidates, { samples: req.samples, seed: req.seed }, emb);
          }
          const domains: Record<string, number> = {};
          for (const smp of selection.samples) domains[smp.source.domain] = (domains[smp.source.domain] ?? 0) + 1;
          return adopt(
            selection.samples.map((smp) => candidates[smp.window]!.ids),
            {
              candidates: candidates.length,
              domains,
              points: selection.points.map((p, i) => ({ ...p, domain: candidates[i]!.source.domain })),
            },
          );
        });
      });
    },

    /** ShortGPT's Block Influence of every block on the calibration set (one dense pass). */
    async blockInfluence(): Promise<WorkerResult<number[]>> {
      return serial(async () => {
        const r = runner;
        if (!r || windows.length === 0)
          return { ok: false, error: { code: 'no-calibration', message: 'Choose a calibration set first.' } };
        return guardGpu('internal', () => blockInfluence(r, windows));
      });
    },

    /** The pruned model as files (transferred, not copied), with config.json rewritten. */
    async exportPruned(drop: number[]): Promise<WorkerResult<PrunedFiles>> {
      return serial(async () => {
        const model = inspected;
        if (!model) return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        return guard('bad-input', async () => {
          const pruned = pruneModel(model, drop, config ? { config } : {});
          const bytes = await sessionBytes(pruned.files);
          const files: PrunedFiles = {
            drop: [...drop].sort((a, b) => a - b),
            keep: pruned.result.keep,
            onnxName: 'model.onnx',
            onnx: bytes.onnx,
            dataName: pruned.files.dataName,
            data: bytes.externalData?.[0]?.data ?? null,
            config: pruned.config,
            extras: [...sideFiles].filter(([name]) => name !== 'config.json').map(([name, bytes]) => ({ name, bytes })),
          };
          // Hand the buffers over to the page instead of copying them.
          return transfer(files, [files.onnx.buffer, ...(files.data ? [files.data.buffer] : [])] as Transferable[]);
        });
      });
    },

    /**
     * Loads an exported .onnx in a fresh session and scores the calibration set with logits and
     * log-softmax outside the graph: an independent check of what the search reported.
     */
    async verifyExport(onnx: Uint8Array): Promise<WorkerResult<VerifyResult>> {
      return serial(async () => {
        const h = handle;
        if (!h || windows.length === 0)
          return { ok: false, error: { code: 'no-calibration', message: 'Choose a calibration set first.' } };
        return guardGpu('bad-model', async () => {
          const t0 = now();
          const exported = await inspectModel(onnx, { name: 'model.onnx' });
          const whole = createWholeModelEvaluator(exported, windows, { backend: h.backend });
          const [r] = await whole.evaluate([{ drop: [] }]);
          return { ppl: r!.ppl, nll: r!.nll, tokens: r!.tokens, ms: now() - t0 };
        });
      });
    },

    /** Scores a batch of patterns on the calibration set; results stream through `onResult`. */
    async evaluate(
      batch: EvalRequest[],
      onResult?: (p: EvaluateProgress) => void,
    ): Promise<WorkerResult<EvalResult[]>> {
      return serial(async () => {
        const ev = evaluator;
        if (!ev) return { ok: false, error: { code: 'no-calibration', message: 'Choose a calibration set first.' } };
        current = new AbortController();
        const signal = current.signal;
        const busy = { since: now() };
        evaluating = busy;
        try {
          return await guardGpu('internal', () =>
            ev.evaluate(batch, {
              signal,
              onResult: (result, done, total) => {
                busy.since = now();
                onResult?.({ result, done, total });
              },
            }),
          );
        } finally {
          evaluating = undefined;
        }
      });
    },

    /** Greedy continuation of `prompt` by the original model and by the model without `drop`, with tokens per second. */
    async generateSideBySide(prompt: string, drop: number[], maxNew = 24): Promise<WorkerResult<SideBySide>> {
      return serial(async () => {
        const h = handle;
        const tok = tokenizer;
        const model = inspected;
        if (!h || !tok || !model) return { ok: false, error: { code: 'not-loaded', message: 'Load a model first.' } };
        const ids = tok.encode(prompt);
        if (ids.length === 0)
          return { ok: false, error: { code: 'bad-input', message: 'Type a prompt of at least one token.' } };
        return guardGpu('internal', async () => {
          const key = [...drop].sort((a, b) => a - b).join(',');
          if (prunedSession?.key !== key) {
            await prunedSession?.handle.session.release();
            prunedSession = undefined;
            const bytes = await sessionBytes(pruneModel(model, drop).files);
            const created = await createSession(
              bytes.onnx,
              h.backend,
              bytes.externalData ? { externalData: bytes.externalData } : {},
            );
            prunedSession = { key, handle: created };
          }
          const run = async (sh: SessionHandle) => {
            // One untimed token first: the first run of a session pays one-off setup costs.
            await generateGreedy(sh, ids, 1);
            const g = await generateGreedy(sh, ids, maxNew);
            return { text: tok.decode(g.ids), tokens: g.ids.length, ms: g.ms, tokensPerSecond: g.tokensPerSecond };
          };
          return { prompt, drop: [...drop], original: await run(h), pruned: await run(prunedSession.handle) };
        });
      });
    },

    /** Answers at once (outside the serial queue): the page's heartbeat while a batch runs. */
    ping(): Heartbeat {
      return { evaluatingSilentMs: evaluating ? now() - evaluating.since : null };
    },

    /** Aborts the running evaluation or calibration between two steps; the worker stays usable. */
    cancel(): void {
      current?.abort();
    },
  };
}
