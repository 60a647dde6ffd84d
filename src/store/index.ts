import { create } from 'zustand';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createPreflightSlice, type PreflightSlice } from './preflight-slice';

/** One store from typed slices; actions call core/bridge and `set`; components hold no logic. */
export type LabState = PreflightSlice & ModelSlice;

export const useLab = create<LabState>()((...a) => ({
  ...createPreflightSlice(...a),
  ...createModelSlice(...a),
}));
