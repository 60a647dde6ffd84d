/**
 * The residual stream of a pre-norm transformer: x_{k+1} = x_k + f_k(x_k). Every sub-layer
 * (attention, MLP) ends in a node that adds its branch back onto the stream: a plain `Add`, or
 * a fused `SkipLayerNormalization` / `SkipSimplifiedLayerNormalization` that also normalises
 * the sum for the next sub-layer. Following those nodes from the embedding to the final norm
 * gives the block boundaries without trusting any name.
 */
import { feeds, type GraphIndex } from './graph-index';

export const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

/** Ops that forward the stream unchanged (exporters insert float32 casts around RMSNorm). */
const PASS_THROUGH = new Set(['Cast', 'Identity']);

export interface ResidualStep {
  /** Index of the adding node in graph.node. */
  readonly node: number;
  readonly kind: 'add' | 'skip-norm';
  /** Which input slot carries the stream (0 or 1). */
  readonly residualSlot: number;
  /** The stream tensor as this node reads it. */
  readonly residualInput: string;
  /** The branch (sub-layer output) tensor it adds. */
  readonly branchInput: string;
  /** The stream after the addition; '' for a fused final norm that does not expose the sum. */
  readonly output: string;
}

function asStep(index: GraphIndex, i: number): ResidualStep | null {
  const n = index.nodes[i]!;
  const fused = n.domain === 'com.microsoft' && SKIP_NORMS.has(n.opType);
  if (!fused && !(n.opType === 'Add' && (n.domain === '' || n.domain === 'ai.onnx'))) return null;
  const [a, b] = n.input;
  // Weights and constants are never the stream; skipping them keeps detection linear-ish.
  if (!a || !b || index.initializers.has(a) || index.initializers.has(b)) return null;
  let slot: number;
  if (feeds(index, a, b)) slot = 0;
  else if (feeds(index, b, a)) slot = 1;
  else return null;
  return {
    node: i,
    kind: fused ? 'skip-norm' : 'add',
    residualSlot: slot,
    residualInput: slot === 0 ? a : b,
    branchInput: slot === 0 ? b : a,
    output: fused ? (n.output[3] ?? '') : n.output[0]!,
  };
}

/** The tensor a pass-through chain starts from (`Cast(Cast(x))` -> x). */
function passThroughRoot(index: GraphIndex, t: string): string {
  let cur = t;
  for (;;) {
    const p = index.producer.get(cur);
    const n = p === undefined ? undefined : index.nodes[p];
    if (!n || !PASS_THROUGH.has(n.opType) || !n.input[0]) return cur;
    cur = n.input[0];
  }
}

/**
 * The longest chain of residual steps, in order. Other residual-looking adds (the x + 0.044715x³
 * inside tanh-GELU, say) do not sit on the stream and form chains of their own, which lose.
 */
export function findResidualChain(index: GraphIndex): ResidualStep[] {
  const steps: ResidualStep[] = [];
  for (let i = 0; i < index.nodes.length; i++) {
    const s = asStep(index, i);
    if (s) steps.push(s);
  }
  const byOutput = new Map<string, ResidualStep>();
  for (const s of steps) if (s.output) byOutput.set(s.output, s);
  const next = new Map<ResidualStep, ResidualStep>();
  const hasPrev = new Set<ResidualStep>();
  for (const s of steps) {
    const prev = byOutput.get(s.residualInput) ?? byOutput.get(passThroughRoot(index, s.residualInput));
    // Keep the first follower only: the stream is consumed by one adding node per sub-layer.
    if (prev && prev !== s && !next.has(prev)) {
      next.set(prev, s);
      hasPrev.add(s);
    }
  }
  let best: ResidualStep[] = [];
  for (const s of steps) {
    if (hasPrev.has(s)) continue;
    const chain: ResidualStep[] = [];
    for (let cur: ResidualStep | undefined = s; cur; cur = next.get(cur)) chain.push(cur);
    if (chain.length > best.length) best = chain;
  }
  return best;
}
