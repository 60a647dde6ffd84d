/**
 * The split evaluator's sub-models: prologue -> blocks -> epilogue must give the NLL of the
 * whole model's logits, and for a pattern the NLL of the surgically pruned file (DESIGN: the
 * pruned file is the reference, relative difference below 1e-4).
 */
import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, type InspectedModel } from '../inspect-model';
import { pruneModel } from '../prune-model';
import { emptyCacheDims, HIDDEN_IN, HIDDEN_OUT, splitModel, type SplitModel } from '../split';
import { DEMO, FIXTURES, fixtureBytes, GENAI_GPT2, readJson } from './fixtures';
import { buildGenai } from './gen-genai';
import { f32, i32, i64, ort, session } from './ort';

type Feeds = Record<string, ort.Tensor>;

/** Sessions for every part, and a runner for any kept-block pattern. */
async function splitRunner(split: SplitModel, base: Feeds, batch: number) {
  const make = async (p: { proto: Parameters<typeof toBinary<typeof ModelProtoSchema>>[1] }) => session(toBinary(ModelProtoSchema, p.proto));
  const prologue = await make(split.prologue);
  const blocks = await Promise.all(split.blocks.map(make));
  const epilogue = await make(split.epilogue);
  const cache: Feeds = {};
  for (const [name, dims] of split.cacheInputs) cache[name] = f32(new Float32Array(0), emptyCacheDims(dims, batch));
  const pick = (s: ort.InferenceSession, avail: Feeds) => Object.fromEntries(s.inputNames.map((n) => [n, avail[n]!]));
  return async (keep: readonly number[], labels: ort.Tensor): Promise<{ nll: number; tokens: number }> => {
    const shared = await prologue.run(pick(prologue, { ...base, ...cache }));
    let hidden = shared[HIDDEN_OUT]!;
    for (const b of keep) {
      const s = blocks[b]!;
      hidden = (await s.run(pick(s, { ...base, ...cache, ...shared, [HIDDEN_IN]: hidden })))[HIDDEN_OUT]!;
    }
    const out = await epilogue.run(pick(epilogue, { ...base, ...cache, ...shared, [HIDDEN_IN]: hidden, labels }));
    return { nll: (out.nll_sum!.data as Float32Array)[0]!, tokens: (out.token_count!.data as Float32Array)[0]! };
  };
}

/** Summed NLL of next-token prediction from full logits [batch, seq, vocab], in float64. */
function nllFromLogits(logits: Float32Array, ids: number[][], vocab: number): number {
  let total = 0;
  ids.forEach((row, b) => {
    for (let t = 0; t + 1 < row.length; t++) {
      const off = (b * row.length + t) * vocab;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) max = Math.max(max, logits[off + v]!);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += Math.exp(logits[off + v]! - max);
      total -= logits[off + row[t + 1]!]! - max - Math.log(sum);
    }
  });
  return total;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('split demo model', () => {
  const IDS = [
    [464, 1523, 286, 262, 1578, 2253, 11, 290, 1793, 318, 257, 922],
    [40, 716, 407, 1107, 588, 340, 11, 466, 345, 765, 284, 1342],
  ];
  const B = IDS.length;
  const S = IDS[0]!.length;
  const base: Feeds = {
    input_ids: i64(IDS.flat(), [B, S]),
    attention_mask: i64(Array(B * S).fill(1), [B, S]),
    position_ids: i64(IDS.flatMap((r) => r.map((_, i) => i)), [B, S]),
  };
  const labels = i64(IDS.flat(), [B, S]);
  let inspected: InspectedModel;
  let split: SplitModel;
  let run: Awaited<ReturnType<typeof splitRunner>>;
  const fullFeeds = (layers: number): Feeds => {
    const f = { ...base };
    for (let i = 0; i < layers; i++) for (const kv of ['key', 'value']) f[`past_key_values.${i}.${kv}`] = f32(new Float32Array(0), [B, 2, 0, 32]);
    return f;
  };

  beforeAll(async () => {
    inspected = await inspectModel(fixtureBytes(`${DEMO}/model.onnx`));
    split = splitModel(inspected.model.proto, inspected.blocks);
    run = await splitRunner(split, base, B);
  });

  it('has a prologue, 16 blocks and an epilogue with the loss inside', () => {
    expect(split.blocks).toHaveLength(16);
    expect(split.epilogue.outputs).toEqual(['nll_sum', 'token_count']);
    expect(split.epilogue.inputs).toContain('labels');
    expect(split.epilogue.proto.graph!.output.map((o) => o.name)).not.toContain('logits');
    for (const b of split.blocks) expect(b.outputs).toEqual([HIDDEN_OUT]);
    // Shared state is the rotary cos/sin tables and the attention mask; constants stay local.
    expect(split.shared).toHaveLength(3);
    expect([...split.blocks[5]!.inputs].sort()).toEqual([HIDDEN_IN, ...split.shared, 'past_key_values.5.key', 'past_key_values.5.value'].sort());
    // Each block's weights live in its own sub-model only.
    const weights = split.blocks.map((b) => b.proto.graph!.initializer.filter((t) => t.dims.length === 2).length);
    expect(weights).toEqual(Array(16).fill(7));
  });

  it('prologue -> all blocks -> epilogue equals the NLL of the full model logits', async () => {
    const got = await run([...Array(16).keys()], labels);
    expect(got.tokens).toBe(B * (S - 1));
    const s = await session(fixtureBytes(`${DEMO}/model.onnx`));
    const logits = (await s.run(fullFeeds(16))).logits!.data as Float32Array;
    expect(rel(got.nll, nllFromLogits(logits, IDS, 4096))).toBeLessThan(1e-4);
  });

  it.each([
    ['{3, 7}', [3, 7]],
    ['{0}', [0]],
  ])('blocks minus %s equals the surgically pruned file', async (_label, drop) => {
    const keep = [...Array(16).keys()].filter((b) => !drop.includes(b));
    const got = await run(keep, labels);
    const pruned = pruneModel(inspected, drop);
    const logits = (await (await session(pruned.files.onnx)).run(fullFeeds(keep.length))).logits!.data as Float32Array;
    const want = nllFromLogits(logits, IDS, 4096);
    expect(rel(got.nll, want)).toBeLessThan(1e-4);
    // Block 0 matters a lot for this model (README: perplexity 34 -> 82 without it).
    if (drop.includes(0)) expect(rel(got.nll, (await run([...Array(16).keys()], labels)).nll)).toBeGreaterThan(1e-2);
  });

  it('ignores labels of -100 (padding)', async () => {
    const masked = i64(IDS.flat().map((t, i) => (i % S >= 8 ? -100 : t)), [B, S]);
    const got = await run([0, 1, 2], masked);
    expect(got.tokens).toBe(B * 7);
  });
});

