/**
 * A tiny builder for the models tests generate themselves (fused genai graphs, GPT-2 style,
 * int4, external data, bad files), written with the same onnx-buf schema the core reads.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { createRng } from '../../random/rng';

export const FLOAT = 1;
export const UINT8 = 2;
export const INT8 = 3;
export const INT32 = 6;
export const INT64 = 7;

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | GraphProto;

function attr(name: string, v: AttrValue): AttributeProto {
  const T = AttributeProto_AttributeType;
  if (typeof v === 'number') return create(AttributeProtoSchema, { name, type: T.INT, i: BigInt(v) });
  if (typeof v === 'string') return create(AttributeProtoSchema, { name, type: T.STRING, s: new TextEncoder().encode(v) });
  if (Array.isArray(v)) return create(AttributeProtoSchema, { name, type: T.INTS, ints: v.map(BigInt) });
  if ('float' in v) return create(AttributeProtoSchema, { name, type: T.FLOAT, f: v.float });
  if ('floats' in v) return create(AttributeProtoSchema, { name, type: T.FLOATS, floats: v.floats });
  return create(AttributeProtoSchema, { name, type: T.GRAPH, g: v });
}

export function valueInfo(name: string, elemType: number, dims: (number | string)[]): ValueInfoProto {
  const dim = dims.map((d) =>
    create(TensorShapeProto_DimensionSchema, { value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : { case: 'dimParam', value: d } }),
  );
  return create(ValueInfoProtoSchema, {
    name,
    type: create(TypeProtoSchema, {
      value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType, shape: create(TensorShapeProtoSchema, { dim }) }) },
    }),
  });
}

export function tensor(name: string, data: Float32Array | Int32Array | BigInt64Array | Uint8Array, dims: number[], dataType = FLOAT): TensorProto {
  return create(TensorProtoSchema, {
    name,
    dataType,
    dims: dims.map(BigInt),
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(),
  });
}

export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly inits: TensorProto[] = [];
  readonly inputs: ValueInfoProto[] = [];
  readonly outputs: ValueInfoProto[] = [];
  private count = 0;
  /** Node names; empty strings model exporters that name nothing. */
  constructor(private readonly anonymous = false) {}

  input(name: string, elemType: number, dims: (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }
  output(name: string, elemType: number, dims: (number | string)[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }
  init(name: string, data: Float32Array | Int32Array | BigInt64Array | Uint8Array, dims: number[], dataType = FLOAT): string {
    this.inits.push(tensor(name, data, dims, dataType));
    return name;
  }
  ints(name: string, values: number[]): string {
    return this.init(name, BigInt64Array.from(values.map(BigInt)), [values.length], INT64);
  }
  /** Adds a node; `name` doubles as the prefix of its output names unless outputs are given. */
  op(opType: string, inputs: string[], name: string, opts: { outputs?: string[]; attrs?: Record<string, AttrValue>; domain?: string } = {}): string[] {
    const outputs = opts.outputs ?? [this.anonymous ? `t${this.count++}` : `${name}_output_0`];
    this.nodes.push(
      create(NodeProtoSchema, {
        opType,
        input: inputs,
        output: outputs,
        name: this.anonymous ? '' : name,
        domain: opts.domain ?? '',
        attribute: Object.entries(opts.attrs ?? {}).map(([k, v]) => attr(k, v)),
      }),
    );
    return outputs;
  }
  one(opType: string, inputs: string[], name: string, attrs?: Record<string, AttrValue>, domain?: string): string {
    return this.op(opType, inputs, name, { attrs, domain })[0]!;
  }
  graph(name = 'main'): GraphProto {
    return create(GraphProtoSchema, { name, node: this.nodes, initializer: this.inits, input: this.inputs, output: this.outputs });
  }
  model(opsets: Record<string, number> = { '': 17 }, producer = 'evop-test'): ModelProto {
    return create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: producer,
      graph: this.graph(),
      opsetImport: Object.entries(opsets).map(([domain, version]) => create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) })),
    });
  }
  bytes(opsets?: Record<string, number>): Uint8Array {
    return toBinary(ModelProtoSchema, this.model(opsets));
  }
}

/** Deterministic pseudo-random weights in [-scale, scale), from the lab's own seeded generator. */
export function weights(seed: number, n: number, scale = 0.2): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * scale);
}
