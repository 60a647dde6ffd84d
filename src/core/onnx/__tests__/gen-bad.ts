/** Valid ONNX files that are not prunable decoders, for the bad-file corpus. */
import { FLOAT, GraphBuilder, weights } from './graph-builder';

/** A small image classifier: convolutions, no residual stream, no attention. */
export function buildCnn(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('pixel_values', FLOAT, [1, 3, 8, 8]);
  const c1 = g.one('Relu', [g.one('Conv', [x, g.init('conv1.weight', weights(1, 4 * 3 * 9), [4, 3, 3, 3])], '/conv1/Conv', { pads: [1, 1, 1, 1] })], '/relu1/Relu');
  const c2 = g.one('Relu', [g.one('Conv', [c1, g.init('conv2.weight', weights(2, 4 * 4 * 9), [4, 4, 3, 3])], '/conv2/Conv', { pads: [1, 1, 1, 1] })], '/relu2/Relu');
  const pooled = g.one('Flatten', [g.one('GlobalAveragePool', [c2], '/pool/GlobalAveragePool')], '/flatten/Flatten');
  g.op('Gemm', [pooled, g.init('fc.weight', weights(3, 10 * 4), [10, 4]), g.init('fc.bias', weights(4, 10), [10])], '/fc/Gemm', { outputs: ['logits'], attrs: { transB: 1 } });
  g.output('logits', FLOAT, [1, 10]);
  return g.bytes();
}

/** A BERT-style encoder layer: bidirectional attention, token_type_ids, `encoder.layer.N` names. */
export function buildEncoder(): Uint8Array {
  const H = 16;
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 7, [1, 4]);
  const types = g.input('token_type_ids', 7, [1, 4]);
  const e = g.one(
    'Add',
    [g.one('Gather', [g.init('bert.embeddings.word_embeddings.weight', weights(1, 30 * H), [30, H]), ids], '/bert/embeddings/word/Gather'), g.one('Gather', [g.init('bert.embeddings.token_type_embeddings.weight', weights(2, 2 * H), [2, H]), types], '/bert/embeddings/type/Gather')],
    '/bert/embeddings/Add',
  );
  const s = '/bert/encoder/layer.0';
  const q = g.one('MatMul', [e, g.init('bert.encoder.layer.0.attention.self.query.weight', weights(3, H * H), [H, H])], `${s}/attention/self/query/MatMul`);
  const k = g.one('MatMul', [e, g.init('bert.encoder.layer.0.attention.self.key.weight', weights(4, H * H), [H, H])], `${s}/attention/self/key/MatMul`);
  const kt = g.one('Transpose', [k], `${s}/attention/self/Transpose`, { perm: [0, 2, 1] });
  const p = g.one('Softmax', [g.one('MatMul', [q, kt], `${s}/attention/self/MatMul`)], `${s}/attention/self/Softmax`, { axis: -1 });
  const a = g.one('MatMul', [p, e], `${s}/attention/self/MatMul_1`);
  const h = g.one('Add', [e, a], `${s}/attention/output/Add`);
  g.op('LayerNormalization', [h, g.init('ln.weight', new Float32Array(H).fill(1), [H]), g.init('ln.bias', new Float32Array(H), [H])], `${s}/output/LayerNorm/LayerNormalization`, {
    outputs: ['last_hidden_state'],
    attrs: { axis: -1, epsilon: { float: 1e-12 } },
  });
  g.output('last_hidden_state', FLOAT, [1, 4, H]);
  return g.bytes();
}

/** A graph with an If node, as merged decoders (with/without cache branches) have. */
export function buildControlFlow(): Uint8Array {
  const branch = (value: number) => {
    const b = new GraphBuilder();
    b.op('Identity', [b.init(`c${value}`, Float32Array.of(value), [1])], `branch${value}`, { outputs: [`out${value}`] });
    b.output(`out${value}`, FLOAT, [1]);
    return b.graph(`branch${value}`);
  };
  const g = new GraphBuilder();
  const cond = g.input('use_cache_branch', 9, [1]);
  g.op('If', [cond], 'optimum::if', { outputs: ['logits'], attrs: { then_branch: branch(1), else_branch: branch(2) } });
  g.output('logits', FLOAT, [1]);
  return g.bytes();
}

/** The first bytes of a real PNG (signature + IHDR), padded: a picture renamed to .onnx. */
export function pngBytes(): Uint8Array {
  const head = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0];
  const out = new Uint8Array(200);
  out.set(head);
  return out;
}