describe('split other exports', () => {
  it('llama-tiny (no cache inputs; norm weights shared through Identity nodes)', async () => {
    const ref = readJson<Record<string, { input_ids: number[][] }>>(`${FIXTURES}/reference.json`)['llama-tiny']!;
    const ids = ref.input_ids;
    const inspected = await inspectModel(fixtureBytes(`${FIXTURES}/llama-tiny.onnx`));
    const split = splitModel(inspected.model.proto, inspected.blocks);
    const base: Feeds = { input_ids: i64(ids.flat(), [2, 16]), attention_mask: i64(Array(32).fill(1), [2, 16]) };
    const run = await splitRunner(split, base, 2);
    for (const drop of [[], [1], [0, 5]]) {
      const keep = [0, 1, 2, 3, 4, 5].filter((b) => !drop.includes(b));
      const got = await run(keep, i64(ids.flat(), [2, 16]));
      const logits = (await (await session(pruneModel(inspected, drop).files.onnx)).run(base)).logits!.data as Float32Array;
      expect(rel(got.nll, nllFromLogits(logits, ids, 512))).toBeLessThan(1e-4);
    }
  });

  it('genai-style model: every fused boundary un-fused; patterns equal the pruned files', async () => {
    const inspected = await inspectModel(buildGenai([11, 12, 13, 14]));
    const split = splitModel(inspected.model.proto, inspected.blocks);
    const ids = [3, 7, 1, 30, 22, 9, 4, 5];
    const base: Feeds = { input_ids: i64(ids, [1, 8]), attention_mask: i64(Array(8).fill(1), [1, 8]) };
    const run = await splitRunner(split, base, 1);
    for (const drop of [[], [0], [1, 3]]) {
      const keep = [0, 1, 2, 3].filter((b) => !drop.includes(b));
      const got = await run(keep, i64(ids, [1, 8]));
      const pruned = pruneModel(inspected, drop);
      const feeds: Feeds = { ...base };
      for (let i = 0; i < keep.length; i++) for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = f32(new Float32Array(0), [1, 2, 0, 16]);
      const logits = (await (await session(pruned.files.onnx)).run(feeds)).logits!.data as Float32Array;
      expect(rel(got.nll, nllFromLogits(logits, [ids], 40))).toBeLessThan(1e-4);
    }
  });

  it('ORT-fused GPT-2 (EmbedLayerNormalization, Attention, stacked past): patterns equal the pruned files', async () => {
    const inspected = await inspectModel(fixtureBytes(GENAI_GPT2));
    const split = splitModel(inspected.model.proto, inspected.blocks);
    const ids = [1, 5, 9, 22, 7, 100];
    const base: Feeds = { input_ids: i32(ids, [1, 6]), position_ids: i32([0, 1, 2, 3, 4, 5], [1, 6]), attention_mask: i32(Array(6).fill(1), [1, 6]) };
    const run = await splitRunner(split, base, 1);
    for (const drop of [[], [0, 2]]) {
      const keep = [0, 1, 2, 3, 4].filter((b) => !drop.includes(b));
      const got = await run(keep, i64(ids, [1, 6]));
      const feeds: Feeds = { ...base };
      keep.forEach((_, i) => (feeds[`past_${i}`] = f32(new Float32Array(0), [2, 1, 4, 0, 8])));
      const logits = (await (await session(pruneModel(inspected, drop).files.onnx)).run(feeds)).logits!.data as Float32Array;
      expect(rel(got.nll, nllFromLogits(logits, [ids], 1000))).toBeLessThan(1e-4);
    }
  });
});
