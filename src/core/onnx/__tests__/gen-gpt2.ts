/**
 * A GPT-2-shaped decoder as Optimum exports it (LayerNormalization, Softmax attention with a
 * causal mask, tanh-GELU, tied LM head, `/transformer/h.N/...` names), optionally with int4
 * `MatMulNBits` projections and llama-style names, or with no names at all. Each block's weights
 * come from its own seed, so the model built from a subset of seeds is what removing the other
 * blocks must produce.
 */
import { FLOAT, GraphBuilder, INT8, UINT8, weights, type AttrValue } from './graph-builder';

export const GPT2 = { hidden: 32, heads: 4, ffn: 64, vocab: 48, seq: 6 };

export interface Gpt2Options {
  /** 'gpt2': `/transformer/h.N/`; 'llama': `/model/layers.N/`. */
  readonly names?: 'gpt2' | 'llama';
  /** Exporter that names nothing: detection must fall back on the residual chain. */
  readonly anonymous?: boolean;
  /** int4 MatMulNBits linear layers (block size 16). */
  readonly int4?: boolean;
  /** int8 weights behind DequantizeLinear (QDQ), as static-quantised exports store them. */
  readonly int8?: boolean;
}

/** Symmetric 4-bit block quantisation of W [K, N] in MatMulNBits' layout. */
export function quantizeInt4(w: Float32Array, K: number, N: number, block = 16): { b: Uint8Array; scales: Float32Array } {
  const blocks = Math.ceil(K / block);
  const b = new Uint8Array(N * blocks * (block / 2));
  const scales = new Float32Array(N * blocks);
  for (let n = 0; n < N; n++) {
    for (let kb = 0; kb < blocks; kb++) {
      let max = 0;
      for (let i = 0; i < block; i++) max = Math.max(max, Math.abs(w[(kb * block + i) * N + n] ?? 0));
      const scale = max / 7 || 1;
      scales[n * blocks + kb] = scale;
      for (let i = 0; i < block; i++) {
        const q = Math.min(15, Math.max(0, Math.round((w[(kb * block + i) * N + n] ?? 0) / scale) + 8));
        const at = (n * blocks + kb) * (block / 2) + (i >> 1);
        b[at]! |= i % 2 === 0 ? q : q << 4;
      }
    }
  }
  return { b, scales };
}

