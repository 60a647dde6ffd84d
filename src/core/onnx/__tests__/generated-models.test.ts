/**
 * Models the fixtures lack, generated here: each is built with L blocks, pruned, and compared
 * with the same generator's model built directly from the kept blocks — what an exporter would
 * have written for the smaller model. Plus the ORT-fused GPT-2 and fp16 Qwen fixtures of
 * onnxruntime-genai, checked against the zeroed-projection oracle.
 */
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../inspect-model';
import { pruneModel } from '../prune-model';
import { GENAI_GPT2, GENAI_QWEN35, fixtureBytes } from './fixtures';
import { buildGenai, GENAI } from './gen-genai';
import { buildGpt2, GPT2 } from './gen-gpt2';
import { danglingInputs, unusedInitializers, zeroWeightsNamed } from './helpers';
import { f32, i32, i64, maxAbsDiff, ort, runOutputs, session } from './ort';

const SEEDS = [11, 12, 13, 14, 15];
const keepSeeds = (drop: number[]) => SEEDS.filter((_, i) => !drop.includes(i));

describe('GPT-2-style graph (LayerNormalization, tanh-GELU, tied head)', () => {
  const gptFeeds = { input_ids: i64([3, 7, 1, 40, 22, 9], [1, GPT2.seq]) };

  it.each([
    ['named', {}],
    ['with no names at all', { anonymous: true }],
  ] as const)('%s: blocks found, pruned model equals the model built without them', async (_label, opts) => {
    const inspected = await inspectModel(buildGpt2(SEEDS, opts));
    expect(inspected.summary.blocks).toBe(5);
    expect(inspected.summary.blockDetection).toBe('anonymous' in opts ? 'residual-chain' : 'names');
    for (const drop of [[2], [0, 4], [0, 1, 2, 3]]) {
      const { files, result } = pruneModel(inspected, drop);
      expect(danglingInputs(result.proto)).toEqual([]);
      expect(unusedInitializers(result.proto)).toEqual([]);
      const got = await runOutputs(await session(files.onnx), gptFeeds);
      const want = await runOutputs(await session(buildGpt2(keepSeeds(drop), opts)), gptFeeds);
      expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-5);
    }
  });

  it('int4 MatMulNBits: summary counts 4-bit weights; pruning keeps the quantised blobs intact', async () => {
    const inspected = await inspectModel(buildGpt2(SEEDS, { int4: true, names: 'llama' }));
    const { summary } = inspected;
    expect(summary.blocks).toBe(5);
    expect(summary.quantizedOps).toEqual({ MatMulNBits: 20 });
    const H = GPT2.hidden;
    const perBlockInt4 = 3 * H * H + H * H + 2 * H * GPT2.ffn;
    expect(summary.dtypes.int4).toBe(5 * perBlockInt4);
    // Plus float parameters: two LayerNorms (4H), four biases (3H + H + ffn + H) and six scalars.
    expect(summary.parameters.perBlock[0]).toBe(perBlockInt4 + 4 * H + 5 * H + GPT2.ffn + 6);
    const drop = [1, 3];
    const { files, result } = pruneModel(inspected, drop);
    expect(result.proto.graph!.node.filter((n) => n.opType === 'MatMulNBits')).toHaveLength(12);
    const got = await runOutputs(await session(files.onnx), gptFeeds);
    const want = await runOutputs(await session(buildGpt2(keepSeeds(drop), { int4: true, names: 'llama' })), gptFeeds);
    expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-5);
  });
});

describe('int8 QDQ graph (DequantizeLinear before each MatMul)', () => {
  it('attributes quantised weights to their blocks; pruned equals built without the blocks', async () => {
    const feeds = { input_ids: i64([3, 7, 1, 40, 22, 9], [1, GPT2.seq]) };
    const inspected = await inspectModel(buildGpt2(SEEDS, { int8: true }));
    const H = GPT2.hidden;
    expect(inspected.summary.quantizedOps).toEqual({ DequantizeLinear: 20 });
    expect(inspected.summary.dtypes.int8).toBe(5 * (4 * H * H + 2 * H * GPT2.ffn));
    expect(inspected.summary.parameters.perBlock[2]).toBe(4 * H * H + 2 * H * GPT2.ffn + 9 * H + GPT2.ffn + 6);
    const { files, result } = pruneModel(inspected, [0, 3]);
    expect(unusedInitializers(result.proto)).toEqual([]);
    const got = await runOutputs(await session(files.onnx), feeds);
    const want = await runOutputs(await session(buildGpt2(keepSeeds([0, 3]), { int8: true })), feeds);
    expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-5);
  });
});

