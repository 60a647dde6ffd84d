import type { StateCreator } from 'zustand';
import { patternKey, type EvalResult } from '../core/evaluate/evaluator';
import { createResilientEvaluator } from '../bridge/resilient-evaluator';
import { createWorkerLink, workerPace } from './worker-link';
import type { LabState } from './index';

export interface PatternSlice {
  /** Blocks the user removed by hand in the block strip. */
  drop: number[];
  /** Perplexity of `drop` and of the dense model on the calibration set. */
  patternResult: EvalResult | null;
  denseResult: EvalResult | null;
  patternBusy: boolean;
  patternError: string | null;
  toggleBlock(block: number): Promise<void>;
  setDrop(drop: number[]): Promise<void>;
  scorePattern(): Promise<void>;
}

export const createPatternSlice: StateCreator<LabState, [], [], PatternSlice> = (set, get) => ({
  drop: [],
  patternResult: null,
  denseResult: null,
  patternBusy: false,
  patternError: null,
  async toggleBlock(block) {
    const drop = get().drop.includes(block) ? get().drop.filter((b) => b !== block) : [...get().drop, block];
    await get().setDrop(drop.sort((a, b) => a - b));
  },
  async setDrop(drop) {
    set({ drop });
    await get().scorePattern();
  },
  async scorePattern() {
    const model = get().model;
    const cal = get().calibration;
    if (model.kind !== 'ready' || cal.kind !== 'ready') return;
    const drop = get().drop;
    if (drop.length >= model.model.blocks) {
      set({ patternError: 'Keep at least one block.', patternResult: null });
      return;
    }
    set({ patternBusy: true, patternError: null });
    const shape = { blocks: model.model.blocks, windows: cal.info.windows, seqLen: cal.info.seqLen };
    // Through the same watchdog as the search: a dead or hung worker is replaced, not waited for.
    const evaluator = createResilientEvaluator(createWorkerLink(get, set, shape), shape, { pace: workerPace });
    try {
      // The dense score comes along (memoised in the worker after the first time).
      const [dense, pattern] = await evaluator.evaluate([{ drop: [] }, { drop }]);
      if (patternKey(get().drop) !== patternKey(drop)) return; // a newer click owns the result
      set({ denseResult: dense!, patternResult: pattern!, patternBusy: false });
    } catch (e) {
      if (patternKey(get().drop) !== patternKey(drop)) return;
      set({ patternError: (e as Error).message, patternBusy: false });
    }
  },
});
