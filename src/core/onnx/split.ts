/**
 * Splitting a decoder for fast pattern evaluation (DESIGN, "Evaluating a pattern fast"):
 * a prologue (embedding and everything blocks share: masks, position ids, rotary tables), one
 * sub-model per block (stream in -> stream out), and an epilogue (final norm, LM head and the
 * NLL, computed in the graph from labels). Any pattern is then prologue -> kept blocks in order
 * -> epilogue, with no session per pattern. Fused Skip*Normalization boundaries are un-fused
 * first so the stream is a real tensor between every two blocks.
 *
 * The KV cache is not used: cache inputs stay as inputs and are fed zero-length tensors
 * (`emptyCacheDims`), which every exporter's Concat/attention accepts as "no past".
 */
import { create } from '@bufbuild/protobuf';
import { GraphProtoSchema } from 'onnx-buf';
import type { BlockMap } from './detect-blocks';
import { OnnxError } from './errors';
import { extract, subModel, typedValue } from './extract-subgraph';
import { ancestorNodes, constantTensors, descendantNodes, indexGraph } from './graph-index';
import { inferElemTypes } from './infer-dtypes';
import { parseKvName } from './kv-cache';
import { LABELS, lossNodes, NLL_SUM, TOKEN_COUNT } from './loss-head';
import { makeNode, opsetVersion, valueShape, type ModelProto, type NodeProto, type ValueInfoProto } from './proto';
import { unfuseSkipNorm } from './unfuse';

export const HIDDEN_IN = 'hidden_in';
export const HIDDEN_OUT = 'hidden_out';

export interface SplitPart {
  readonly proto: ModelProto;
  /** Input names, in graph order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface SplitModel {
  /** Original inputs (ids, mask, positions, maybe a cache input) -> HIDDEN_OUT + shared tensors. */
  readonly prologue: SplitPart;
  /** HIDDEN_IN (+ shared tensors, original inputs) -> HIDDEN_OUT. */
  readonly blocks: readonly SplitPart[];
  /** HIDDEN_IN + LABELS (+ shared) -> NLL_SUM, TOKEN_COUNT (float32 scalars). */
  readonly epilogue: SplitPart;
  /** Names of the tensors the prologue computes once for all blocks. */
  readonly shared: readonly string[];
  /** Cache inputs of the original model with their declared dims (feed zero-length tensors). */
  readonly cacheInputs: ReadonlyMap<string, readonly (number | string | null)[]>;
}

const ATTENTION_OPS = /Attention|Softmax/;

/** Dims of a zero-length cache tensor: symbolic past length -> 0, other symbols -> batch. */
export function emptyCacheDims(dims: readonly (number | string | null)[], batch: number): number[] {
  return dims.map((d) => (typeof d === 'number' ? d : d && /past|cache/i.test(d) ? 0 : batch));
}

