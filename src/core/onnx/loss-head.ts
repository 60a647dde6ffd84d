/**
 * The loss computed inside the epilogue, so logits (tokens x vocab) never leave the device:
 * for labels shaped like input_ids, position t predicts labels[t+1] (the transformers
 * convention), labels of -100 are ignored, and the graph returns the summed negative
 * log-likelihood and the number of scored tokens.
 */
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { intAttr, intsAttr, makeNode, type NodeProto, type TensorProto } from './proto';

export const LABELS = 'labels';
export const NLL_SUM = 'nll_sum';
export const TOKEN_COUNT = 'token_count';

const i64 = (name: string, values: number[], dims: number[] = [values.length]): TensorProto =>
  create(TensorProtoSchema, { name, dataType: 7, dims: dims.map(BigInt), int64Data: values.map(BigInt) });

/**
 * Nodes and constants computing NLL_SUM and TOKEN_COUNT (float32 scalars) from `logits`
 * [batch, seq, vocab] and LABELS [batch, seq]. `opset` picks the Unsqueeze/Squeeze form.
 */
export function lossNodes(logits: string, opset: number): { nodes: NodeProto[]; constants: TensorProto[] } {
  const p = 'evop_loss/';
  const constants = [
    i64(`${p}zero`, [0]),
    i64(`${p}one`, [1]),
    i64(`${p}minus_one`, [-1]),
    i64(`${p}end`, [2 ** 53 - 1]),
    i64(`${p}ignore`, [-100], []),
    i64(`${p}zero_scalar`, [0], []),
    // Unsqueeze/Squeeze take axes as an input from opset 13, as an attribute before.
    ...(opset >= 13 ? [i64(`${p}axis2`, [2])] : []),
  ];
  const axisArgs = (op: 'Unsqueeze' | 'Squeeze', input: string, out: string): NodeProto =>
    opset >= 13 ? makeNode(op, [input, `${p}axis2`], [out], `${p}${op}`) : makeNode(op, [input], [out], `${p}${op}`, [intsAttr('axes', [2])]);
  const nodes = [
    makeNode('LogSoftmax', [logits], [`${p}logp`], `${p}LogSoftmax`, [intAttr('axis', -1)]),
    // Position t scores labels[t + 1]: drop the last position and the first label.
    makeNode('Slice', [`${p}logp`, `${p}zero`, `${p}minus_one`, `${p}one`], [`${p}logp_shifted`], `${p}SliceLogits`),
    makeNode('Slice', [LABELS, `${p}one`, `${p}end`, `${p}one`], [`${p}targets`], `${p}SliceLabels`),
    makeNode('Equal', [`${p}targets`, `${p}ignore`], [`${p}ignored`], `${p}Equal`),
    makeNode('Not', [`${p}ignored`], [`${p}scored`], `${p}Not`),
    makeNode('Where', [`${p}scored`, `${p}targets`, `${p}zero_scalar`], [`${p}safe_targets`], `${p}Where`),
    axisArgs('Unsqueeze', `${p}safe_targets`, `${p}index`),
    makeNode('GatherElements', [`${p}logp_shifted`, `${p}index`], [`${p}picked`], `${p}GatherElements`, [intAttr('axis', 2)]),
    axisArgs('Squeeze', `${p}picked`, `${p}logp_target`),
    makeNode('Cast', [`${p}scored`], [`${p}weight`], `${p}CastWeight`, [intAttr('to', 1)]),
    makeNode('Mul', [`${p}logp_target`, `${p}weight`], [`${p}weighted`], `${p}Mul`),
    makeNode('ReduceSum', [`${p}weighted`], [`${p}logp_sum`], `${p}ReduceSum`, [intAttr('keepdims', 0)]),
    makeNode('Neg', [`${p}logp_sum`], [NLL_SUM], `${p}Neg`),
    makeNode('ReduceSum', [`${p}weight`], [TOKEN_COUNT], `${p}Count`, [intAttr('keepdims', 0)]),
  ];
  return { nodes, constants };
}
