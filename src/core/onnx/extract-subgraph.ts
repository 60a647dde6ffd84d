/**
 * Cutting a sub-model out of a graph: everything needed to compute some tensors, given that
 * some other tensors arrive as inputs. Shared by the split evaluator's prologue, blocks and
 * epilogue.
 */
import { create } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, TypeProto_TensorSchema, TypeProtoSchema, ValueInfoProtoSchema } from 'onnx-buf';
import { OnnxError } from './errors';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from './proto';

export interface Cut {
  /** Tensors to compute (become the sub-model's outputs, in this order). */
  readonly outputs: readonly string[];
  /** Tensors that arrive from outside (become inputs when read); graph inputs always do. */
  readonly given: ReadonlySet<string>;
}

export interface Extracted {
  readonly nodes: NodeProto[];
  /** Inputs the sub-model reads: given tensors and original graph inputs, in first-read order. */
  readonly inputs: string[];
  readonly initializers: Set<string>;
}

export function extract(graph: GraphProto, nodes: readonly NodeProto[], cut: Cut): Extracted {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const inits = new Set(graph.initializer.map((t) => t.name));
  const graphInputs = new Set(graph.input.map((v) => v.name));
  const keep = new Set<number>();
  const inputs: string[] = [];
  const initializers = new Set<string>();
  const seen = new Set<string>();
  const stack = [...cut.outputs].reverse();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (!t || seen.has(t)) continue;
    seen.add(t);
    if (cut.given.has(t) || graphInputs.has(t)) {
      inputs.push(t);
      continue;
    }
    if (inits.has(t)) {
      initializers.add(t);
      continue;
    }
    const p = producer.get(t);
    if (p === undefined) throw new OnnxError('unsupported-graph', `Tensor "${t}" has no producer; cannot cut the graph there.`);
    if (keep.has(p)) continue;
    keep.add(p);
    for (const i of [...nodes[p]!.input].reverse()) stack.push(i);
  }
  return { nodes: nodes.filter((_, i) => keep.has(i)), inputs, initializers };
}

/** A ValueInfo with only an element type: shapes of cut points are left to the runtime. */
export function typedValue(name: string, elemType: number): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType }) } }),
  });
}

/** Wraps nodes, initializers and interface into a model with the source's opsets and metadata. */
export function subModel(
  source: ModelProto,
  name: string,
  parts: {
    nodes: NodeProto[];
    initializers: ReadonlySet<string>;
    inputs: ValueInfoProto[];
    outputs: ValueInfoProto[];
    extraInitializers?: TensorProto[];
  },
): ModelProto {
  const g = source.graph!;
  const graph = create(GraphProtoSchema, {
    name,
    node: parts.nodes,
    initializer: [...g.initializer.filter((t) => parts.initializers.has(t.name)), ...(parts.extraInitializers ?? [])],
    input: parts.inputs,
    output: parts.outputs,
  });
  return create(ModelProtoSchema, { ...source, graph });
}
