import type { Backend } from '../core/env/backend';
import type { AdapterFeatures } from '../core/env/model-backend';
import { Comlink } from '../bridge/model-client';
import type { CalibrationInfo, LoadedModel, LoadProgress } from '../../workers/evaluate-api';
import { workerClient } from './client';
import { DEMO_MODEL } from './model-slice';
import type { CalibrationSettings } from './calibration-slice';

export interface WorkerSetup {
  readonly source: 'demo' | 'files';
  readonly files: readonly File[] | null;
  readonly backend: Backend;
  readonly adapter: AdapterFeatures;
  /** The model must be this one (a different file is refused). */
  readonly fingerprint: string;
  /** null: no set was ready (a fault before calibration); only the model is loaded again. */
  readonly calibration: { readonly info: CalibrationInfo; readonly settings: CalibrationSettings } | null;
  readonly onProgress?: (p: LoadProgress) => void;
}

/**
 * Puts a model and a calibration set into the current worker exactly as they were before: the
 * same file (checked by fingerprint) and the same windows of token ids. Used by a fresh worker
 * after a fault and by a resume after a reload.
 */
export async function installInWorker(setup: WorkerSetup): Promise<LoadedModel> {
  const api = workerClient().api;
  const progress = Comlink.proxy(setup.onProgress ?? (() => undefined));
  // The worker checks the fingerprint before it lets go of the model it has.
  const options = { ...setup.adapter, expectFingerprint: setup.fingerprint };
  let loaded;
  if (setup.source === 'demo') {
    loaded = await api.loadModel(DEMO_MODEL, setup.backend, progress, options);
  } else {
    if (!setup.files) throw new Error('The model was opened from files that are no longer at hand; open them again.');
    loaded = await api.loadModelFiles([...setup.files], setup.backend, progress, options);
  }
  if (!loaded.ok) throw new Error(`Could not load the model again: ${loaded.error.message}`);
  if (!setup.calibration) return loaded.value;
  const { info, settings } = setup.calibration;
  const cal = await api.useCalibration(
    { source: { kind: 'windows', windows: info.ids }, ...settings },
    Comlink.proxy(() => undefined),
  );
  if (!cal.ok) {
    throw Object.assign(new Error(`Could not restore the calibration set: ${cal.error.message}`), {
      modelLoaded: loaded.value,
    });
  }
  return loaded.value;
}
