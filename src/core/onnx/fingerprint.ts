/**
 * A short, stable name for a model that a shared link can carry: SHA-256 over its structure
 * (ops, wiring, attributes), interface (names, types, shapes) and a sample of every weight's
 * bytes (start, middle, end). Sampling keeps a multi-gigabyte model's fingerprint to a few
 * kilobytes of reads while any retraining or re-quantisation still changes it.
 */
import { toBinary } from '@bufbuild/protobuf';
import { AttributeProtoSchema } from 'onnx-buf';
import { sourceSize, sliceSource, type FileSource } from './external-data';
import { valueElemType, valueShape, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto';
import { tensorBytes, type LoadedModel } from './read-model';

const SAMPLE = 64;

async function readAll(src: FileSource): Promise<Uint8Array> {
  return src instanceof Uint8Array ? src : new Uint8Array(await src.arrayBuffer());
}

async function sampleBytes(src: FileSource): Promise<Uint8Array[]> {
  const n = sourceSize(src);
  if (n <= SAMPLE * 3) return [await readAll(src)];
  const mid = Math.floor(n / 2);
  return Promise.all([sliceSource(src, 0, SAMPLE), sliceSource(src, mid, mid + SAMPLE), sliceSource(src, n - SAMPLE, n)].map(readAll));
}

function nodeLine(n: NodeProto): string {
  // Attributes by their encoded bytes: exact, and cheap for everything but big Constant tensors,
  // which exporters keep small.
  const attrs = n.attribute.map((a) => `${a.name}=${hex(toBinary(AttributeProtoSchema, a)).slice(0, 256)}`);
  return `N|${n.domain}|${n.opType}|${n.input.join(',')}|${n.output.join(',')}|${attrs.join(';')}`;
}

function tensorLine(t: TensorProto): string {
  return `T|${t.name}|${t.dataType}|${t.dims.join('x')}`;
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function structureText(proto: ModelProto): string {
  const g = proto.graph!;
  const io = (v: ValueInfoProto) => `${v.name}:${valueElemType(v)}:${(valueShape(v) ?? []).join(',')}`;
  return [
    `opsets|${proto.opsetImport.map((o) => `${o.domain}:${o.version}`).join(',')}`,
    `in|${g.input.map(io).join('|')}`,
    `out|${g.output.map(io).join('|')}`,
    ...g.node.map(nodeLine),
    ...g.initializer.map(tensorLine),
  ].join('\n');
}

/** 16 hex digits (64 bits) of SHA-256: short enough for a URL, long enough never to collide by chance. */
export async function fingerprintModel(model: LoadedModel, proto: ModelProto = model.proto): Promise<string> {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [enc.encode(structureText(proto))];
  for (const t of proto.graph!.initializer) chunks.push(...(await sampleBytes(tensorBytes(model, t))));
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
  return hex(digest).slice(0, 16);
}