describe('genai-builder-style fused graph (SkipSimplifiedLayerNormalization, GroupQueryAttention, KV cache)', () => {
  const feeds = (layers: number) => {
    const f: Record<string, ort.Tensor> = { input_ids: i64([3, 7, 1, 30, 22, 9], [1, 6]), attention_mask: i64([1, 1, 1, 1, 1, 1], [1, 6]) };
    for (let n = 0; n < layers; n++) {
      for (const kv of ['key', 'value']) f[`past_key_values.${n}.${kv}`] = f32(new Float32Array(0), [1, GENAI.kvHeads, 0, GENAI.headDim]);
    }
    return f;
  };

  it('rewires the stream across fused norms: first, middle, last and all-but-one removals', async () => {
    const inspected = await inspectModel(buildGenai(SEEDS));
    expect(inspected.summary.blocks).toBe(5);
    expect(inspected.summary.fusedNorms).toBe(true);
    expect(inspected.summary.kvCache).toEqual({ layout: 'per-layer', layers: 5, tensorsPerLayer: 2 });
    for (const drop of [[0], [2, 3], [4], [0, 1, 2, 3]]) {
      const { files, result } = pruneModel(inspected, drop);
      const L = 5 - drop.length;
      expect(result.proto.graph!.output.map((o) => o.name)).toEqual(['logits', ...[...Array(L).keys()].flatMap((i) => [`present.${i}.key`, `present.${i}.value`])]);
      expect(danglingInputs(result.proto)).toEqual([]);
      const got = await runOutputs(await session(files.onnx), feeds(L));
      const want = await runOutputs(await session(buildGenai(keepSeeds(drop))), feeds(L));
      expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(got[`present.${L - 1}.value`]!, want[`present.${L - 1}.value`]!)).toBeLessThan(1e-4);
    }
  });
});

describe('onnxruntime-genai test models', () => {
  it('ORT-fused GPT-2 with stacked past_N: 5 blocks; removal matches zeroed projections', async () => {
    const bytes = fixtureBytes(GENAI_GPT2);
    const inspected = await inspectModel(bytes);
    expect(inspected.summary.blocks).toBe(5);
    expect(inspected.summary.kvCache.layout).toBe('stacked');
    expect(inspected.summary.architecture).toBe('gpt2');
    const drop = [1, 3];
    const { files, result } = pruneModel(inspected, drop);
    expect(result.proto.graph!.input.map((v) => v.name)).toEqual(['input_ids', 'position_ids', 'attention_mask', 'past_0', 'past_1', 'past_2']);
    // Biases of this tiny random model are zero, so zeroing c_proj weights silences a block.
    const oracle = zeroWeightsNamed(bytes, /^transformer\.h\.(1|3)\.(attn|mlp)\.c_proj\.weight$/);
    const feeds = (layers: number) => {
      const f: Record<string, ort.Tensor> = { input_ids: i32([1, 5, 9, 22, 7], [1, 5]), position_ids: i32([0, 1, 2, 3, 4], [1, 5]), attention_mask: i32([1, 1, 1, 1, 1], [1, 5]) };
      for (let i = 0; i < layers; i++) f[`past_${i}`] = f32(new Float32Array(0), [2, 1, 4, 0, 8]);
      return f;
    };
    const got = await runOutputs(await session(files.onnx), feeds(3));
    const want = await runOutputs(await session(oracle), feeds(5));
    const dense = await runOutputs(await session(bytes), feeds(5));
    expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-4);
    expect(maxAbsDiff(got.logits!, dense.logits!)).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(got.present_2!, want.present_4!)).toBeLessThan(1e-4);
  });

  it('fp16 Qwen with GroupQueryAttention and SkipLayerNormalization: 2 blocks; block 0 removable', async () => {
    const bytes = fixtureBytes(GENAI_QWEN35);
    const inspected = await inspectModel(bytes);
    expect(inspected.summary.blocks).toBe(2);
    expect(inspected.summary.blockDetection).toBe('residual-chain');
    expect(inspected.summary.dtypes).toHaveProperty('float16');
    const { files } = pruneModel(inspected, [0]);
    const oracle = zeroWeightsNamed(bytes, /^l0\.(o|dn)\.w$/);
    const feeds = (layers: number) => {
      const f: Record<string, ort.Tensor> = { input_ids: i32([1, 2, 3], [1, 3]), attention_mask: i64([1, 1, 1], [1, 3]) };
      for (let i = 0; i < layers; i++) for (const kv of ['key', 'value']) f[`past_key_values.${i}.${kv}`] = new ort.Tensor('float16', new Uint16Array(0), [1, 2, 0, 16]);
      return f;
    };
    const got = (await (await session(files.onnx)).run(feeds(1))).logits!;
    const want = (await (await session(oracle)).run(feeds(2))).logits!;
    const toF = (t: ort.Tensor) => Array.from(t.data as unknown as ArrayLike<number>, Number);
    expect(got.dims).toEqual([1, 3, 1000]);
    expect(maxAbsDiff(toF(got), toF(want))).toBeLessThan(2e-2);
  });
});
