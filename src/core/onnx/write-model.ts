/**
 * Serialising a (pruned) model. Single-file models come back as one buffer. Models whose source
 * kept weights outside the .onnx get a new .onnx plus one data file assembled from slices of the
 * source files: the parts list is handed to `new Blob(parts)` (browser) or streamed to disk
 * (CLI), so weights are never gathered in JS memory.
 */
import { clone, create, toBinary } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, StringStringEntryProtoSchema, TensorProtoSchema } from 'onnx-buf';
import { isExternal, sliceSource, type FileSource } from './external-data';
import type { ModelProto, TensorProto } from './proto';
import type { LoadedModel } from './read-model';

export interface WrittenModel {
  /** The .onnx file. */
  readonly onnx: Uint8Array;
  /** File name the .onnx refers to for its external weights, or null when it has none. */
  readonly dataName: string | null;
  /** Pieces of the external data file, in order (slices of the sources and alignment padding). */
  readonly dataParts: readonly FileSource[];
  readonly dataBytes: number;
}

/** Large tensors start on a page boundary so runtimes can memory-map them. */
function alignment(length: number): number {
  return length >= 1 << 20 ? 4096 : 64;
}

/**
 * Writes `proto` (whose initializers may still point into `source`'s external files). When any
 * initializer is external, all of them go to `<dataName>`; otherwise the result is one file.
 */
export function writeModel(source: LoadedModel, proto: ModelProto, dataName: string): WrittenModel {
  const graph = proto.graph!;
  if (!graph.initializer.some(isExternal)) {
    return { onnx: toBinary(ModelProtoSchema, proto), dataName: null, dataParts: [], dataBytes: 0 };
  }
  const parts: FileSource[] = [];
  let offset = 0;
  const initializer: TensorProto[] = graph.initializer.map((t) => {
    if (!isExternal(t)) return t;
    const ref = source.external.get(t.name);
    const file = ref && source.files.get(ref.location);
    if (!ref || !file) throw new Error(`No source bytes for external tensor "${t.name}".`);
    const align = alignment(ref.length);
    const pad = (align - (offset % align)) % align;
    if (pad > 0) parts.push(new Uint8Array(pad));
    offset += pad;
    parts.push(sliceSource(file, ref.offset, ref.offset + ref.length));
    const copy = clone(TensorProtoSchema, t);
    copy.externalData = [
      create(StringStringEntryProtoSchema, { key: 'location', value: dataName }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(ref.length) }),
    ];
    offset += ref.length;
    return copy;
  });
  const out = create(ModelProtoSchema, { ...proto, graph: create(GraphProtoSchema, { ...graph, initializer }) });
  return { onnx: toBinary(ModelProtoSchema, out), dataName, dataParts: parts, dataBytes: offset };
}

/** `model.onnx` -> `model.onnx_data`, the name Optimum and transformers.js expect. */
export function dataFileName(onnxName: string): string {
  return `${onnxName.slice(onnxName.lastIndexOf('/') + 1)}_data`;
}
