/**
 * Finds the transformer blocks of a decoder: the residual chain gives the boundaries (where the
 * stream enters and leaves each block); layer numbers in node and tensor names group the
 * sub-layers into blocks, and when names say nothing each attention sub-layer starts a block.
 * A model this cannot understand gets a typed error, never a guessed mask.
 */
import { OnnxError } from './errors';
import { ancestorNodes, descendantNodes, indexGraph, type GraphIndex } from './graph-index';
import { describeKvCache, parseKvName, type KvInfo } from './kv-cache';
import type { GraphProto } from './proto';
import { findResidualChain, type ResidualStep } from './residual-chain';

export interface Block {
  readonly index: number;
  /** The residual stream entering the block. */
  readonly input: string;
  /** Positions in `BlockMap.chain` of the block's residual steps (one per sub-layer). */
  readonly steps: readonly number[];
  /** Nodes computing the block's branches (for parameter counts; surgery uses reachability). */
  readonly nodes: ReadonlySet<number>;
  readonly hasAttention: boolean;
  /** KV-cache inputs and outputs belonging to this block, by the layer number in their names. */
  readonly pastInputs: readonly string[];
  readonly presentOutputs: readonly string[];
}

export interface BlockMap {
  readonly blocks: readonly Block[];
  /** How sub-layers were grouped into blocks. */
  readonly source: 'names' | 'residual-chain';
  readonly chain: readonly ResidualStep[];
  /** True when block boundaries sit inside fused Skip*Normalization nodes. */
  readonly fused: boolean;
  readonly kv: KvInfo;
  readonly index: GraphIndex;
}

const CONTROL_FLOW = new Set(['If', 'Loop', 'Scan']);
const ATTENTION = new Set([
  'Attention',
  'MultiHeadAttention',
  'GroupQueryAttention',
  'PackedAttention',
  'PackedMultiHeadAttention',
  'SparseAttention',
  'PagedAttention',
  'DecoderMaskedMultiHeadAttention',
  'Softmax',
]);
const LAYER_IN_NAME = /(?:^|[/.])(?:layers|layer|h|blocks|block)[._](\d+)(?=[/._]|$)/;
const ENCODER_NAME = /(?:^|[/._])encoder(?:[/._]|$)/i;
const DECODER_NAME = /(?:^|[/._])decoder(?:[/._]|$)/i;

function checkSupported(graph: GraphProto, name: string): void {
  if (graph.node.length === 0) {
    throw new OnnxError(
      'stub-model',
      `${name} has no compute nodes: its outputs are constants, so it is an input/output stub (a test ` +
        'placeholder), not a trained model. Drop a real export of the model instead.',
    );
  }
  const cf = graph.node.find((n) => CONTROL_FLOW.has(n.opType) && (n.domain === '' || n.domain === 'ai.onnx'));
  if (cf) {
    throw new OnnxError(
      'control-flow',
      `${name} contains control flow (${cf.opType} node "${cf.name || cf.output[0]}"), and blocks inside it cannot be ` +
        'removed safely. Merged decoders (decoder_model_merged.onnx) switch between two graphs with If: use ' +
        'decoder_model.onnx or decoder_with_past_model.onnx from the same export instead.',
    );
  }
  const names = [...graph.node.map((n) => n.name), ...graph.initializer.map((t) => t.name)];
  const encoder = names.some((n) => ENCODER_NAME.test(n));
  const decoder = names.some((n) => DECODER_NAME.test(n));
  // token_type_ids alone is weak evidence (some decoders accept it); require no cache and no
  // decoder-style layer names as well.
  const tokenTypes =
    graph.input.some((v) => v.name === 'token_type_ids') &&
    !graph.input.some((v) => parseKvName(v.name)) &&
    !names.some((n) => LAYER_IN_NAME.test(n) && !ENCODER_NAME.test(n));
  if ((encoder && !decoder) || (tokenTypes && !decoder)) {
    throw new OnnxError(
      'encoder-only',
      `${name} is an encoder-only model (BERT-style: bidirectional attention, no next-token prediction), so ` +
        'perplexity and block pruning for generation do not apply. Drop a decoder-only language model ' +
        '(Llama, Qwen2, Mistral, Phi-3, GPT-2...).',
    );
  }
}

