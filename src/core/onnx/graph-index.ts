/**
 * Who produces and who consumes each tensor of a graph. ONNX requires nodes in topological
 * order, so a node's position doubles as a bound when asking "does A feed B?".
 */
import type { GraphProto, NodeProto, TensorProto } from './proto';

export interface GraphIndex {
  readonly nodes: readonly NodeProto[];
  /** Tensor name -> index of the node that produces it. */
  readonly producer: ReadonlyMap<string, number>;
  /** Tensor name -> indices of the nodes that read it. */
  readonly consumers: ReadonlyMap<string, readonly number[]>;
  readonly initializers: ReadonlyMap<string, TensorProto>;
  readonly inputs: ReadonlySet<string>;
  readonly outputs: ReadonlySet<string>;
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  graph.node.forEach((n, i) => {
    for (const o of n.output) if (o) producer.set(o, i);
    for (const t of n.input) {
      if (!t) continue;
      const list = consumers.get(t);
      if (list) list.push(i);
      else consumers.set(t, [i]);
    }
  });
  return {
    nodes: graph.node,
    producer,
    consumers,
    initializers: new Map(graph.initializer.map((t) => [t.name, t])),
    inputs: new Set(graph.input.map((v) => v.name)),
    outputs: new Set(graph.output.map((v) => v.name)),
  };
}

/**
 * True when tensor `a`, or any sibling output of the node producing it, is an input (direct or
 * indirect) of the computation of tensor `b`. Siblings count because fused nodes emit the
 * residual sum and its normalised form side by side, and the branch grows from the latter.
 */
export function feeds(index: GraphIndex, a: string, b: string): boolean {
  if (a === b) return false;
  const floor = index.producer.get(a) ?? -1;
  const sources = new Set(floor >= 0 ? index.nodes[floor]!.output.filter(Boolean) : [a]);
  const start = index.producer.get(b);
  if (start === undefined || start === floor) return false;
  const seen = new Set<number>([start]);
  const stack = [start];
  while (stack.length > 0) {
    const n = index.nodes[stack.pop()!]!;
    for (const t of n.input) {
      if (sources.has(t)) return true;
      const p = index.producer.get(t);
      // A producer before `a`'s producer cannot depend on `a` (topological order).
      if (p === undefined || p <= floor || seen.has(p)) continue;
      seen.add(p);
      stack.push(p);
    }
  }
  return false;
}

/** Nodes that (transitively) compute any of `tensors`. */
export function ancestorNodes(index: GraphIndex, tensors: Iterable<string>): Set<number> {
  const seen = new Set<number>();
  const stack: number[] = [];
  for (const t of tensors) {
    const p = index.producer.get(t);
    if (p !== undefined && !seen.has(p)) {
      seen.add(p);
      stack.push(p);
    }
  }
  while (stack.length > 0) {
    for (const t of index.nodes[stack.pop()!]!.input) {
      const p = index.producer.get(t);
      if (p !== undefined && !seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}

/** Nodes that (transitively) read any of `tensors`. */
export function descendantNodes(index: GraphIndex, tensors: Iterable<string>): Set<number> {
  const seen = new Set<number>();
  const stack: string[] = [...tensors];
  while (stack.length > 0) {
    for (const c of index.consumers.get(stack.pop()!) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      for (const o of index.nodes[c]!.output) if (o) stack.push(o);
    }
  }
  return seen;
}

/**
 * Tensors that depend on no graph input (Constant nodes, shapes computed from initializers...).
 * A sub-model recomputes these itself rather than receiving them, so they are never "shared".
 */
export function constantTensors(index: GraphIndex): Set<string> {
  const constant = new Set<string>(index.initializers.keys());
  for (const n of index.nodes) {
    if (n.opType.startsWith('Random')) continue;
    if (n.input.every((t) => !t || constant.has(t))) for (const o of n.output) if (o) constant.add(o);
  }
  return constant;
}
