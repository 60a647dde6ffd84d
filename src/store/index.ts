import { create } from 'zustand';
import { createCalibrationSlice, type CalibrationSlice } from './calibration-slice';
import { createExportSlice, type ExportSlice } from './export-slice';
import { createModelSlice, type ModelSlice } from './model-slice';
import { createPatternSlice, type PatternSlice } from './pattern-slice';
import { createPreflightSlice, type PreflightSlice } from './preflight-slice';
import { createSearchSlice, type SearchSlice } from './search-slice';
import { createShareSlice, type ShareSlice } from './share-slice';
import { createTrySlice, type TrySlice } from './try-slice';

/** One store from typed slices; actions call core/bridge and `set`; components hold no logic. */
export type LabState = PreflightSlice &
  ModelSlice &
  CalibrationSlice &
  PatternSlice &
  SearchSlice &
  ExportSlice &
  TrySlice &
  ShareSlice;

export const useLab = create<LabState>()((...a) => ({
  ...createPreflightSlice(...a),
  ...createModelSlice(...a),
  ...createCalibrationSlice(...a),
  ...createPatternSlice(...a),
  ...createSearchSlice(...a),
  ...createExportSlice(...a),
  ...createTrySlice(...a),
  ...createShareSlice(...a),
}));
