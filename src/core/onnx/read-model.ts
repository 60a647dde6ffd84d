/**
 * Decoding a ModelProto with the official schema. @bufbuild/protobuf returns `bytes` fields as
 * `subarray` views of the input, so inline weights stay where they are in the file's buffer:
 * reading a 2 GB model does not need 4 GB.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { OnnxError } from './errors';
import { isExternal, resolveExternalData, sliceSource, type ExternalRef, type FileSource } from './external-data';
import type { ModelProto, TensorProto } from './proto';
import { sniffModelBytes } from './sniff';

export interface LoadedModel {
  /** File name of the .onnx, used in messages and as the base name of exports. */
  readonly name: string;
  readonly proto: ModelProto;
  /** Where each external initializer's bytes are, by tensor name. */
  readonly external: ReadonlyMap<string, ExternalRef>;
  /** The external data files, by normalised location. */
  readonly files: ReadonlyMap<string, FileSource>;
}

export interface ReadOptions {
  /** File name shown in messages; default `model.onnx`. */
  readonly name?: string;
  /** Other files the user provided (external data), by file name or relative path. */
  readonly files?: ReadonlyMap<string, FileSource>;
}

export function readModel(bytes: Uint8Array, options: ReadOptions = {}): LoadedModel {
  const name = options.name ?? 'model.onnx';
  sniffModelBytes(bytes, name);
  let proto: ModelProto;
  try {
    proto = fromBinary(ModelProtoSchema, bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    const code = /premature|EOF|out of range|index/i.test(why) ? 'truncated' : 'not-onnx';
    throw new OnnxError(
      code,
      code === 'truncated'
        ? `${name} is cut short inside its graph (${why}). The download or copy did not finish; get the file again.`
        : `${name} could not be decoded as ONNX (${why}). Check that it is an .onnx export and not another format.`,
    );
  }
  const graph = proto.graph;
  if (!graph) throw new OnnxError('not-onnx', `${name} has no graph. Export the model to ONNX again.`);
  const { refs, files } = resolveExternalData(graph.initializer, options.files ?? new Map(), name);
  return { name, proto, external: refs, files };
}

/**
 * The raw little-endian bytes of an initializer: a view of the model buffer, a slice of an
 * external file, or (for exporters that use the typed repeated fields) a freshly encoded copy.
 */
export function tensorBytes(model: LoadedModel, t: TensorProto): FileSource {
  if (isExternal(t)) {
    const ref = model.external.get(t.name);
    const src = ref && model.files.get(ref.location);
    if (!ref || !src) throw new OnnxError('missing-external-data', `${model.name}: no data for external tensor "${t.name}".`);
    return sliceSource(src, ref.offset, ref.offset + ref.length);
  }
  if (t.rawData.byteLength > 0) return t.rawData;
  if (t.floatData.length) return new Uint8Array(Float32Array.from(t.floatData).buffer);
  if (t.int32Data.length) return new Uint8Array(Int32Array.from(t.int32Data).buffer);
  if (t.int64Data.length) return new Uint8Array(BigInt64Array.from(t.int64Data).buffer);
  if (t.doubleData.length) return new Uint8Array(Float64Array.from(t.doubleData).buffer);
  if (t.uint64Data.length) return new Uint8Array(BigUint64Array.from(t.uint64Data).buffer);
  return new Uint8Array(0);
}
