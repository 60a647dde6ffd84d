/**
 * Recognise what a file is before handing it to the protobuf decoder, so a user who dropped the
 * wrong file is told what it is (an image, a PyTorch checkpoint, half a download) instead of
 * seeing a decoder error.
 */
import { OnnxError } from './errors';

interface Magic {
  readonly what: string;
  readonly test: (b: Uint8Array) => boolean;
}

const starts = (b: Uint8Array, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const MAGICS: readonly Magic[] = [
  { what: 'a PNG image', test: (b) => starts(b, [0x89, 0x50, 0x4e, 0x47]) },
  { what: 'a JPEG image', test: (b) => starts(b, [0xff, 0xd8, 0xff]) },
  { what: 'a GIF image', test: (b) => starts(b, ascii('GIF8')) },
  { what: 'a PDF document', test: (b) => starts(b, ascii('%PDF')) },
  { what: 'a GGUF model (llama.cpp)', test: (b) => starts(b, ascii('GGUF')) },
  { what: 'a TensorFlow Lite model', test: (b) => starts(b, ascii('TFL3'), 4) },
  { what: 'a gzip archive', test: (b) => starts(b, [0x1f, 0x8b]) },
  {
    what: 'a ZIP archive (a PyTorch checkpoint or a zipped folder)',
    test: (b) => starts(b, [0x50, 0x4b, 0x03, 0x04]),
  },
  {
    // safetensors: little-endian u64 header length, then a JSON object.
    what: 'a safetensors weights file',
    test: (b) => b.length > 10 && b[6] === 0 && b[7] === 0 && b[8] === 0x7b && b[9] === 0x22,
  },
  { what: 'a text file (JSON, HTML or similar)', test: (b) => b.length > 0 && [0x7b, 0x3c, 0x5b].includes(b[0]!) },
];

/** ModelProto's top-level fields and their wire types (0 = varint, 2 = length-delimited). */
const MODEL_FIELDS: Record<number, number> = { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2 };

const EXPORT_HINT = 'Export the model to ONNX (for example with `optimum-cli export onnx`) and drop the .onnx file.';

function readVarint(b: Uint8Array, pos: number): [number, number] | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= b.length) return null;
    const byte = b[pos + i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, pos + i + 1];
  }
  return null;
}

/**
 * Throws `not-onnx` or `truncated` when the bytes cannot be an ONNX model; returns quietly when
 * the top-level structure is plausible (the decoder then checks the rest).
 */
export function sniffModelBytes(bytes: Uint8Array, fileName: string): void {
  if (bytes.length === 0) {
    throw new OnnxError('not-onnx', `${fileName} is empty (0 bytes). Download or export the model again and drop the .onnx file.`);
  }
  const magic = MAGICS.find((m) => m.test(bytes));
  if (magic) {
    throw new OnnxError('not-onnx', `${fileName} is ${magic.what}, not an ONNX model. ${EXPORT_HINT}`);
  }
  let pos = 0;
  let fields = 0;
  let sawGraph = false;
  let sawOpset = false;
  while (pos < bytes.length) {
    const tag = readVarint(bytes, pos);
    const field = tag ? Math.floor(tag[0] / 8) : -1;
    const wire = tag ? tag[0] % 8 : -1;
    const known = MODEL_FIELDS[field] === wire;
    // Newer ONNX versions may add fields; tolerate unknown ones once the file has started like a model.
    const tolerated = fields > 0 && field > 0 && !(field in MODEL_FIELDS) && [0, 1, 2, 5].includes(wire);
    if (!tag || (!known && !tolerated)) throw notOnnx(fileName);
    pos = tag[1];
    const cut = (needed?: number) =>
      new OnnxError(
        'truncated',
        `${fileName} is cut short: it ends after ${bytes.length} bytes, in the middle of the model` +
          (needed ? ` (which needs at least ${needed} bytes)` : '') +
          '. The download or copy did not finish; get the file again and check its size.',
      );
    if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      if (pos > bytes.length) throw cut();
      fields++;
      continue;
    }
    const value = readVarint(bytes, pos);
    if (!value) throw fields > 0 ? cut() : notOnnx(fileName);
    pos = value[1];
    if (wire === 2) {
      if (pos + value[0] > bytes.length) throw fields > 0 || field === 7 ? cut(pos + value[0]) : notOnnx(fileName);
      pos += value[0];
    }
    if (field === 7) sawGraph = true;
    if (field === 8) sawOpset = true;
    fields++;
  }
  if (!sawGraph) {
    throw new OnnxError('not-onnx', `${fileName} holds no graph, so it is not an ONNX model (or only its header survived). ${EXPORT_HINT}`);
  }
  if (!sawOpset) {
    // Exporters write opset_import after the graph; its absence means the tail is missing.
    throw new OnnxError(
      'truncated',
      `${fileName} is cut short: its graph is there but the opset list that follows it is missing. ` +
        'The download or copy did not finish; get the file again and check its size.',
    );
  }
}

function notOnnx(fileName: string): OnnxError {
  return new OnnxError('not-onnx', `${fileName} is not an ONNX model (its bytes are not an ONNX ModelProto). ${EXPORT_HINT}`);
}
