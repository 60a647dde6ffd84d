import type * as OrtTypes from 'onnxruntime-web';
import { ort, ortKind } from './ort';
import { planDecoderFeeds, type FeedPlan, type InputSpec } from '../core/evaluate/decoder-feeds';

import type { Backend } from '../core/env/backend';

export type { Backend };

export interface SessionHandle {
  readonly session: OrtTypes.InferenceSession;
  readonly backend: Backend;
}

export interface CreateSessionOptions {
  readonly externalData?: { path: string; data: Uint8Array }[];
  /** Keep outputs on the GPU (WebGPU only): hidden states passed from block to block. */
  readonly keepOutputsOnDevice?: boolean;
}

export async function createSession(
  bytes: Uint8Array,
  backend: Backend,
  options: CreateSessionOptions = {},
): Promise<SessionHandle> {
  const session = await ort().InferenceSession.create(bytes, {
    // onnxruntime-node's CPU provider stands in for wasm when the CLI runs on it.
    executionProviders: [ortKind() === 'node' ? 'cpu' : backend],
    graphOptimizationLevel: 'all',
    // ORT warns (on console.error) that shape ops run on the CPU under WebGPU: expected, not actionable.
    logSeverityLevel: 3,
    ...(options.externalData ? { externalData: options.externalData } : {}),
    // onnxruntime-node: each session's intra-op threads spin after a run; with the split
    // evaluator's 18 sessions running one after another they starve each other (8 patterns of
    // the eval bench: 6.7 s spinning, 0.9 s not, on 2 cores).
    ...(ortKind() === 'node' ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    ...(options.keepOutputsOnDevice && backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  });
  return { session, backend };
}

export function inputSpecs(session: OrtTypes.InferenceSession): InputSpec[] {
  return session.inputMetadata.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** A feed tensor for a batch of equal-length windows of token ids. */
export function tensorFor(plan: FeedPlan, windows: readonly (readonly number[])[]): OrtTypes.Tensor {
  const { Tensor } = ort();
  const size = plan.dims.reduce((a, b) => a * b, 1);
  const seq = windows[0]?.length ?? 0;
  const fill = (f: (w: number, t: number) => number): number[] =>
    Array.from({ length: size }, (_, i) => f(Math.floor(i / seq), i % seq));
  const values =
    plan.kind === 'input_ids'
      ? fill((w, t) => windows[w]?.[t] as number)
      : plan.kind === 'position_ids'
        ? fill((_, t) => t)
        : fill(() => 1);
  switch (plan.dtype) {
    case 'int64':
      if (plan.kind === 'past') return new Tensor('int64', new BigInt64Array(size), plan.dims);
      return new Tensor('int64', BigInt64Array.from(values, BigInt), plan.dims);
    case 'int32':
      if (plan.kind === 'past') return new Tensor('int32', new Int32Array(size), plan.dims);
      return new Tensor('int32', Int32Array.from(values), plan.dims);
    case 'float32':
      return new Tensor('float32', new Float32Array(size), plan.dims);
    case 'float16':
      return new Tensor('float16', new Uint16Array(size), plan.dims);
  }
}

/** Full logits [batch, seq, vocab] for a batch of equal-length windows (no cache). */
export async function windowLogits(
  handle: SessionHandle,
  windows: readonly (readonly number[])[],
): Promise<{ data: Float32Array; vocab: number }> {
  const feeds: Record<string, OrtTypes.Tensor> = {};
  for (const plan of planDecoderFeeds(inputSpecs(handle.session), windows.length, windows[0]?.length ?? 0)) {
    feeds[plan.name] = tensorFor(plan, windows);
  }
  const name = handle.session.outputNames.includes('logits') ? 'logits' : handle.session.outputNames[0];
  if (!name) throw new Error('The model has no outputs.');
  const out = await handle.session.run(feeds, [name]);
  const logits = out[name];
  if (!logits) throw new Error(`The model did not return "${name}".`);
  try {
    return { data: (await logits.getData()) as Float32Array, vocab: logits.dims[logits.dims.length - 1] as number };
  } finally {
    logits.dispose();
  }
}

/** Logits of the last position for one sequence of token ids (a full forward pass, no cache). */
export async function lastTokenLogits(handle: SessionHandle, ids: readonly number[]): Promise<Float32Array> {
  if (ids.length === 0) throw new RangeError('Type at least one token of prompt.');
  const { data, vocab } = await windowLogits(handle, [ids]);
  return data.slice(data.length - vocab);
}
