/**
 * Removing blocks: the stream that left a removed block is replaced by the stream that entered
 * it (un-fusing a Skip*Normalization where the block ended inside one), the present outputs of
 * removed blocks go, everything no output needs any more is dropped by reachability, and the
 * KV-cache names are renumbered so the pruned model looks like a model exported with fewer layers.
 */
import { clone, create } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, NodeProtoSchema, StringStringEntryProtoSchema } from 'onnx-buf';
import { liveNodes, referencedNames, usedInitializers } from './dead-code';
import type { BlockMap } from './detect-blocks';
import { OnnxError } from './errors';
import { kvNameFor, parseKvName } from './kv-cache';
import type { ModelProto, NodeProto } from './proto';
import { unfuseSkipNorm } from './unfuse';

export interface PruneResult {
  readonly proto: ModelProto;
  readonly drop: readonly number[];
  readonly keep: readonly number[];
  /** Cache tensors renamed to stay contiguous (old name -> new name). */
  readonly renamed: ReadonlyMap<string, string>;
}

/** Validates a drop list: distinct integers in range, at least one block kept. */
export function checkDrop(drop: readonly number[], blocks: number): number[] {
  const sorted = [...new Set(drop)].sort((a, b) => a - b);
  const bad = sorted.find((b) => !Number.isInteger(b) || b < 0 || b >= blocks);
  if (bad !== undefined) {
    throw new OnnxError('bad-drop', `Block ${bad} does not exist: the model has blocks 0..${blocks - 1}.`);
  }
  if (sorted.length >= blocks) {
    throw new OnnxError('bad-drop', `Cannot remove all ${blocks} blocks: keep at least one.`);
  }
  return sorted;
}

export function dropBlocks(proto: ModelProto, map: BlockMap, dropList: readonly number[]): PruneResult {
  const graph = proto.graph!;
  const { index, chain, blocks } = map;
  const drop = checkDrop(dropList, blocks.length);
  const dropped = new Set(drop);
  const keep = blocks.map((b) => b.index).filter((b) => !dropped.has(b));
  const graphOutputs = new Set(graph.output.map((o) => o.name));

  // 1. Reroute the stream: readers of a removed block's output read its input instead.
  const alias = new Map<string, string>();
  const replace = new Map<number, NodeProto[]>();
  const resolve = (t: string): string => {
    let cur = t;
    while (alias.has(cur)) cur = alias.get(cur)!;
    return cur;
  };
  for (const b of drop) {
    const block = blocks[b]!;
    const last = chain[block.steps[block.steps.length - 1]!]!;
    let out = last.output;
    if (last.kind === 'skip-norm') {
      const node = index.nodes[last.node]!;
      const split = unfuseSkipNorm(node, `${node.name || `skip_norm_${last.node}`}/evop_residual`, (t) => index.consumers.has(t) || graphOutputs.has(t));
      replace.set(last.node, split.nodes);
      out = split.residual;
    }
    if (graphOutputs.has(out)) {
      throw new OnnxError('unsupported-graph', `Block ${b}'s output "${out}" is a graph output; remove that output before pruning.`);
    }
    alias.set(out, resolve(block.input));
  }

  // 2. Rewire readers, drop the removed blocks' cache outputs, keep what the outputs need.
  const droppedPresent = new Set(drop.flatMap((b) => blocks[b]!.presentOutputs));
  const outputs = graph.output.filter((o) => !droppedPresent.has(o.name));
  const rewired = graph.node.flatMap((n, i) => replace.get(i) ?? [n]).map((n) => renameInputs(n, resolve));
  let nodes = liveNodes(rewired, outputs.map((o) => o.name));

  // 3. A removed block's past input may still be read by shared code (exporters take the past
  // length from layer 0's cache); read the same role from a kept layer instead.
  const droppedPast = new Set(drop.flatMap((b) => blocks[b]!.pastInputs));
  const stillRead = referencedNames(nodes, []);
  const pastAlias = new Map<string, string>();
  for (const p of droppedPast) {
    if (!stillRead.has(p)) continue;
    const kv = parseKvName(p)!;
    const substitute = keep.map((k) => kvNameFor(kv.role, k)).find((n) => graph.input.some((v) => v.name === n));
    if (!substitute) throw new OnnxError('unsupported-graph', `"${p}" is read outside block ${kv.layer} and no kept block has the same cache input.`);
    pastAlias.set(p, substitute);
  }
  if (pastAlias.size > 0) nodes = nodes.map((n) => renameInputs(n, (t) => pastAlias.get(t) ?? t));

  // Decide which inputs go before renaming, while names still mean their original layers.
  const readBeforeRename = referencedNames(nodes, outputs.map((o) => o.name));
  const inputs = graph.input.filter((v) => !droppedPast.has(v.name) || readBeforeRename.has(v.name));

  // 4. Renumber cache tensors of kept blocks so layer numbers stay contiguous.
  const newIndex = new Map(keep.map((b, i) => [b, i]));
  const renamed = new Map<string, string>();
  for (const v of [...graph.input, ...outputs]) {
    const kv = parseKvName(v.name);
    const to = kv ? newIndex.get(kv.layer) : undefined;
    if (kv && to !== undefined && to !== kv.layer) renamed.set(v.name, kvNameFor(kv.role, to));
  }
  const rn = (t: string) => renamed.get(t) ?? t;
  if (renamed.size > 0) nodes = nodes.map((n) => renameAll(n, rn));

  const refs = referencedNames(nodes, outputs.map((o) => o.name));
  const produced = new Set(nodes.flatMap((n) => n.output));
  const renameValue = <T extends { name: string }>(v: T): T => (renamed.has(v.name) ? { ...v, name: rn(v.name) } : v);
  const newGraph = create(GraphProtoSchema, {
    ...graph,
    node: nodes,
    initializer: usedInitializers(graph.initializer, refs),
    sparseInitializer: graph.sparseInitializer.filter((s) => refs.has(s.values?.name ?? '')),
    input: inputs.map(renameValue),
    output: outputs.map(renameValue),
    valueInfo: graph.valueInfo.filter((v) => refs.has(rn(v.name)) || produced.has(rn(v.name))).map(renameValue),
    quantizationAnnotation: graph.quantizationAnnotation.filter((q) => refs.has(q.tensorName)),
  });
  const metadata = proto.metadataProps.filter((p) => !p.key.startsWith('evop.'));
  metadata.push(
    create(StringStringEntryProtoSchema, { key: 'evop.dropped_blocks', value: drop.join(',') }),
    create(StringStringEntryProtoSchema, { key: 'evop.source_blocks', value: String(blocks.length) }),
  );
  return { proto: create(ModelProtoSchema, { ...proto, graph: newGraph, metadataProps: metadata }), drop, keep, renamed };
}

function renameInputs(n: NodeProto, f: (t: string) => string): NodeProto {
  if (!n.input.some((t) => t && f(t) !== t)) return n;
  const copy = clone(NodeProtoSchema, n);
  copy.input = n.input.map((t) => (t ? f(t) : t));
  return copy;
}

function renameAll(n: NodeProto, f: (t: string) => string): NodeProto {
  const changed = [...n.input, ...n.output].some((t) => t && f(t) !== t);
  if (!changed) return n;
  const copy = clone(NodeProtoSchema, n);
  copy.input = n.input.map((t) => (t ? f(t) : t));
  copy.output = n.output.map((t) => (t ? f(t) : t));
  return copy;
}
