/**
 * onnxruntime-web (wasm backend, in Node) for tests only: the core never imports it. Sessions are
 * created from bytes, as the browser does.
 */
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export { ort };

export async function session(bytes: Uint8Array, externalData?: { path: string; data: Uint8Array }[]): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, externalData ? { externalData } : {});
}

export const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
export const i32 = (values: number[], dims: number[]) => new ort.Tensor('int32', Int32Array.from(values), dims);
export const f32 = (values: Float32Array, dims: number[]) => new ort.Tensor('float32', values, dims);

export async function runOutputs(s: ort.InferenceSession, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const out = await s.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
