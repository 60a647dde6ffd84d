import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import { keptBlocks, planTrie, type PlanStep } from './trie-plan';

/** Executes a plan symbolically: each state is the list of blocks applied so far. */
function simulate(steps: readonly PlanStep[], n: number) {
  const states = new Map<number, number[]>([[0, []]]);
  const scored = new Array<number[] | undefined>(n);
  let peak = 1;
  for (const s of steps) {
    if (s.op === 'block') {
      const from = states.get(s.from);
      if (!from) throw new Error(`state ${s.from} used after release`);
      states.set(s.to, [...from, s.block]);
      peak = Math.max(peak, states.size);
    } else if (s.op === 'score') {
      const st = states.get(s.state);
      if (!st) throw new Error(`state ${s.state} scored after release`);
      for (const r of s.requests) scored[r] = st;
    } else {
      if (!states.delete(s.state)) throw new Error(`state ${s.state} released twice`);
    }
  }
  return { scored, leftover: states.size, peak };
}

describe('planTrie', () => {
  it('runs every pattern through exactly its kept blocks, in order, and frees every state', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 50; trial++) {
      const L = 8 + rng.int(9);
      const k = 1 + rng.int(4);
      const keeps = Array.from({ length: 1 + rng.int(30) }, () => keptBlocks(L, rng.sample([...Array(L).keys()], k)));
      const plan = planTrie(keeps);
      const { scored, leftover, peak } = simulate(plan.steps, keeps.length);
      expect(scored).toEqual(keeps);
      expect(leftover).toBe(0);
      expect(peak).toBe(plan.peakLiveStates);
      expect(peak).toBeLessThanOrEqual(L - k + 1);
      expect(plan.blockPasses).toBe(plan.steps.filter((s) => s.op === 'block').length);
    }
  });

  it('shares prefixes: patterns that differ only late share their early blocks', () => {
    // L = 6, drop one of the last three blocks: prefixes 0,1,2 are shared.
    const keeps = [
      [0, 1, 2, 4, 5],
      [0, 1, 2, 3, 5],
      [0, 1, 2, 3, 4],
    ];
    const plan = planTrie(keeps);
    expect(plan.unsharedBlockPasses).toBe(15);
    // Trie: 0-1-2, then {4-5}, {3-{5,4}} => 3 + 2 + 1 + 2 = 8 nodes.
    expect(plan.blockPasses).toBe(8);
  });

  it('scores duplicate patterns once for all their requests', () => {
    const plan = planTrie([
      [0, 2],
      [0, 2],
      [1, 2],
    ]);
    const scores = plan.steps.filter((s) => s.op === 'score');
    expect(scores).toHaveLength(2);
    expect(plan.unsharedBlockPasses).toBe(4);
  });

  it('handles the dense pattern and the empty batch', () => {
    expect(planTrie([]).steps).toEqual([{ op: 'release', state: 0 }]);
    const dense = planTrie([keptBlocks(3, [])]);
    expect(dense.blockPasses).toBe(3);
  });
});
