import type { StateCreator } from 'zustand';
import { patternKey, type EvalResult } from '../core/evaluate/evaluator';
import { workerClient } from './client';
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
    if (model.kind !== 'ready' || get().calibration.kind !== 'ready') return;
    const drop = get().drop;
    if (drop.length >= model.model.blocks) {
      set({ patternError: 'Keep at least one block.', patternResult: null });
      return;
    }
    set({ patternBusy: true, patternError: null });
    // The dense score comes along (memoised in the worker after the first time).
    const res = await workerClient().api.evaluate([{ drop: [] }, { drop }]);
    if (patternKey(get().drop) !== patternKey(drop)) return; // a newer click owns the result
    if (res.ok) set({ denseResult: res.value[0]!, patternResult: res.value[1]!, patternBusy: false });
    else set({ patternError: res.error.message, patternBusy: false });
  },
});
