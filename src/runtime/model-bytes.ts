import type { WrittenModel } from '../core/onnx';

/** What `InferenceSession.create` needs for a written model: the .onnx and its external data. */
export interface SessionBytes {
  readonly onnx: Uint8Array;
  readonly externalData?: { path: string; data: Uint8Array }[];
}

/**
 * Gathers a written model's external data into one buffer for onnxruntime-web, which takes
 * external data as bytes. Slices of Blobs are read here, at session creation, not before.
 */
export async function sessionBytes(written: WrittenModel): Promise<SessionBytes> {
  if (!written.dataName) return { onnx: written.onnx };
  const data = new Uint8Array(written.dataBytes);
  let at = 0;
  for (const part of written.dataParts) {
    const bytes = part instanceof Uint8Array ? part : new Uint8Array(await part.arrayBuffer());
    data.set(bytes, at);
    at += bytes.length;
  }
  return { onnx: written.onnx, externalData: [{ path: written.dataName, data }] };
}
