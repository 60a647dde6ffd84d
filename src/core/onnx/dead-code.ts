/**
 * Removal by reachability and reference count, never by name: a tensor computed inside a
 * removed block's name scope (the rotary tables exporters compute in `layers.0`, say) stays
 * as long as a kept block still reads it.
 */
import type { GraphProto, NodeProto, TensorProto } from './proto';

/** Names a node reads, including outer-scope names read by its subgraphs. */
function readsOf(node: NodeProto, out: Set<string>): void {
  for (const t of node.input) if (t) out.add(t);
  for (const a of node.attribute) {
    for (const g of [...(a.g ? [a.g] : []), ...a.graphs]) subgraphReads(g, out);
  }
}

function subgraphReads(g: GraphProto, out: Set<string>): void {
  for (const n of g.node) readsOf(n, out);
  for (const o of g.output) out.add(o.name);
}

/** The nodes needed to compute `outputs`, in their original order. */
export function liveNodes(nodes: readonly NodeProto[], outputs: Iterable<string>): NodeProto[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && producer.set(o, i)));
  const live = new Array<boolean>(nodes.length).fill(false);
  const stack: number[] = [];
  const want = (t: string) => {
    const p = producer.get(t);
    if (p !== undefined && !live[p]) {
      live[p] = true;
      stack.push(p);
    }
  };
  for (const o of outputs) want(o);
  while (stack.length > 0) {
    const reads = new Set<string>();
    readsOf(nodes[stack.pop()!]!, reads);
    for (const t of reads) want(t);
  }
  return nodes.filter((_, i) => live[i]);
}

/** Every tensor name the nodes read, plus the graph outputs (which may name initializers). */
export function referencedNames(nodes: readonly NodeProto[], outputs: Iterable<string>): Set<string> {
  const refs = new Set<string>(outputs);
  for (const n of nodes) readsOf(n, refs);
  return refs;
}

/** Initializers with a reference count above zero. */
export function usedInitializers(initializers: readonly TensorProto[], refs: ReadonlySet<string>): TensorProto[] {
  return initializers.filter((t) => refs.has(t.name));
}
