/**
 * Thin helpers over the official ONNX schema compiled for @bufbuild/protobuf (`onnx-buf`).
 * The schema does the encoding; this file only knows what the numbers in it mean.
 */
import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  type AttributeProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from 'onnx-buf';

/** Element type names by TensorProto.DataType, with their size in bits (0 = not fixed-size). */
const DTYPES: Record<number, readonly [string, number]> = {
  1: ['float32', 32],
  2: ['uint8', 8],
  3: ['int8', 8],
  4: ['uint16', 16],
  5: ['int16', 16],
  6: ['int32', 32],
  7: ['int64', 64],
  8: ['string', 0],
  9: ['bool', 8],
  10: ['float16', 16],
  11: ['float64', 64],
  12: ['uint32', 32],
  13: ['uint64', 64],
  14: ['complex64', 64],
  15: ['complex128', 128],
  16: ['bfloat16', 16],
  17: ['float8e4m3fn', 8],
  18: ['float8e4m3fnuz', 8],
  19: ['float8e5m2', 8],
  20: ['float8e5m2fnuz', 8],
  21: ['uint4', 4],
  22: ['int4', 4],
  23: ['float4e2m1', 4],
  24: ['float8e8m0', 8],
  25: ['uint2', 2],
  26: ['int2', 2],
};

export function dtypeName(dataType: number): string {
  return DTYPES[dataType]?.[0] ?? `type${dataType}`;
}

export function elementCount(t: TensorProto): number {
  return t.dims.reduce((n, d) => n * Number(d), 1);
}

/** Bytes a tensor occupies in raw form (sub-byte types are packed, rounded up), or null if variable. */
export function rawByteLength(t: TensorProto): number | null {
  const bits = DTYPES[t.dataType]?.[1];
  if (!bits) return null;
  return Math.ceil((elementCount(t) * bits) / 8);
}

export function getAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const a = getAttr(node, name);
  return a ? Number(a.i) : fallback;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const a = getAttr(node, name);
  return a ? a.f : fallback;
}

export function floatAttr(name: string, f: number): AttributeProto {
  return create(AttributeProtoSchema, { name, f, type: AttributeProto_AttributeType.FLOAT });
}

export function intAttr(name: string, i: number): AttributeProto {
  return create(AttributeProtoSchema, { name, i: BigInt(i), type: AttributeProto_AttributeType.INT });
}

export function intsAttr(name: string, values: number[]): AttributeProto {
  return create(AttributeProtoSchema, { name, ints: values.map(BigInt), type: AttributeProto_AttributeType.INTS });
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attribute: AttributeProto[] = [],
  domain = '',
): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name, attribute, domain });
}

/** Dimensions of a graph input/output: numbers, symbolic names, or null when unknown. */
export function valueShape(v: ValueInfoProto): (number | string | null)[] | null {
  const t = v.type?.value;
  if (!t || v.type?.value.case !== 'tensorType') return null;
  const shape = v.type.value.value.shape;
  if (!shape) return null;
  return shape.dim.map((d) =>
    d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null,
  );
}

export function valueElemType(v: ValueInfoProto): number | null {
  return v.type?.value.case === 'tensorType' ? v.type.value.value.elemType : null;
}

/** Opset version the model declares for a domain ('' and 'ai.onnx' are the same domain). */
export function opsetVersion(model: ModelProto, domain: string): number | null {
  const norm = (d: string) => (d === 'ai.onnx' ? '' : d);
  const o = model.opsetImport.find((x) => norm(x.domain) === norm(domain));
  return o ? Number(o.version) : null;
}