export function buildGpt2(seeds: readonly number[], opts: Gpt2Options = {}): Uint8Array {
  const { hidden: H, heads, ffn: F, vocab: V, seq: S } = GPT2;
  const hd = H / heads;
  const g = new GraphBuilder(opts.anonymous);
  const scope = (n: number) => (opts.names === 'llama' ? `/model/layers.${n}` : `/transformer/h.${n}`);
  const wname = (n: number, w: string) => (opts.anonymous ? `w${n}_${w.replace(/\W/g, '')}` : `${opts.names === 'llama' ? 'model.layers' : 'transformer.h'}.${n}.${w}`);
  const ids = g.input('input_ids', 7, [1, S]);
  const wte = g.init(opts.anonymous ? 'w_emb' : 'transformer.wte.weight', weights(1, V * H, 0.5), [V, H]);
  const wpe = g.init(opts.anonymous ? 'w_pos' : 'transformer.wpe.weight', weights(2, S * H, 0.1), [S, H]);
  const pos = g.ints('position_ids_const', [...Array(S).keys()].map((i) => i));
  const mask = new Float32Array(S * S).map((_, i) => (i % S > Math.floor(i / S) ? -1e9 : 0));
  const causal = g.init('causal_mask', mask, [S, S]);
  const tok = g.one('Gather', [wte, ids], '/transformer/wte/Gather');
  const pe = g.one('Gather', [wpe, pos], '/transformer/wpe/Gather');
  let h = g.one('Add', [tok, pe], '/transformer/Add');
  const shapeHeads = g.ints('shape_heads', [1, S, heads, hd]);
  const shapeFlat = g.ints('shape_flat', [1, S, H]);
  const split = g.ints('split_sizes', [H, H, H]);
  const linear = (x: string, seed: number, K: number, N: number, n: number, w: string, name: string): string => {
    const W = weights(seed, K * N, 1 / Math.sqrt(K));
    const bias = g.init(wname(n, `${w}.bias`), weights(seed + 7777, N, 0.02), [N]);
    let y: string;
    if (opts.int4) {
      const q = quantizeInt4(W, K, N);
      const B = g.init(wname(n, `${w}.qweight`), q.b, [N, K / 16, 8], UINT8);
      const sc = g.init(wname(n, `${w}.scales`), q.scales, [N * (K / 16)]);
      const attrs: Record<string, AttrValue> = { K, N, bits: 4, block_size: 16 };
      y = g.one('MatMulNBits', [x, B, sc], `${name}/MatMul_Q4`, attrs, 'com.microsoft');
    } else if (opts.int8) {
      const scale = Math.max(...W.map(Math.abs)) / 127;
      const q = Int8Array.from(W, (v) => Math.round(v / scale));
      const deq = g.one(
        'DequantizeLinear',
        [g.init(wname(n, `${w}.weight_quantized`), new Uint8Array(q.buffer), [K, N], INT8), g.init(wname(n, `${w}.weight_scale`), Float32Array.of(scale), []), g.init(wname(n, `${w}.weight_zero_point`), new Uint8Array(1), [], INT8)],
        `${name}/DequantizeLinear`,
      );
      y = g.one('MatMul', [x, deq], `${name}/MatMul`);
    } else {
      y = g.one('MatMul', [x, g.init(wname(n, `${w}.weight`), W, [K, N])], `${name}/MatMul`);
    }
    return g.one('Add', [bias, y], `${name}/Add`);
  };
  const layerNorm = (x: string, seed: number, name: string, wn: string) =>
    g.one('LayerNormalization', [x, g.init(`${wn}.weight`, weights(seed, H, 0.3).map((v) => 1 + v), [H]), g.init(`${wn}.bias`, weights(seed + 1, H, 0.1), [H])], name, {
      axis: -1,
      epsilon: { float: 1e-5 },
    });
  seeds.forEach((seed, n) => {
    const s = scope(n);
    const base = seed * 100;
    const ln1 = layerNorm(h, base + 1, `${s}/ln_1/LayerNormalization`, wname(n, 'ln_1'));
    const qkv = linear(ln1, base + 2, H, 3 * H, n, 'attn.c_attn', `${s}/attn/c_attn`);
    const [q, k, v] = g.op('Split', [qkv, split], `${s}/attn/Split`, {
      outputs: ['q', 'k', 'v'].map((x) => (opts.anonymous ? `t_${n}_${x}` : `${s}/attn/Split_output_${x}`)),
      attrs: { axis: 2 },
    }) as [string, string, string];
    const heads4 = (x: string, tag: string, perm: number[]) =>
      g.one('Transpose', [g.one('Reshape', [x, shapeHeads], `${s}/attn/Reshape_${tag}`)], `${s}/attn/Transpose_${tag}`, { perm });
    const qh = heads4(q, 'q', [0, 2, 1, 3]);
    const kt = heads4(k, 'k', [0, 2, 3, 1]);
    const vh = heads4(v, 'v', [0, 2, 1, 3]);
    const scores = g.one('Mul', [g.one('MatMul', [qh, kt], `${s}/attn/MatMul`), g.init(`${s}/scale`, Float32Array.of(1 / Math.sqrt(hd)), [])], `${s}/attn/Mul`);
    const probs = g.one('Softmax', [g.one('Add', [scores, causal], `${s}/attn/Add_mask`)], `${s}/attn/Softmax`, { axis: -1 });
    const ctx = g.one('Reshape', [g.one('Transpose', [g.one('MatMul', [probs, vh], `${s}/attn/MatMul_1`)], `${s}/attn/Transpose_o`, { perm: [0, 2, 1, 3] }), shapeFlat], `${s}/attn/Reshape_o`);
    const attn = linear(ctx, base + 3, H, H, n, 'attn.c_proj', `${s}/attn/c_proj`);
    h = g.one('Add', [h, attn], `${s}/Add`);
    const ln2 = layerNorm(h, base + 4, `${s}/ln_2/LayerNormalization`, wname(n, 'ln_2'));
    const fc = linear(ln2, base + 5, H, F, n, 'mlp.c_fc', `${s}/mlp/c_fc`);
    // tanh-GELU: its x + 0.044715x^3 looks like a residual add and must not confuse detection.
    const cube = g.one('Mul', [g.init(`${s}/c1`, Float32Array.of(0.044715), []), g.one('Pow', [fc, g.init(`${s}/three`, Float32Array.of(3), [])], `${s}/mlp/act/Pow`)], `${s}/mlp/act/Mul`);
    const inner = g.one('Mul', [g.one('Add', [fc, cube], `${s}/mlp/act/Add`), g.init(`${s}/c2`, Float32Array.of(Math.sqrt(2 / Math.PI)), [])], `${s}/mlp/act/Mul_1`);
    const onePlus = g.one('Add', [g.one('Tanh', [inner], `${s}/mlp/act/Tanh`), g.init(`${s}/one`, Float32Array.of(1), [])], `${s}/mlp/act/Add_1`);
    const gelu = g.one('Mul', [g.one('Mul', [fc, onePlus], `${s}/mlp/act/Mul_2`), g.init(`${s}/half`, Float32Array.of(0.5), [])], `${s}/mlp/act/Mul_3`);
    const mlp = linear(gelu, base + 6, F, H, n, 'mlp.c_proj', `${s}/mlp/c_proj`);
    h = g.one('Add', [h, mlp], `${s}/Add_1`);
  });
  const lnf = layerNorm(h, 9, '/transformer/ln_f/LayerNormalization', opts.anonymous ? 'w_lnf' : 'transformer.ln_f');
  const head = g.one('Transpose', [wte], '/lm_head/Transpose', { perm: [1, 0] });
  g.op('MatMul', [lnf, head], '/lm_head/MatMul', { outputs: ['logits'] });
  g.output('logits', FLOAT, [1, S, V]);
  return g.bytes(opts.int4 ? { '': 17, 'com.microsoft': 1 } : { '': 17 });
}