function layerVote(index: GraphIndex, nodes: ReadonlySet<number>): number | null {
  const votes = new Map<number, number>();
  for (const i of nodes) {
    const n = index.nodes[i]!;
    for (const s of [n.name, ...n.output]) {
      const m = LAYER_IN_NAME.exec(s);
      if (m) votes.set(Number(m[1]), (votes.get(Number(m[1])) ?? 0) + 1);
    }
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [layer, c] of votes) if (c > bestCount) [best, bestCount] = [layer, c];
  return best;
}

/** Sub-layer -> block number from names, when names number every sub-layer consistently. */
function groupByNames(layers: readonly (number | null)[]): number[] | null {
  if (layers.length === 0 || layers[0] !== 0) return null;
  for (let i = 1; i < layers.length; i++) {
    const cur = layers[i];
    const prev = layers[i - 1]!;
    if (cur === null || cur === undefined || (cur !== prev && cur !== prev + 1)) return null;
  }
  return layers as number[];
}

function groupByAttention(attn: readonly boolean[]): number[] {
  let block = -1;
  return attn.map((a, i) => (a || i === 0 ? ++block : block));
}

export function detectBlocks(graph: GraphProto, name = 'model.onnx'): BlockMap {
  checkSupported(graph, name);
  const index = indexGraph(graph);
  const chain = findResidualChain(index);
  const noBlocks = (why: string) =>
    new OnnxError(
      'no-blocks',
      `${name}: no transformer decoder blocks found (${why}). This lab removes whole blocks from decoder-only ` +
        'language models (Llama, Qwen2, Mistral, Phi-3, GPT-2 exports); it cannot prune this model.',
    );
  if (chain.length === 0) throw noBlocks('no residual stream: no Add or SkipLayerNormalization adds a layer back onto its input');
  const branches = chain.map((step, k) => {
    const prev = k === 0 ? null : chain[k - 1]!;
    // A branch starts from everything the previous adding node produced (the fused ones also
    // emit the normalised stream) and ends at the tensor this step adds.
    const origin = prev ? prev.node : index.producer.get(step.residualInput);
    const from = origin === undefined ? [step.residualInput] : index.nodes[origin]!.output.filter(Boolean);
    const down = descendantNodes(index, from);
    const up = ancestorNodes(index, [step.branchInput]);
    return new Set([...up].filter((i) => down.has(i)));
  });
  const attn = branches.map((b) => [...b].some((i) => ATTENTION.has(index.nodes[i]!.opType)));
  if (!attn.some(Boolean)) throw noBlocks('the residual layers contain no attention');
  const named = groupByNames(branches.map((b) => layerVote(index, b)));
  const groups = named ?? groupByAttention(attn);
  const kv = describeKvCache(graph);
  const count = groups[groups.length - 1]! + 1;
  const kvLayers = [...kv.inputs.keys(), ...kv.outputs.keys()];
  if (kvLayers.some((layer) => layer >= count)) {
    // Cache names number more layers than the blocks found: the grouping is wrong, so refuse.
    throw new OnnxError(
      'unsupported-graph',
      `${name}: found ${count} blocks, but its cache tensors name layer ${Math.max(...kvLayers)}. ` +
        'The block structure of this model is not understood; it cannot be pruned safely.',
    );
  }
  const blocks: Block[] = [];
  for (let b = 0; b < count; b++) {
    const steps = groups.flatMap((g, k) => (g === b ? [k] : []));
    const first = chain[steps[0]!]!;
    const prevStep = steps[0]! > 0 ? chain[steps[0]! - 1]! : null;
    const nodes = new Set(steps.flatMap((k) => [...branches[k]!]));
    blocks.push({
      index: b,
      input: prevStep ? prevStep.output : first.residualInput,
      steps,
      nodes,
      hasAttention: steps.some((k) => attn[k]),
      pastInputs: kv.inputs.get(b) ?? [],
      presentOutputs: kv.outputs.get(b) ?? [],
    });
  }
  const fused = chain.some((s) => s.kind === 'skip-norm');
  return { blocks, source: named ? 'names' : 'residual-chain', chain, fused, kv, index };
}
