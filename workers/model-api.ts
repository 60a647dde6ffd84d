import type { Backend } from '../src/core/env/backend';
import { softmaxTopK } from '../src/core/evaluate/top-k';
import { loadTokenizer, TokenizerError, type TextTokenizer } from '../src/core/tokenize/tokenizer';
import { fetchBytes } from '../src/runtime/fetch-bytes';
import { createSession, lastTokenLogits, type SessionHandle } from '../src/runtime/session';
import type { LoadedModel, LoadProgress, ModelSource, Prediction, WorkerError, WorkerResult } from './evaluate-api';

const now = () => performance.now();

async function guard<T>(code: WorkerError['code'], f: () => Promise<T>): Promise<WorkerResult<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    const err = e as Error & { code?: string };
    const known = err instanceof TokenizerError ? 'bad-tokenizer' : code;
    return { ok: false, error: { code: known, message: err.message || String(e) } };
  }
}

/**
 * The worker's API as a plain object (the worker file only exposes it), so the same code runs
 * under comlink in the browser and directly in Node tests.
 */
export function createModelApi() {
  let handle: SessionHandle | undefined;
  let tokenizer: TextTokenizer | undefined;
  // create() and run() on one session must never overlap (onnxruntime-web); serialise calls.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = queue.then(f, f);
    queue = p.catch(() => undefined);
    return p;
  };

  return {
    async loadModel(
      source: ModelSource,
      backend: Backend,
      onProgress: (p: LoadProgress) => void,
    ): Promise<WorkerResult<LoadedModel>> {
      return serial(async () => {
        const t0 = now();
        const tokenized = await guard('download-failed', async () => {
          const [tokJson, tokConfig] = await Promise.all([
            fetch(source.tokenizerUrl).then((r) => {
              if (!r.ok) throw new Error(`Could not download ${source.tokenizerUrl}: HTTP ${r.status}.`);
              return r.json() as Promise<unknown>;
            }),
            source.tokenizerConfigUrl
              ? fetch(source.tokenizerConfigUrl).then((r) => (r.ok ? (r.json() as Promise<unknown>) : {}))
              : Promise.resolve({}),
          ]);
          return loadTokenizer(tokJson, tokConfig);
        });
        if (!tokenized.ok) return tokenized;
        const bytes = await guard('download-failed', () =>
          fetchBytes(source.modelUrl, (loaded, total) =>
            onProgress({ type: 'download', file: source.modelUrl, loaded, total }),
          ),
        );
        if (!bytes.ok) return bytes;
        onProgress({ type: 'session', backend });
        const created = await guard('session-failed', async () => {
          await handle?.session.release();
          handle = undefined;
          return createSession(bytes.value, backend);
        });
        if (!created.ok) return created;
        handle = created.value;
        tokenizer = tokenized.value;
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
  };
}
