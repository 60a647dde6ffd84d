/**
 * A decoder laid out as onnxruntime-genai's model builder writes it: SimplifiedLayerNormalization
 * on the embeddings, then per block GroupQueryAttention (rotary inside, KV cache
 * `past_key_values.N.*`) and a SiLU MLP, with every block boundary inside a fused
 * SkipSimplifiedLayerNormalization (`/model/layers.N/input_layernorm/SkipLayerNorm`, the last
 * one `/model/layers.L/final_norm_layernorm`). Per-block seeds as in gen-gpt2. Head size 16: the
 * CPU GroupQueryAttention kernel requires a multiple of 16.
 */
import { FLOAT, GraphBuilder, INT32, weights } from './graph-builder';

export const GENAI = { hidden: 64, heads: 4, kvHeads: 2, headDim: 16, ffn: 48, vocab: 40, maxSeq: 32 };

export function buildGenai(seeds: readonly number[]): Uint8Array {
  const { hidden: H, heads, kvHeads, headDim: hd, ffn: F, vocab: V, maxSeq } = GENAI;
  const g = new GraphBuilder();
  const ids = g.input('input_ids', 7, ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 7, ['batch_size', 'total_sequence_length']);
  const emb = g.one('Gather', [g.init('model.embed_tokens.weight', weights(1, V * H, 0.5), [V, H]), ids], '/model/embed_tokens/Gather');
  // Sequence lengths for GroupQueryAttention, computed once and shared by every block.
  const sum = g.one('ReduceSum', [mask, g.ints('/model/attn_mask_reformat/axes', [1])], '/model/attn_mask_reformat/ReduceSum', { keepdims: 0 });
  const seqlens = g.one('Cast', [g.one('Sub', [sum, g.ints('/model/attn_mask_reformat/one', [1])], '/model/attn_mask_reformat/Sub')], '/model/attn_mask_reformat/Cast', { to: INT32 });
  const total = g.one(
    'Cast',
    [g.one('Gather', [g.one('Shape', [mask], '/model/attn_mask_reformat/Shape'), g.init('/model/one_scalar', BigInt64Array.of(1n), [], 7)], '/model/attn_mask_reformat/Gather')],
    '/model/attn_mask_reformat/Cast_1',
    { to: INT32 },
  );
  const cos = new Float32Array(maxSeq * (hd / 2));
  const sin = new Float32Array(maxSeq * (hd / 2));
  for (let p = 0; p < maxSeq; p++) {
    for (let i = 0; i < hd / 2; i++) {
      const a = p / 10000 ** ((2 * i) / hd);
      cos[p * (hd / 2) + i] = Math.cos(a);
      sin[p * (hd / 2) + i] = Math.sin(a);
    }
  }
  const cosCache = g.init('cos_cache', cos, [maxSeq, hd / 2]);
  const sinCache = g.init('sin_cache', sin, [maxSeq, hd / 2]);
  const gamma = (seed: number, name: string) => g.init(name, weights(seed, H, 0.4).map((v) => 1 + v), [H]);
  const L = seeds.length;
  let normed = g.one('SimplifiedLayerNormalization', [emb, gamma(seeds[0]! * 100, 'model.layers.0.input_layernorm.weight')], '/model/layers.0/input_layernorm/LayerNorm', {
    axis: -1,
    epsilon: { float: 1e-5 },
  });
  let residual = emb;
  const skipNorm = (input: string, skip: string, gammaName: string, name: string, last: boolean) => {
    const outs = g.op('SkipSimplifiedLayerNormalization', [input, skip, gammaName], name, {
      outputs: [`${name}/output_0`, '', '', last ? '' : `${name}/output_3`],
      attrs: { epsilon: { float: 1e-5 } },
      domain: 'com.microsoft',
    });
    return [outs[0]!, outs[3]!] as const;
  };
  seeds.forEach((seed, n) => {
    const s = `/model/layers.${n}`;
    const w = (name: string, K: number, N: number, k: number) => g.init(`model.layers.${n}.${name}.weight`, weights(seed * 100 + k, K * N, 1 / Math.sqrt(K)), [K, N]);
    const q = g.one('MatMul', [normed, w('attn.q_proj', H, heads * hd, 1)], `${s}/attn/q_proj/MatMul`);
    const k = g.one('MatMul', [normed, w('attn.k_proj', H, kvHeads * hd, 2)], `${s}/attn/k_proj/MatMul`);
    const v = g.one('MatMul', [normed, w('attn.v_proj', H, kvHeads * hd, 3)], `${s}/attn/v_proj/MatMul`);
    const past = ['key', 'value'].map((kv) => g.input(`past_key_values.${n}.${kv}`, FLOAT, ['batch_size', kvHeads, 'past_sequence_length', hd]));
    const present = ['key', 'value'].map((kv) => `present.${n}.${kv}`);
    const [attn] = g.op('GroupQueryAttention', [q, k, v, past[0]!, past[1]!, seqlens, total, cosCache, sinCache], `${s}/attn/GroupQueryAttention`, {
      outputs: [`${s}/attn/GroupQueryAttention/output_0`, ...present],
      attrs: { num_heads: heads, kv_num_heads: kvHeads, do_rotary: 1 },
      domain: 'com.microsoft',
    });
    for (const p of present) g.output(p, FLOAT, ['batch_size', kvHeads, 'total_sequence_length', hd]);
    const o = g.one('MatMul', [attn!, w('attn.o_proj', heads * hd, H, 4)], `${s}/attn/o_proj/MatMul`);
    const [mlpIn, mid] = skipNorm(o, residual, gamma(seed * 100 + 5, `model.layers.${n}.post_attention_layernorm.weight`), `${s}/post_attention_layernorm/SkipLayerNorm`, false);
    const gate = g.one('MatMul', [mlpIn, w('mlp.gate_proj', H, F, 6)], `${s}/mlp/gate_proj/MatMul`);
    const up = g.one('MatMul', [mlpIn, w('mlp.up_proj', H, F, 7)], `${s}/mlp/up_proj/MatMul`);
    const act = g.one('Mul', [gate, g.one('Sigmoid', [gate], `${s}/mlp/act_fn/Sigmoid`)], `${s}/mlp/act_fn/Mul`);
    const down = g.one('MatMul', [g.one('Mul', [act, up], `${s}/mlp/Mul`), w('mlp.down_proj', F, H, 8)], `${s}/mlp/down_proj/MatMul`);
    const last = n === L - 1;
    const nextGamma = last ? gamma(7, 'model.norm.weight') : gamma(seeds[n + 1]! * 100, `model.layers.${n + 1}.input_layernorm.weight`);
    const name = last ? `/model/layers.${L}/final_norm_layernorm/SkipLayerNorm` : `/model/layers.${n + 1}/input_layernorm/SkipLayerNorm`;
    [normed, residual] = skipNorm(down, mid, nextGamma, name, last);
  });
  g.op('MatMul', [normed, g.init('lm_head.MatMul.weight', weights(3, H * V, 0.3), [H, V])], '/lm_head/MatMul', { outputs: ['logits'] });
  g.output('logits', FLOAT, ['batch_size', 'sequence_length', V]);
  // Present outputs after logits, as the builder orders them.
  g.outputs.unshift(g.outputs.pop()!);
  return g.bytes({ '': 14, 'com.microsoft': 1 });
}
