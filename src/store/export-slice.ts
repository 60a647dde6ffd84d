import { strToU8, zipSync, type Zippable } from 'fflate';
import type { StateCreator } from 'zustand';
import { download } from '../bridge/download';
import {
  createMask,
  evopressDropConfig,
  llamaCppPruneLayers,
  maskJson,
  slebRemovalList,
  type MaskFile,
} from '../core/export/mask-formats';
import { patternKey } from '../core/evaluate/evaluator';
import type { VerifyResult } from '../../workers/evaluate-api';
import { workerClient } from './client';
import type { LabState } from './index';

export type MaskFormat = 'json' | 'sleb' | 'evopress' | 'llamacpp';

export interface ExportSlice {
  exporting: boolean;
  exportError: string | null;
  /** The last verified export: its perplexity in a fresh session next to what the lab reported. */
  verified: (VerifyResult & { drop: readonly number[]; reported: number }) | null;
  currentMask(): MaskFile | null;
  downloadMask(format: MaskFormat): void;
  exportModel(): Promise<void>;
}

const FILE_OF: Record<MaskFormat, [string, (m: MaskFile) => string]> = {
  json: ['evop-mask.json', maskJson],
  sleb: ['removal_list.txt', slebRemovalList],
  evopress: ['layer_drop_config.txt', evopressDropConfig],
  llamacpp: ['prune-layers.txt', llamaCppPruneLayers],
};

export const createExportSlice: StateCreator<LabState, [], [], ExportSlice> = (set, get) => ({
  exporting: false,
  exportError: null,
  verified: null,
  currentMask() {
    const { model, drop, patternResult, runResult, searchSettings, calibration } = get();
    if (model.kind !== 'ready' || drop.length >= model.model.blocks) return null;
    const fromRun = runResult && patternKey(runResult.drop) === patternKey(drop) ? runResult : null;
    const metrics: Record<string, number> = {};
    if (patternResult && patternKey(patternResult.drop) === patternKey(drop)) {
      metrics.calibrationPpl = patternResult.ppl;
      metrics.calibrationNll = patternResult.nll;
      metrics.tokens = patternResult.tokens;
    }
    if (get().denseResult) metrics.densePpl = get().denseResult!.ppl;
    if (calibration.kind === 'ready') {
      metrics.calibrationWindows = calibration.info.windows;
      metrics.calibrationSeqLen = calibration.info.seqLen;
    }
    return createMask(
      { name: model.model.name, fingerprint: model.model.fingerprint, blocks: model.model.blocks },
      drop,
      metrics,
      fromRun
        ? {
            method: fromRun.method,
            seed: searchSettings.seed,
            params: { ...searchSettings },
            evaluations: fromRun.evaluations,
          }
        : { method: 'manual', seed: null, params: {}, evaluations: 0 },
    );
  },
  downloadMask(format) {
    const mask = get().currentMask();
    if (!mask) return;
    const [name, write] = FILE_OF[format];
    download(name, write(mask), format === 'json' ? 'application/json' : 'text/plain');
  },
  async exportModel() {
    const mask = get().currentMask();
    if (!mask) return;
    set({ exporting: true, exportError: null, verified: null });
    const api = workerClient().api;
    const files = await api.exportPruned([...mask.drop]);
    if (!files.ok) {
      set({ exporting: false, exportError: files.error.message });
      return;
    }
    const f = files.value;
    // Load the exported file again in a fresh session and score it: what the user downloads is what was checked.
    const verify = await api.verifyExport(f.onnx.slice());
    const reported = get().patternResult?.ppl ?? NaN;
    const zip: Zippable = { [f.onnxName]: [f.onnx, { level: 0 }] };
    if (f.dataName && f.data) zip[f.dataName] = [f.data, { level: 0 }];
    if (f.config) zip['config.json'] = strToU8(`${JSON.stringify(f.config, null, 2)}\n`);
    for (const extra of f.extras) zip[extra.name] = extra.bytes;
    zip['evop-mask.json'] = strToU8(maskJson(mask));
    const { searchSettings, calibrationSettings, generations, runs } = get();
    const manifest = {
      format: 'evop-run/1',
      createdAt: new Date().toISOString(),
      mask,
      calibration: calibrationSettings,
      search: searchSettings,
      history: generations,
      runs,
    };
    zip['run-manifest.json'] = strToU8(`${JSON.stringify(manifest, null, 2)}\n`);
    download(`pruned-${mask.drop.join('-')}.zip`, zipSync(zip), 'application/zip');
    set({
      exporting: false,
      verified: verify.ok ? { ...verify.value, drop: mask.drop, reported } : null,
      exportError: verify.ok ? null : `The exported file did not load again: ${verify.error.message}`,
    });
  },
});
