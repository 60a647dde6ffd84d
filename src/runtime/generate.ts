import type * as OrtTypes from 'onnxruntime-web';
import { planDecoderFeeds } from '../core/evaluate/decoder-feeds';
import { ort } from './ort';
import { inputSpecs, tensorFor, type SessionHandle } from './session';
import { yieldToEventLoop } from './yield';

export interface Generation {
  readonly ids: number[];
  readonly ms: number;
  readonly tokensPerSecond: number;
  readonly usedCache: boolean;
}

const PAST = /^past_key_values\.(\d+)\.(key|value)$/;

/**
 * Greedy decoding of `maxNew` tokens after `prompt`, with the KV cache when the export has one
 * (`past_key_values.i.*` in, `present.i.*` out), else a full pass per token. Timing covers the
 * decode loop, prefill included, so tokens per second compare models fairly.
 */
export async function generateGreedy(
  handle: SessionHandle,
  prompt: readonly number[],
  maxNew: number,
  options: { stopId?: number; signal?: AbortSignal } = {},
): Promise<Generation> {
  const { Tensor } = ort();
  const session = handle.session;
  const specs = inputSpecs(session);
  const cached = specs.some((s) => PAST.test(s.name)) && session.outputNames.some((n) => n.startsWith('present.'));
  const ids = [...prompt];
  const out: number[] = [];
  let past = new Map<string, OrtTypes.Tensor>();
  const t0 = performance.now();
  for (let step = 0; step < maxNew; step++) {
    options.signal?.throwIfAborted();
    const fresh = cached && step > 0 ? ids.slice(-1) : ids;
    const pastLen = cached && step > 0 ? ids.length - 1 : 0;
    const feeds: Record<string, OrtTypes.Tensor> = {};
    for (const plan of planDecoderFeeds(specs, 1, fresh.length)) {
      if (plan.kind === 'past' && past.has(plan.name)) feeds[plan.name] = past.get(plan.name)!;
      else if (plan.kind === 'attention_mask')
        feeds[plan.name] = tensorFor({ ...plan, dims: [1, pastLen + fresh.length] }, [[...ids]]);
      else if (plan.kind === 'position_ids') {
        feeds[plan.name] = new Tensor(
          'int64',
          BigInt64Array.from(fresh, (_, i) => BigInt(pastLen + i)),
          [1, fresh.length],
        );
      } else feeds[plan.name] = tensorFor(plan, [fresh]);
    }
    const result = await session.run(feeds);
    const logits = result.logits ?? result[session.outputNames[0]!]!;
    const data = (await logits.getData()) as Float32Array;
    const vocab = logits.dims[logits.dims.length - 1] as number;
    let best = 0;
    for (let v = 1; v < vocab; v++) if (data[data.length - vocab + v]! > data[data.length - vocab + best]!) best = v;
    if (cached) {
      const next = new Map<string, OrtTypes.Tensor>();
      for (const s of specs) {
        const m = PAST.exec(s.name);
        const present = m ? result[`present.${m[1]}.${m[2]}`] : undefined;
        if (present) next.set(s.name, present);
      }
      past = next;
    }
    ids.push(best);
    out.push(best);
    if (best === options.stopId) break;
    await yieldToEventLoop();
  }
  const ms = performance.now() - t0;
  return { ids: out, ms, tokensPerSecond: (out.length / ms) * 1000, usedCache: cached };
}
