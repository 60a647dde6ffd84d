/**
 * Weights stored outside the .onnx file (`model.onnx_data`, `model.onnx.data`, `_data_1` chunks…),
 * found among the files the user dropped by the `location` each tensor names. Nothing is read
 * here: a tensor's bytes stay a `Blob` slice until someone writes or hashes them, so a 7 GB
 * model costs no memory to inspect or prune.
 */
import { TensorProto_DataLocation } from 'onnx-buf';
import { OnnxError } from './errors';
import { rawByteLength, type TensorProto } from './proto';

/** A file the user provided: a browser `File`/`Blob`, a Node `openAsBlob` result, or bytes. */
export type FileSource = Blob | Uint8Array;

export interface ExternalRef {
  /** Normalised `location` (the key into the provided files). */
  readonly location: string;
  readonly offset: number;
  readonly length: number;
}

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

function entry(t: TensorProto, key: string): string | undefined {
  return t.externalData.find((e) => e.key === key)?.value;
}

/** Location names use forward slashes; exporters write `./x` or Windows separators at times. */
export function normaliseLocation(location: string): string {
  return location.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

const baseName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

export function sourceSize(s: FileSource): number {
  return s instanceof Uint8Array ? s.byteLength : s.size;
}

export function sliceSource(s: FileSource, start: number, end: number): FileSource {
  return s instanceof Uint8Array ? s.subarray(start, end) : s.slice(start, end);
}

/** Finds a provided file for a location: exact path first, then by file name alone. */
function findFile(files: ReadonlyMap<string, FileSource>, location: string): FileSource | undefined {
  const direct = files.get(location);
  if (direct) return direct;
  const base = baseName(location);
  for (const [name, src] of files) if (baseName(normaliseLocation(name)) === base) return src;
  return undefined;
}

export interface ResolvedExternal {
  readonly refs: ReadonlyMap<string, ExternalRef>;
  readonly files: ReadonlyMap<string, FileSource>;
}

/**
 * Resolves and size-checks every external tensor of `initializers`. Throws
 * `missing-external-data` naming every absent file, or `external-data-size` when a file is
 * shorter than the tensors it should hold (a partial download or a file of another export).
 */
export function resolveExternalData(
  initializers: readonly TensorProto[],
  provided: ReadonlyMap<string, FileSource>,
  modelName: string,
): ResolvedExternal {
  const refs = new Map<string, ExternalRef>();
  const files = new Map<string, FileSource>();
  const missing = new Set<string>();
  for (const t of initializers) {
    if (!isExternal(t)) continue;
    const raw = entry(t, 'location');
    if (!raw) {
      throw new OnnxError(
        'missing-external-data',
        `${modelName}: tensor "${t.name}" is marked as external data but names no file. Re-export the model.`,
      );
    }
    const location = normaliseLocation(raw);
    const offset = Number(entry(t, 'offset') ?? 0);
    const expected = rawByteLength(t);
    const length = Number(entry(t, 'length') ?? expected ?? -1);
    if (length < 0) {
      throw new OnnxError('unsupported-graph', `${modelName}: external tensor "${t.name}" has no length and a variable-size type.`);
    }
    refs.set(t.name, { location, offset, length });
    if (files.has(location) || missing.has(location)) continue;
    const src = findFile(provided, location);
    if (src) files.set(location, src);
    else missing.add(location);
  }
  if (missing.size > 0) {
    const list = [...missing].map((m) => `"${m}"`).join(', ');
    throw new OnnxError(
      'missing-external-data',
      `${modelName} keeps its weights in ${list}, which ${missing.size === 1 ? 'was' : 'were'} not provided. ` +
        `Select ${modelName} together with ${list} (all files of the export, from the same folder).`,
    );
  }
  for (const [name, ref] of refs) {
    const src = files.get(ref.location)!;
    const size = sourceSize(src);
    if (ref.offset + ref.length > size) {
      throw new OnnxError(
        'external-data-size',
        `${ref.location} is ${size} bytes, but ${modelName} expects tensor "${name}" at bytes ` +
          `${ref.offset}..${ref.offset + ref.length}. The file is incomplete or belongs to a different ` +
          `export: download ${ref.location} again, from the same export as ${modelName}.`,
      );
    }
  }
  return { refs, files };
}
