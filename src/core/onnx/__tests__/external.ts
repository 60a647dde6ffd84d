/**
 * Turns a generated single-file model into an external-data export the way exporters lay them
 * out: weights spread over `model.onnx_data` and a `model.onnx_data_1` chunk, locations written
 * with and without `./`, plus metadata in the newer fields (tensor and graph metadata_props)
 * that a reader must carry through.
 */
import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation } from 'onnx-buf';

const kv = (key: string, value: string) => create(StringStringEntryProtoSchema, { key, value });

export function externalize(bytes: Uint8Array, minBytes = 256): { onnx: Uint8Array; files: Map<string, Uint8Array> } {
  const model = clone(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes));
  const chunks: Record<string, Uint8Array[]> = { 'model.onnx_data': [], 'model.onnx_data_1': [] };
  const sizes: Record<string, number> = { 'model.onnx_data': 0, 'model.onnx_data_1': 0 };
  let i = 0;
  for (const t of model.graph!.initializer) {
    if (t.rawData.byteLength < minBytes) continue;
    const file = i++ % 2 === 0 ? 'model.onnx_data' : 'model.onnx_data_1';
    const offset = sizes[file]!;
    chunks[file]!.push(t.rawData);
    sizes[file] = offset + t.rawData.byteLength;
    t.externalData = [kv('location', file === 'model.onnx_data' ? `./${file}` : file), kv('offset', String(offset)), kv('length', String(t.rawData.byteLength))];
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    t.rawData = new Uint8Array(0);
    t.metadataProps = [kv('origin', 'evop-test')];
  }
  model.metadataProps = [kv('exporter', 'evop-test'), kv('note', 'external data fixture')];
  model.graph!.metadataProps = [kv('graph-note', 'kept through surgery')];
  const files = new Map<string, Uint8Array>();
  for (const [name, parts] of Object.entries(chunks)) {
    const out = new Uint8Array(sizes[name]!);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    files.set(name, out);
  }
  return { onnx: toBinary(ModelProtoSchema, model), files };
}

/** Bytes of a list of parts (Uint8Array or Blob), as a test would read the written file. */
export async function concatParts(parts: readonly (Uint8Array | Blob)[]): Promise<Uint8Array> {
  return new Uint8Array(await new Blob(parts as BlobPart[]).arrayBuffer());
}