export function splitModel(proto: ModelProto, map: BlockMap): SplitModel {
  const source = proto.graph!;
  const { blocks, chain, index } = map;
  if ([HIDDEN_IN, HIDDEN_OUT, LABELS].some((n) => index.producer.has(n) || index.inputs.has(n))) {
    throw new OnnxError('unsupported-graph', `The model already uses one of the names ${HIDDEN_IN}, ${HIDDEN_OUT}, ${LABELS}.`);
  }

  // 1. Make every block boundary a real tensor.
  const replace = new Map<number, NodeProto[]>();
  const used = (t: string) => index.consumers.has(t) || index.outputs.has(t);
  const outs = blocks.map((b) => {
    const last = chain[b.steps[b.steps.length - 1]!]!;
    if (last.kind === 'add') return last.output;
    const node = index.nodes[last.node]!;
    const split = unfuseSkipNorm(node, `${node.name || `skip_norm_${last.node}`}/evop_residual`, used);
    replace.set(last.node, split.nodes);
    return split.residual;
  });
  const ins = blocks.map((b, i) => (i === 0 ? b.input : outs[i - 1]!));
  const nodes = source.node.flatMap((n, i) => replace.get(i) ?? [n]);
  const graph = create(GraphProtoSchema, { ...source, node: nodes });
  const gi = indexGraph(graph);
  const types = inferElemTypes(graph);
  const logits = source.output.find((o) => o.name === 'logits')?.name ?? source.output.find((o) => !parseKvName(o.name))?.name;
  if (!logits) throw new OnnxError('unsupported-graph', 'The model has no logits output to compute a loss from.');

  // 2. What each block reads from outside itself (and outside its input) is shared state,
  // except constants, which each sub-model carries itself.
  const constant = constantTensors(gi);
  const regionReads = (from: string, to: string): Set<string> => {
    // Block 0 may also read what the node making its input emits alongside it (ORT's
    // EmbedLayerNormalization returns the normalised embedding next to the raw sum); that
    // is shared state valid whenever block 0 runs, and it always runs first.
    const p = from === ins[0] ? gi.producer.get(from) : undefined;
    const down = descendantNodes(gi, p === undefined ? [from] : gi.nodes[p]!.output.filter(Boolean));
    const region = [...ancestorNodes(gi, [to])].filter((i) => down.has(i));
    const produced = new Set(region.flatMap((i) => gi.nodes[i]!.output));
    const reads = new Set<string>();
    for (const i of region) {
      for (const t of gi.nodes[i]!.input) if (t && !produced.has(t) && t !== from && !constant.has(t) && !gi.inputs.has(t)) reads.add(t);
    }
    return reads;
  };
  const shared: string[] = [];
  const addShared = (reads: Set<string>) => reads.forEach((t) => !shared.includes(t) && shared.push(t));
  blocks.forEach((_, b) => addShared(regionReads(ins[b]!, outs[b]!)));
  addShared(regionReads(outs[outs.length - 1]!, logits));
  const given = new Set(shared);

  const typeOf = (t: string) => {
    const ty = types.get(t);
    if (!ty) throw new OnnxError('unsupported-graph', `Cannot tell the element type of "${t}" to cut the graph there.`);
    return ty;
  };
  const inputInfo = (t: string): ValueInfoProto => source.input.find((v) => v.name === t) ?? typedValue(t, typeOf(t));

  // 3. Prologue: everything needed for the stream entering block 0 and for the shared tensors.
  const pro = extract(graph, nodes, { outputs: [ins[0]!, ...shared], given: new Set() });
  const boundaryNodes = new Set(replace.size ? [...replace.values()].flat() : []);
  const stepNodes = new Set(chain.map((s) => index.nodes[s.node]));
  const leak = pro.nodes.find((n) => stepNodes.has(n) || boundaryNodes.has(n) || ATTENTION_OPS.test(n.opType));
  if (leak) {
    throw new OnnxError('unsupported-graph', `Blocks share computed state ("${leak.name || leak.opType}"), so the model cannot be split into independent blocks.`);
  }
  const prologue = part(proto, 'prologue', pro.nodes.concat(makeNode('Identity', [ins[0]!], [HIDDEN_OUT], 'evop/hidden_out')), pro, pro.inputs.map(inputInfo), [
    typedValue(HIDDEN_OUT, typeOf(ins[0]!)),
    ...shared.map((t) => typedValue(t, typeOf(t))),
  ]);

  // 4. One sub-model per block: stream in, stream out.
  const blockParts = blocks.map((_, b) => {
    const ex = extract(graph, nodes, { outputs: [outs[b]!], given: new Set([ins[b]!, ...given]) });
    const body = [makeNode('Identity', [HIDDEN_IN], [ins[b]!], 'evop/hidden_in'), ...ex.nodes, makeNode('Identity', [outs[b]!], [HIDDEN_OUT], 'evop/hidden_out')];
    const inputs = ex.inputs.map((t) => (t === ins[b] ? typedValue(HIDDEN_IN, typeOf(t)) : inputInfo(t)));
    return part(proto, `block_${b}`, body, ex, inputs, [typedValue(HIDDEN_OUT, typeOf(outs[b]!))]);
  });

  // 5. Epilogue: final norm, LM head, loss.
  const last = outs[outs.length - 1]!;
  const epi = extract(graph, nodes, { outputs: [logits], given: new Set([last, ...given]) });
  const loss = lossNodes(logits, opsetVersion(proto, '') ?? 13);
  const epiInputs = epi.inputs.map((t) => (t === last ? typedValue(HIDDEN_IN, typeOf(t)) : inputInfo(t)));
  if (!epi.inputs.includes(last)) epiInputs.unshift(typedValue(HIDDEN_IN, typeOf(last)));
  const epilogue = part(
    proto,
    'epilogue',
    [makeNode('Identity', [HIDDEN_IN], [last], 'evop/hidden_in'), ...epi.nodes, ...loss.nodes],
    epi,
    [...epiInputs, typedValue(LABELS, 7)],
    [typedValue(NLL_SUM, 1), typedValue(TOKEN_COUNT, 1)],
    loss.constants,
  );

  const cacheInputs = new Map(source.input.filter((v) => parseKvName(v.name)).map((v) => [v.name, valueShape(v) ?? []] as const));
  return { prologue, blocks: blockParts, epilogue, shared, cacheInputs };
}

function part(
  proto: ModelProto,
  name: string,
  nodes: NodeProto[],
  ex: { initializers: ReadonlySet<string> },
  inputs: ValueInfoProto[],
  outputs: ValueInfoProto[],
  extraInitializers: Parameters<typeof subModel>[2]['extraInitializers'] = [],
): SplitPart {
  return {
    proto: subModel(proto, name, { nodes, initializers: ex.initializers, inputs, outputs, extraInitializers }),
    inputs: inputs.map((v) => v.name),
    outputs: outputs.map((v) => v.name),
  };
}
