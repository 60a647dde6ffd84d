/**
 * Element types of intermediate tensors, which exporters rarely record in value_info but a
 * sub-model needs for every tensor it takes as input or returns. Covers the ops decoders use;
 * everything else is assumed to keep its first input's type.
 */
import type { TensorProto_DataType } from 'onnx-buf';
import { attrInt, getAttr, valueElemType, type GraphProto, type NodeProto } from './proto';

const INT64 = 7;
const INT32 = 6;
const BOOL = 9;
const FLOAT = 1;

const BOOL_OPS = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const INT64_OPS = new Set(['Shape', 'Size', 'NonZero', 'ArgMax', 'ArgMin']);

function outputTypes(n: NodeProto, type: (t: string) => number | undefined): (number | undefined)[] {
  const first = type(n.input[0] ?? '');
  switch (n.opType) {
    case 'Cast':
      return [attrInt(n, 'to', FLOAT)];
    case 'CastLike':
      return [type(n.input[1] ?? '')];
    case 'Constant': {
      const a = getAttr(n, 'value');
      if (a?.t) return [a.t.dataType];
      if (getAttr(n, 'value_int') || getAttr(n, 'value_ints')) return [INT64];
      return [FLOAT];
    }
    case 'ConstantOfShape':
      return [getAttr(n, 'value')?.t?.dataType ?? FLOAT];
    case 'Where':
      return [type(n.input[1] ?? '')];
    case 'TopK':
      return [first, INT64];
    case 'DequantizeLinear':
      return [type(n.input[1] ?? '')];
    case 'GatherBlockQuantized':
      return [type(n.input[2] ?? '')];
    case 'EmbedLayerNormalization':
      return [type(n.input[5] ?? '') ?? type(n.input[2] ?? ''), INT32, type(n.input[2] ?? '')];
    case 'SkipLayerNormalization':
    case 'SkipSimplifiedLayerNormalization':
      return [first, FLOAT, FLOAT, first];
    case 'LayerNormalization':
    case 'SimplifiedLayerNormalization':
      return [first, FLOAT, FLOAT];
  }
  if (BOOL_OPS.has(n.opType)) return n.output.map(() => BOOL);
  if (INT64_OPS.has(n.opType)) return n.output.map(() => INT64);
  return n.output.map(() => first);
}

/** Tensor name -> TensorProto.DataType, for every tensor whose type can be derived. */
export function inferElemTypes(graph: GraphProto): Map<string, TensorProto_DataType | number> {
  const types = new Map<string, number>();
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    const t = valueElemType(v);
    if (t) types.set(v.name, t);
  }
  for (const t of graph.initializer) types.set(t.name, t.dataType);
  const type = (t: string) => types.get(t);
  for (const n of graph.node) {
    outputTypes(n, type).forEach((t, i) => {
      const name = n.output[i];
      if (name && t && !types.has(name)) types.set(name, t);
    });
  }
  return types;
}
