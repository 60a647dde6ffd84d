/**
 * Node side of "the user dropped these files": the .onnx as bytes, and its neighbours as
 * file-backed Blobs (`fs.openAsBlob`), so external data is sliced from disk, never read whole.
 */
import { existsSync, openAsBlob, readdirSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileSource } from '../core/onnx/external-data';
import { CliError } from './cli-error';

export interface ModelOnDisk {
  readonly path: string;
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly files: ReadonlyMap<string, FileSource>;
}

/** A folder means the one .onnx inside it (model.onnx when there are several). */
function resolveModelPath(path: string): string {
  if (!existsSync(path)) throw new CliError('io', `No such file: ${path}. Check the path to the .onnx file.`);
  if (!statSync(path).isDirectory()) return path;
  const onnx = readdirSync(path).filter((f) => f.endsWith('.onnx'));
  const pick = onnx.length === 1 ? onnx[0] : onnx.find((f) => f === 'model.onnx');
  if (!pick)
    throw new CliError('io', `${path} is a folder with ${onnx.length || 'no'} .onnx files; give the path of one.`);
  return join(path, pick);
}

const NOT_DATA = /\.(json|txt|md|onnx|py|jinja|model)$/i;

export async function readModelFiles(path: string): Promise<ModelOnDisk> {
  const modelPath = resolveModelPath(path);
  const bytes = new Uint8Array(readFileSync(modelPath));
  const dir = dirname(modelPath);
  const files = new Map<string, FileSource>();
  for (const f of readdirSync(dir)) {
    const full = join(dir, f);
    if (full === modelPath || NOT_DATA.test(f) || !statSync(full).isFile()) continue;
    files.set(f, await openAsBlob(full));
  }
  return { path: modelPath, name: basename(modelPath), bytes, files };
}

/** Writes parts (bytes and Blob slices) one after another, streaming the Blobs. */
export async function writeParts(path: string, parts: readonly FileSource[]): Promise<void> {
  const fh = await open(path, 'w');
  try {
    for (const p of parts) {
      if (p instanceof Uint8Array) {
        await fh.write(p);
        continue;
      }
      const reader = p.stream().getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await fh.write(value);
      }
    }
  } finally {
    await fh.close();
  }
}

export function readJsonFile(path: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (e) {
    if (!existsSync(path)) throw new CliError('io', `No such file: ${path} (${what}).`);
    throw new CliError('io', `${path} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
  throw new CliError('io', `${path} must hold a JSON object (${what}).`);
}
