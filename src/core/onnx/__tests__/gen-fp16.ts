/**
 * A float16-weight model made from a float32 one, the way fp16 exports that keep float32
 * compute store their weights: every float32 initializer is stored as float16 and a Cast back to
 * float32 feeds its readers. The result is a real fp16 model (float16 tensors that WebGPU needs
 * `shader-f16` for) that still runs on wasm and predicts what the float32 model predicts, up to
 * float16 rounding of the weights.
 */
import { clone, create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType, AttributeProtoSchema, ModelProtoSchema, NodeProtoSchema } from 'onnx-buf';
import { elementCount } from '../proto';

const FLOAT = 1;
const FLOAT16 = 10;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of `x`, rounded to nearest even (overflow to infinity, subnormals kept). */
export function float16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  const mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && h & 1)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

/** The model with its float32 initializers (of more than one element) stored as float16. */
export function toFloat16Weights(bytes: Uint8Array): Uint8Array {
  const model = clone(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes));
  const graph = model.graph!;
  const casts = [];
  for (const t of graph.initializer) {
    if (t.dataType !== FLOAT || elementCount(t) < 2) continue;
    const values =
      t.rawData.byteLength > 0
        ? new Float32Array(t.rawData.buffer.slice(t.rawData.byteOffset, t.rawData.byteOffset + t.rawData.byteLength))
        : Float32Array.from(t.floatData);
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = float16Bits(values[i]!);
    const name = t.name;
    t.name = `${name}.fp16`;
    t.dataType = FLOAT16;
    t.rawData = new Uint8Array(half.buffer);
    t.floatData = [];
    casts.push(
      create(NodeProtoSchema, {
        name: `${name}.cast`,
        opType: 'Cast',
        input: [t.name],
        output: [name],
        attribute: [
          create(AttributeProtoSchema, { name: 'to', type: AttributeProto_AttributeType.INT, i: BigInt(FLOAT) }),
        ],
      }),
    );
  }
  graph.node = [...casts, ...graph.node];
  return toBinary(ModelProtoSchema, model);
}
