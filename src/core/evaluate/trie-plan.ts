/**
 * Plans a batch of pruning patterns as a trie over their kept blocks, so every shared prefix of
 * kept blocks runs once. The hidden state after a prefix depends only on that prefix, so two
 * patterns that keep the same first j blocks share j block passes. Walking the trie depth first
 * keeps at most one live state per depth (L + 1 states), and each is released as soon as its last
 * child has run.
 */
export type PlanStep =
  /** Run `block` on the state of `from`, producing state `to` (state 0 is the prologue's output). */
  | { readonly op: 'block'; readonly block: number; readonly from: number; readonly to: number }
  /** Score state `state` with the epilogue for these requests (indices into the batch). */
  | { readonly op: 'score'; readonly state: number; readonly requests: readonly number[] }
  /** State `state` is no longer needed. */
  | { readonly op: 'release'; readonly state: number };

export interface TriePlan {
  readonly steps: readonly PlanStep[];
  /** Block forward passes this plan runs (trie nodes below the root). */
  readonly blockPasses: number;
  /** Block forward passes without sharing: the sum of kept blocks over distinct patterns. */
  readonly unsharedBlockPasses: number;
  /** Most states alive at once, the prologue's included. */
  readonly peakLiveStates: number;
}

interface Node {
  readonly id: number;
  readonly block: number;
  readonly children: Map<number, Node>;
  readonly requests: number[];
}

/** `keeps[i]` is the ascending list of blocks pattern i keeps. Duplicate patterns share one score. */
export function planTrie(keeps: readonly (readonly number[])[]): TriePlan {
  let nextId = 1;
  const root: Node = { id: 0, block: -1, children: new Map(), requests: [] };
  const distinct = new Map<string, number>();
  keeps.forEach((keep, i) => {
    let node = root;
    for (const b of keep) {
      let child = node.children.get(b);
      if (!child) {
        child = { id: nextId++, block: b, children: new Map(), requests: [] };
        node.children.set(b, child);
      }
      node = child;
    }
    node.requests.push(i);
    distinct.set(keep.join(','), keep.length);
  });

  const steps: PlanStep[] = [];
  let live = 1;
  let peak = 1;
  const visit = (node: Node): void => {
    if (node.requests.length > 0) steps.push({ op: 'score', state: node.id, requests: node.requests });
    // Ascending block order makes the plan deterministic.
    const children = [...node.children.values()].sort((a, b) => a.block - b.block);
    children.forEach((child, i) => {
      steps.push({ op: 'block', block: child.block, from: node.id, to: child.id });
      live++;
      peak = Math.max(peak, live);
      // The parent's state is dead once its last child has been computed from it.
      if (i === children.length - 1) {
        steps.push({ op: 'release', state: node.id });
        live--;
      }
      visit(child);
    });
    if (children.length === 0) {
      steps.push({ op: 'release', state: node.id });
      live--;
    }
  };
  visit(root);
  let unshared = 0;
  for (const n of distinct.values()) unshared += n;
  return { steps, blockPasses: nextId - 1, unsharedBlockPasses: unshared, peakLiveStates: peak };
}

/** The blocks a pattern keeps, ascending, given the blocks it removes. */
export function keptBlocks(blocks: number, drop: readonly number[]): number[] {
  const removed = new Set(drop);
  const keep: number[] = [];
  for (let b = 0; b < blocks; b++) if (!removed.has(b)) keep.push(b);
  return keep;
}
