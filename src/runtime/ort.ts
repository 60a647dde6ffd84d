import * as ortWeb from 'onnxruntime-web';

/**
 * The onnxruntime module every runtime call goes through. onnxruntime-web by default (browser,
 * tests); the CLI swaps in onnxruntime-node when it is installed, which runs the same graphs on
 * the CPU several times faster than wasm in Node. Both share onnxruntime-common's API, and all
 * tensors of a run come from the one active module.
 */
export type Ort = typeof ortWeb;
export type OrtKind = 'web' | 'node';

let active: Ort = ortWeb;
let kind: OrtKind = 'web';

export function ort(): Ort {
  return active;
}

export function ortKind(): OrtKind {
  return kind;
}

export function setActiveOrt(module: Ort, k: OrtKind): void {
  active = module;
  kind = k;
}
