/**
 * ShortGPT (Men et al., 2024) Block Influence: BI_i = 1 - mean over calibration tokens of
 * cos(x_i, y_i), x_i and y_i the hidden state entering and leaving block i. A block whose output
 * is nearly its input does little, so ShortGPT removes the k blocks with the LOWEST BI. One dense
 * pass, no search; the hidden states come from the runtime, fed here one window at a time.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createEvaluationLedger } from './evaluation-ledger';
import { validateSpace, type Pattern } from './pattern';
import { readClock, SearchError, type SearchContext, type SearchResult } from './result';

/**
 * `cosine`: 1 - mean cos (the paper's BI). `angular`: mean arccos(cos) / pi, the angular
 * distance variant of the ShortGPT code base and Gromov et al.; same order for small angles.
 */
export type InfluenceMetric = 'cosine' | 'angular';

/** One window's hidden states: per block, input and output as [tokens x hidden] row-major. */
export interface BlockHiddenStates {
  readonly blockInputs: readonly Float32Array[];
  readonly blockOutputs: readonly Float32Array[];
  readonly hidden: number;
}

export interface BlockInfluenceAccumulator {
  /** Adds every token of one window for one block; `input` and `output` are [tokens x hidden]. */
  add(block: number, input: Float32Array, output: Float32Array): void;
  /** BI per block so far (NaN for a block that has seen no token). */
  scores(): number[];
  /** Tokens seen per block. */
  tokens(): number[];
}

// As torch.nn.functional.cosine_similarity, which the reference code uses: a zero vector gives 0.
const EPS = 1e-8;

export function createBlockInfluenceAccumulator(
  blocks: number,
  hidden: number,
  metric: InfluenceMetric = 'cosine',
): BlockInfluenceAccumulator {
  if (!Number.isInteger(hidden) || hidden < 1)
    throw new SearchError('bad-params', `hidden size must be >= 1, got ${hidden}`);
  const sum = new Float64Array(blocks);
  const count = new Float64Array(blocks);
  return {
    add(block, input, output) {
      if (!Number.isInteger(block) || block < 0 || block >= blocks) {
        throw new SearchError('bad-params', `block ${block} is out of range (0..${blocks - 1})`);
      }
      if (input.length !== output.length || input.length % hidden !== 0) {
        throw new SearchError(
          'bad-params',
          `block ${block}: input (${input.length}) and output (${output.length}) must both be tokens x ${hidden} values`,
        );
      }
      for (let t = 0; t < input.length; t += hidden) {
        let dot = 0;
        let nx = 0;
        let ny = 0;
        for (let h = t; h < t + hidden; h++) {
          const x = input[h]!;
          const y = output[h]!;
          dot += x * y;
          nx += x * x;
          ny += y * y;
        }
        const cos = Math.max(-1, Math.min(1, dot / Math.max(Math.sqrt(nx) * Math.sqrt(ny), EPS)));
        sum[block]! += metric === 'cosine' ? 1 - cos : Math.acos(cos) / Math.PI;
        count[block]!++;
      }
    },
    scores: () => Array.from(sum, (s, i) => (count[i]! > 0 ? s / count[i]! : NaN)),
    tokens: () => Array.from(count),
  };
}

/** BI per block over whole windows at once (each element one window). */
export function computeBlockInfluence(
  windows: readonly BlockHiddenStates[],
  metric: InfluenceMetric = 'cosine',
): number[] {
  const first = windows[0];
  if (!first) throw new SearchError('bad-params', 'Block Influence needs at least one calibration window');
  const acc = createBlockInfluenceAccumulator(first.blockInputs.length, first.hidden, metric);
  for (const w of windows) {
    w.blockInputs.forEach((input, b) => acc.add(b, input, w.blockOutputs[b]!));
  }
  return acc.scores();
}

/** The k blocks with the lowest influence, ascending ids; ties go to the lower block id. */
export function pickLowestInfluence(scores: readonly number[], k: number): Pattern {
  validateSpace({ units: scores.length, removed: k });
  const bad = scores.findIndex((s) => !Number.isFinite(s));
  if (bad >= 0)
    throw new SearchError('missing-influence', `block ${bad} has no Block Influence score (${scores[bad]})`);
  return scores
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .slice(0, k)
    .map((e) => e.i)
    .sort((a, b) => a - b);
}

export interface ShortGptParams {
  readonly k: number;
  /** Block Influence per block, from one dense pass (`createBlockInfluenceAccumulator`). */
  readonly influence?: readonly number[];
  /** Score the pick on the full set so it compares with the other methods. Default true. */
  readonly evaluate?: boolean;
}

export async function searchShortGpt(
  evaluator: Evaluator,
  params: ShortGptParams,
  context: SearchContext = {},
): Promise<SearchResult> {
  const { influence } = params;
  if (!influence) {
    throw new SearchError(
      'missing-influence',
      'ShortGPT needs the Block Influence of every block from one dense pass; compute it with createBlockInfluenceAccumulator and pass it as influence',
    );
  }
  if (influence.length !== evaluator.blocks) {
    throw new SearchError(
      'missing-influence',
      `got Block Influence for ${influence.length} blocks, but the model has ${evaluator.blocks}`,
    );
  }
  validateSpace({ units: evaluator.blocks, removed: params.k });
  const now = readClock(context);
  const started = now();
  const drop = pickLowestInfluence(influence, params.k);
  const ledger = createEvaluationLedger(evaluator);
  let ppl = NaN;
  if (params.evaluate ?? true) ppl = (await ledger.score([{ drop }], context.signal))[0]!.ppl;
  const ms = now() - started;
  const entry = {
    step: 1,
    drop,
    ppl,
    evaluations: ledger.evaluations(),
    tokensEvaluated: ledger.tokensEvaluated(),
    elapsedMs: ms,
  };
  return {
    method: 'shortgpt',
    drop,
    ppl,
    evaluations: entry.evaluations,
    tokensEvaluated: entry.tokensEvaluated,
    ms,
    history: [entry],
    stopReason: 'done',
    scores: [...influence],
  };
}
