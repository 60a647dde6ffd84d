/** Checks shared by the surgery tests. */
import { clone, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import type { ModelProto } from '../proto';

/** Every tensor a node reads is produced by a node, an initializer or a graph input. */
export function danglingInputs(proto: ModelProto): string[] {
  const g = proto.graph!;
  const known = new Set([...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name), ...g.node.flatMap((n) => n.output)]);
  const missing = g.node.flatMap((n) => n.input.filter((t) => t && !known.has(t)));
  const outputs = g.output.map((o) => o.name).filter((o) => !known.has(o));
  return [...missing, ...outputs];
}

/** Initializers nobody reads (the reference count surgery must bring to zero). */
export function unusedInitializers(proto: ModelProto): string[] {
  const g = proto.graph!;
  const read = new Set([...g.node.flatMap((n) => n.input), ...g.output.map((o) => o.name)]);
  return g.initializer.map((t) => t.name).filter((n) => !read.has(n));
}

/**
 * An independent oracle for block removal: zeroing the weights of a block's output projections
 * (attention o_proj and MLP down_proj, in bias-free models) makes the block add nothing to the
 * residual stream, which is what removing it means — computed without any graph surgery.
 */
export function zeroWeightsReadBy(bytes: Uint8Array, nodeName: RegExp, slot = 1): Uint8Array {
  const model = clone(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes));
  const g = model.graph!;
  const names = new Set(g.node.filter((n) => nodeName.test(n.name)).map((n) => n.input[slot]!));
  let zeroed = 0;
  for (const t of g.initializer) {
    if (!names.has(t.name)) continue;
    t.rawData = new Uint8Array(t.rawData.byteLength);
    zeroed++;
  }
  if (zeroed !== names.size || zeroed === 0) throw new Error(`zeroed ${zeroed} of ${names.size} weights for ${nodeName}`);
  return toBinary(ModelProtoSchema, model);
}

/** Same, selecting initializers by name. */
export function zeroWeightsNamed(bytes: Uint8Array, name: RegExp): Uint8Array {
  const model = clone(ModelProtoSchema, fromBinary(ModelProtoSchema, bytes));
  const hits = model.graph!.initializer.filter((t) => name.test(t.name));
  if (hits.length === 0) throw new Error(`no initializer matches ${name}`);
  for (const t of hits) t.rawData = new Uint8Array(t.rawData.byteLength);
  return toBinary(ModelProtoSchema, model);
}
