/**
 * What `inspect` reports: enough for a user to recognise their model and for the lab to size a
 * search (blocks, parameters per block, cache layout), all derived from the graph itself.
 */
import type { BlockMap } from './detect-blocks';
import { constantTensors } from './graph-index';
import { sourceSize } from './external-data';
import { attrInt, dtypeName, elementCount, opsetVersion, valueElemType, valueShape, type ModelProto, type NodeProto, type ValueInfoProto } from './proto';
import type { LoadedModel } from './read-model';

export interface TensorIo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: (number | string | null)[] | null;
}

export interface ModelSummary {
  readonly name: string;
  readonly producer: string;
  readonly irVersion: number;
  readonly opset: number | null;
  readonly architecture: string;
  readonly blocks: number;
  readonly blockDetection: 'names' | 'residual-chain';
  readonly fusedNorms: boolean;
  readonly parameters: { readonly total: number; readonly perBlock: readonly number[]; readonly outsideBlocks: number };
  /** Parameters by storage type (`int4` for MatMulNBits weights). */
  readonly dtypes: Readonly<Record<string, number>>;
  /** Quantised ops and their counts (MatMulNBits, DequantizeLinear...). */
  readonly quantizedOps: Readonly<Record<string, number>>;
  readonly inputs: readonly TensorIo[];
  readonly outputs: readonly TensorIo[];
  readonly kvCache: { readonly layout: string; readonly layers: number; readonly tensorsPerLayer: number };
  readonly externalData: { readonly files: readonly string[]; readonly bytes: number } | null;
  readonly nodes: number;
  readonly initializers: number;
}

const QUANT_OPS = new Set(['MatMulNBits', 'DequantizeLinear', 'QLinearMatMul', 'MatMulInteger', 'GatherBlockQuantized', 'DynamicQuantizeMatMul', 'QMoE']);

/** Which inputs of an op are parameters, and how many logical weights a quantised blob holds. */
function paramCount(node: NodeProto, slot: number, elements: number, dataType: number): [number, string] {
  const storage = dtypeName(dataType);
  if (node.opType === 'MatMulNBits') {
    if (slot !== 1) return slot === 5 ? [elements, storage] : [0, storage];
    return [attrInt(node, 'K', 0) * attrInt(node, 'N', 0), `int${attrInt(node, 'bits', 4)}`];
  }
  if (node.opType === 'GatherBlockQuantized') {
    const bits = attrInt(node, 'bits', 4);
    return slot === 0 ? [(elements * 8) / bits, `int${bits}`] : [0, storage];
  }
  if (node.opType === 'DequantizeLinear') return slot === 0 ? [elements, storage] : [0, storage];
  return [elements, storage];
}

function architecture(proto: ModelProto, map: BlockMap): string {
  const names = [...proto.graph!.node.map((n) => n.name), ...proto.graph!.initializer.map((t) => t.name)].join('\n');
  const ops = new Set(proto.graph!.node.map((n) => n.opType));
  if (/transformer[./]h[./]\d|\bwte\b|wpe/.test(names)) return 'gpt2';
  if (/qkv_proj/.test(names) && /gate_up_proj/.test(names)) return 'phi3';
  if (/q_proj/.test(names) && /gate_proj|up_proj/.test(names)) return 'llama-like (Llama, Mistral, Qwen2)';
  if (ops.has('GroupQueryAttention')) return map.fused ? 'genai-builder decoder' : 'decoder (GroupQueryAttention)';
  return 'decoder';
}

const io = (v: ValueInfoProto): TensorIo => ({ name: v.name, dtype: dtypeName(valueElemType(v) ?? 0), shape: valueShape(v) });

export function summarizeModel(model: LoadedModel, map: BlockMap): ModelSummary {
  const proto = model.proto;
  const graph = proto.graph!;
  const { index } = map;
  // Which blocks read each initializer: a weight read by one block belongs to it.
  const nodeBlock = new Map<number, number>();
  for (const b of map.blocks) {
    for (const n of b.nodes) nodeBlock.set(n, b.index);
    for (const k of b.steps) nodeBlock.set(map.chain[k]!.node, b.index);
  }
  const perBlock = map.blocks.map(() => 0);
  const dtypes: Record<string, number> = {};
  let total = 0;
  const constant = constantTensors(index);
  // A weight reaches its block through constant-only nodes at times (DequantizeLinear of an
  // int8 initializer, Identity copies of a shared norm weight): follow those to the real readers.
  const effectiveReaders = (name: string): number[] => {
    const out: number[] = [];
    const stack = [name];
    const seen = new Set<string>();
    while (stack.length > 0) {
      for (const r of index.consumers.get(stack.pop()!) ?? []) {
        const outputs = index.nodes[r]!.output.filter(Boolean);
        if (outputs.length > 0 && outputs.every((o) => constant.has(o))) {
          for (const o of outputs) {
            if (seen.has(o)) continue;
            seen.add(o);
            stack.push(o);
          }
        } else out.push(r);
      }
    }
    return out;
  };
  for (const t of graph.initializer) {
    const readers = index.consumers.get(t.name) ?? [];
    const owners = new Set(effectiveReaders(t.name).map((r) => nodeBlock.get(r) ?? -1));
    const first = readers[0];
    const [count, dtype] =
      first === undefined
        ? [elementCount(t), dtypeName(t.dataType)]
        : paramCount(index.nodes[first]!, index.nodes[first]!.input.indexOf(t.name), elementCount(t), t.dataType);
    total += count;
    dtypes[dtype] = (dtypes[dtype] ?? 0) + count;
    const owner = owners.size === 1 ? [...owners][0]! : -1;
    if (owner >= 0) perBlock[owner]! += count;
  }
  const quantizedOps: Record<string, number> = {};
  for (const n of graph.node) if (QUANT_OPS.has(n.opType)) quantizedOps[n.opType] = (quantizedOps[n.opType] ?? 0) + 1;
  const kvLayers = map.kv.inputs.size || map.kv.outputs.size;
  const firstKv = map.kv.inputs.values().next().value ?? map.kv.outputs.values().next().value ?? [];
  const files = [...model.files.keys()];
  const blockParams = perBlock.reduce((a, b) => a + b, 0);
  return {
    name: model.name,
    producer: `${proto.producerName} ${proto.producerVersion}`.trim(),
    irVersion: Number(proto.irVersion),
    opset: opsetVersion(proto, ''),
    architecture: architecture(proto, map),
    blocks: map.blocks.length,
    blockDetection: map.source,
    fusedNorms: map.fused,
    parameters: { total, perBlock, outsideBlocks: total - blockParams },
    dtypes,
    quantizedOps,
    inputs: graph.input.map(io),
    outputs: graph.output.map(io),
    kvCache: { layout: map.kv.layout, layers: kvLayers, tensorsPerLayer: firstKv.length },
    externalData: files.length ? { files, bytes: files.reduce((n, f) => n + sourceSize(model.files.get(f)!), 0) } : null,
    nodes: graph.node.length,
    initializers: graph.initializer.length,
  };
}
