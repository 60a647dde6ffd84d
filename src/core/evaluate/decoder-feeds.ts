/**
 * Which inputs a decoder export wants and how to fill them for a plain forward pass over one
 * sequence: token ids, an all-ones attention mask, positions 0..n-1, and zero-length KV caches.
 * Pure (describes the feeds); src/runtime turns the plan into tensors.
 */
export type FeedDType = 'int64' | 'int32' | 'float32' | 'float16';

export interface InputSpec {
  readonly name: string;
  readonly type: string;
  /** Dimensions as the model declares them: numbers, or symbolic names / undefined. */
  readonly shape: readonly (number | string | undefined | null)[];
}

export type FeedKind = 'input_ids' | 'attention_mask' | 'position_ids' | 'past';

export interface FeedPlan {
  readonly name: string;
  readonly kind: FeedKind;
  readonly dtype: FeedDType;
  readonly dims: readonly number[];
}

export class UnsupportedInputError extends Error {
  readonly code = 'unsupported-input';
}

const PAST = /^(past_key_values\.\d+\.(key|value)|past_\d+|past_key_\d+|past_value_\d+|past\.\d+\.(key|value))$/;

function kindOf(name: string): FeedKind | undefined {
  if (name === 'input_ids') return 'input_ids';
  if (name === 'attention_mask') return 'attention_mask';
  if (name === 'position_ids') return 'position_ids';
  if (PAST.test(name)) return 'past';
  return undefined;
}

function dtypeOf(spec: InputSpec): FeedDType {
  if (spec.type === 'int64' || spec.type === 'int32' || spec.type === 'float32' || spec.type === 'float16') {
    return spec.type;
  }
  throw new UnsupportedInputError(`Input "${spec.name}" has type ${spec.type}, which the lab cannot fill.`);
}

/**
 * Plans the feeds for `batch` sequences of `seqLen` tokens. Past inputs get a zero-length
 * sequence axis: symbolic dims become `batch` for the first axis and 0 elsewhere, which is how
 * Optimum exports expect "no cache" (e.g. [batch, kv_heads, 0, head_dim]).
 */
export function planDecoderFeeds(inputs: readonly InputSpec[], batch: number, seqLen: number): FeedPlan[] {
  return inputs.map((spec) => {
    const kind = kindOf(spec.name);
    if (!kind) {
      throw new UnsupportedInputError(
        `The model asks for an input "${spec.name}" the lab does not know how to fill. ` +
          'Supported inputs: input_ids, attention_mask, position_ids and past key/value caches.',
      );
    }
    const dtype = dtypeOf(spec);
    if (kind !== 'past') return { name: spec.name, kind, dtype, dims: [batch, seqLen] };
    const dims = spec.shape.map((d, axis) => (typeof d === 'number' && d >= 0 ? d : axis === 0 ? batch : 0));
    return { name: spec.name, kind, dtype, dims };
  });
}
