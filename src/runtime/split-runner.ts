import type * as OrtTypes from 'onnxruntime-web';
import {
  emptyCacheDims,
  HIDDEN_IN,
  HIDDEN_OUT,
  LABELS,
  NLL_SUM,
  splitModel,
  TOKEN_COUNT,
  writeModel,
  type InspectedModel,
  type SplitModel,
  type SplitPart,
} from '../core/onnx';
import { planDecoderFeeds, type InputSpec } from '../core/evaluate/decoder-feeds';
import type { NllSum } from '../core/evaluate/nll';
import type { Backend } from '../core/env/backend';
import { sessionBytes } from './model-bytes';
import { ort } from './ort';
import { createSession, inputSpecs, tensorFor, type SessionHandle } from './session';

export interface RunnerStats {
  /** Block sub-model runs (one per block per window chunk). */
  blockPasses: number;
  prologuePasses: number;
  epiloguePasses: number;
}

/** The feeds of one chunk of windows: original inputs, labels, and (after the prologue) shared tensors. */
export type FeedPool = Map<string, OrtTypes.Tensor>;

/**
 * The model split once into prologue / block / epilogue sessions, created once per model and
 * reused for every calibration set and pattern. Everything that runs sub-models goes through here.
 */
export interface SplitRunner {
  readonly backend: Backend;
  readonly blocks: number;
  readonly split: SplitModel;
  readonly stats: RunnerStats;
  /** Runs the prologue on a chunk of windows: the pool (with shared tensors) and the stream after the embedding. */
  begin(windows: readonly (readonly number[])[]): Promise<{ pool: FeedPool; hidden: OrtTypes.Tensor }>;
  /** Runs one block on the stream. */
  block(b: number, pool: FeedPool, hidden: OrtTypes.Tensor): Promise<OrtTypes.Tensor>;
  /** Runs the epilogue: summed NLL and token count of the chunk. */
  score(pool: FeedPool, hidden: OrtTypes.Tensor): Promise<NllSum>;
  /** Frees the chunk's shared tensors. */
  end(pool: FeedPool): void;
  release(): Promise<void>;
}

export async function createSplitRunner(inspected: InspectedModel, backend: Backend): Promise<SplitRunner> {
  const split = splitModel(inspected.model.proto, inspected.blocks);
  const open = async (part: SplitPart, name: string, onDevice: boolean): Promise<SessionHandle> => {
    const bytes = await sessionBytes(writeModel(inspected.model, part.proto, `${name}.onnx_data`));
    return createSession(bytes.onnx, backend, {
      keepOutputsOnDevice: onDevice,
      ...(bytes.externalData ? { externalData: bytes.externalData } : {}),
    });
  };
  // Sequential: create() calls on onnxruntime-web must not overlap.
  const prologue = await open(split.prologue, 'prologue', true);
  const blocks: SessionHandle[] = [];
  for (const [i, part] of split.blocks.entries()) blocks.push(await open(part, `block_${i}`, true));
  const epilogue = await open(split.epilogue, 'epilogue', false);
  const all = [prologue, ...blocks, epilogue];

  const internal = new Set([HIDDEN_IN, LABELS, ...split.shared]);
  const originalSpecs = new Map<string, InputSpec>();
  for (const h of all) for (const s of inputSpecs(h.session)) if (!internal.has(s.name)) originalSpecs.set(s.name, s);

  const stats: RunnerStats = { blockPasses: 0, prologuePasses: 0, epiloguePasses: 0 };

  const run = async (h: SessionHandle, pool: FeedPool, hidden?: OrtTypes.Tensor) => {
    const feeds: Record<string, OrtTypes.Tensor> = {};
    for (const name of h.session.inputNames) {
      const t = name === HIDDEN_IN ? hidden : pool.get(name);
      if (!t) throw new Error(`No value for sub-model input "${name}".`);
      feeds[name] = t;
    }
    return h.session.run(feeds);
  };

  return {
    backend,
    blocks: blocks.length,
    split,
    stats,
    async begin(ws) {
      const seq = ws[0]?.length ?? 0;
      const pool: FeedPool = new Map();
      for (const plan of planDecoderFeeds([...originalSpecs.values()], ws.length, seq)) {
        const declared = plan.kind === 'past' ? split.cacheInputs.get(plan.name) : undefined;
        pool.set(plan.name, tensorFor(declared ? { ...plan, dims: emptyCacheDims(declared, ws.length) } : plan, ws));
      }
      pool.set(LABELS, new (ort().Tensor)('int64', BigInt64Array.from(ws.flat(), BigInt), [ws.length, seq]));
      const out = await run(prologue, pool);
      stats.prologuePasses++;
      for (const name of split.shared) pool.set(name, out[name]!);
      return { pool, hidden: out[HIDDEN_OUT]! };
    },
    async block(b, pool, hidden) {
      const out = await run(blocks[b]!, pool, hidden);
      stats.blockPasses++;
      return out[HIDDEN_OUT]!;
    },
    async score(pool, hidden) {
      const out = await run(epilogue, pool, hidden);
      stats.epiloguePasses++;
      return { sum: Number((await out[NLL_SUM]!.getData())[0]), count: Number((await out[TOKEN_COUNT]!.getData())[0]) };
    },
    end(pool) {
      for (const name of split.shared) pool.get(name)?.dispose();
    },
    async release() {
      for (const h of all) await h.session.release();
    },
  };
}

/** Reads a hidden-state tensor [batch, seq, hidden] to float32 (fp16 models are widened). */
export async function readHidden(t: OrtTypes.Tensor): Promise<{ data: Float32Array; hidden: number }> {
  const raw = await t.getData();
  const hidden = t.dims[t.dims.length - 1] as number;
  if (raw instanceof Float32Array) return { data: raw, hidden };
  if (t.type === 'float16' && raw instanceof Uint16Array) return { data: Float32Array.from(raw, halfToFloat), hidden };
  return { data: Float32Array.from(raw as ArrayLike<number>), hidden };
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
