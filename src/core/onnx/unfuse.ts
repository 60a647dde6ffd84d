/**
 * Splits a fused `Skip(Simplified)LayerNormalization` into the `Add` it performs and the norm
 * that follows, so the residual sum becomes a real tensor. Surgery needs this where a removed
 * block ends (the next block's norm must read the stream from before the removed block) and the
 * split evaluator needs it at every block boundary.
 */
import { OnnxError } from './errors';
import { attrFloat, floatAttr, intAttr, makeNode, type NodeProto } from './proto';

/**
 * Returns replacement nodes computing the same `output[0]` from `residual = input + skip (+ bias)`,
 * where `residual` gets the name the fused node gave its sum (output 3) or `fallbackName`.
 * `usedOutputs` says which tensors have readers, to refuse graphs that read mean/inv-std.
 */
export function unfuseSkipNorm(node: NodeProto, fallbackName: string, usedOutputs: (t: string) => boolean): {
  nodes: NodeProto[];
  residual: string;
} {
  const simplified = node.opType === 'SkipSimplifiedLayerNormalization';
  const [input, skip, gamma] = node.input;
  const beta = simplified ? '' : (node.input[3] ?? '');
  const bias = simplified ? (node.input[3] ?? '') : (node.input[4] ?? '');
  const [out, mean, invStd] = node.output;
  if ((mean && usedOutputs(mean)) || (invStd && usedOutputs(invStd))) {
    throw new OnnxError('unsupported-graph', `${node.name || node.opType}: its mean/inv-std outputs are used elsewhere; cannot rewire it.`);
  }
  if (!input || !skip || !gamma) {
    throw new OnnxError('unsupported-graph', `${node.name || node.opType} lacks an input; the graph is malformed.`);
  }
  const residual = node.output[3] || fallbackName;
  const base = node.name || residual;
  const nodes: NodeProto[] = [];
  if (bias) {
    nodes.push(makeNode('Add', [input, skip], [`${base}/evop_sum`], `${base}/evop_add`));
    nodes.push(makeNode('Add', [`${base}/evop_sum`, bias], [residual], `${base}/evop_add_bias`));
  } else {
    nodes.push(makeNode('Add', [input, skip], [residual], `${base}/evop_add`));
  }
  const eps = attrFloat(node, 'epsilon', 1e-5);
  if (out) {
    // ORT registers both norms in the default domain for every opset, as the builder's own
    // un-fused first-layer norm relies on.
    nodes.push(
      simplified
        ? makeNode('SimplifiedLayerNormalization', [residual, gamma], [out], `${base}/evop_norm`, [
            intAttr('axis', -1),
            floatAttr('epsilon', eps),
            intAttr('stash_type', 1),
          ])
        : makeNode('LayerNormalization', beta ? [residual, gamma, beta] : [residual, gamma], [out], `${base}/evop_norm`, [
            intAttr('axis', -1),
            floatAttr('epsilon', eps),
          ]),
    );
  }
  return { nodes, residual };
}
