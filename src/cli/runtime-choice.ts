/**
 * Which onnxruntime the CLI runs on: onnxruntime-node (CPU, several times faster) when it is
 * installed and the model keeps its weights inside the .onnx, else onnxruntime-web's wasm
 * backend, the same code the browser runs.
 */
import { availableParallelism } from 'node:os';
import * as ortWeb from 'onnxruntime-web';
import { setActiveOrt, type Ort } from '../runtime/ort';
import { CliError } from './cli-error';

export type RuntimePreference = 'auto' | 'node' | 'wasm';

export interface RuntimeChoice {
  /** What results report as `backend`. */
  readonly backend: 'cpu (onnxruntime-node)' | 'wasm (onnxruntime-web)';
}

export function parseRuntimePreference(value: string | undefined): RuntimePreference {
  const v = value ?? 'auto';
  if (v === 'auto' || v === 'node' || v === 'wasm') return v;
  throw new CliError('bad-args', `--runtime must be auto, node or wasm, not "${v}".`);
}

export async function chooseRuntime(pref: RuntimePreference, hasExternalData = false): Promise<RuntimeChoice> {
  if (pref !== 'wasm' && !hasExternalData) {
    try {
      const mod = (await import('onnxruntime-node')) as unknown as Ort;
      setActiveOrt(mod, 'node');
      return { backend: 'cpu (onnxruntime-node)' };
    } catch (e) {
      if (pref === 'node') {
        throw new CliError(
          'bad-args',
          `onnxruntime-node is not installed (${(e as Error).message}); run npm install or use --runtime wasm.`,
        );
      }
    }
  }
  ortWeb.env.wasm.numThreads = Math.max(1, Math.min(4, availableParallelism()));
  setActiveOrt(ortWeb, 'web');
  return { backend: 'wasm (onnxruntime-web)' };
}
