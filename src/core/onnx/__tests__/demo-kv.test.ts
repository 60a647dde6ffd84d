/**
 * The demo model pruned for several masks: each export loads, runs with its KV cache (a prefill
 * plus one decoding step gives the full pass's last logits), matches an independent oracle (the
 * unpruned model with the removed blocks' output projections zeroed) and comes with a config.json
 * that states the new block count.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { inspectModel, type InspectedModel } from '../inspect-model';
import { pruneModel } from '../prune-model';
import { DEMO, fixtureBytes, readJson } from './fixtures';
import { danglingInputs, zeroWeightsReadBy } from './helpers';
import { f32, i64, maxAbsDiff, ort, runOutputs, session } from './ort';

const VOCAB = 4096;
const IDS = [464, 1523, 286, 262, 1578, 2253, 11, 290, 1793];

function feeds(layers: number, ids: number[], past: Record<string, ort.Tensor> | null, pastLen: number): Record<string, ort.Tensor> {
  const f: Record<string, ort.Tensor> = {
    input_ids: i64(ids, [1, ids.length]),
    attention_mask: i64(Array(pastLen + ids.length).fill(1), [1, pastLen + ids.length]),
    position_ids: i64(ids.map((_, i) => pastLen + i), [1, ids.length]),
  };
  for (let i = 0; i < layers; i++) {
    for (const kv of ['key', 'value']) {
      f[`past_key_values.${i}.${kv}`] = past?.[`present.${i}.${kv}`] ?? f32(new Float32Array(0), [1, 2, 0, 32]);
    }
  }
  return f;
}

const lastRow = (logits: Float32Array) => logits.subarray(logits.length - VOCAB);

describe('demo model pruned with KV cache', () => {
  let inspected: InspectedModel;
  const bytes = fixtureBytes(`${DEMO}/model.onnx`);
  const config = readJson(`${DEMO}/config.json`);
  beforeAll(async () => {
    inspected = await inspectModel(bytes);
  });

  const masks: [string, number[]][] = [
    ['nothing', []],
    ['3 and 7', [3, 7]],
    ['block 0', [0]],
    ['all but the last', [...Array(15).keys()]],
  ];

  it.each(masks)('drop %s: prefill + one decode step equals the full pass; config says the block count', async (_label, drop) => {
    expect(inspected.summary.blocks).toBe(16);
    const pruned = pruneModel(inspected, drop, { config });
    const L = 16 - drop.length;
    expect(pruned.config?.num_hidden_layers).toBe(L);
    expect(danglingInputs(pruned.result.proto)).toEqual([]);
    const inputs = pruned.result.proto.graph!.input.map((v) => v.name).filter((n) => n.startsWith('past_key_values'));
    expect(inputs).toEqual([...Array(L).keys()].flatMap((i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]));
    const s = await session(pruned.files.onnx);
    const full = await s.run(feeds(L, IDS, null, 0));
    const prefill = await s.run(feeds(L, IDS.slice(0, -1), null, 0));
    const step = await s.run(feeds(L, IDS.slice(-1), prefill, IDS.length - 1));
    const fullLogits = full.logits!.data as Float32Array;
    expect(maxAbsDiff(lastRow(step.logits!.data as Float32Array), lastRow(fullLogits))).toBeLessThan(1e-4);
    expect(maxAbsDiff(prefill.logits!.data as Float32Array, fullLogits.subarray(0, (IDS.length - 1) * VOCAB))).toBeLessThan(1e-4);
    await s.release();
  });

  it('drop 3 and 7 equals the unpruned model with blocks 3 and 7 zeroed (no surgery involved)', async () => {
    const oracle = zeroWeightsReadBy(bytes, /^\/layers\.(3|7)\/(self_attn\/o_proj|mlp\/down_proj)\/MatMul$/);
    const pruned = pruneModel(inspected, [3, 7]);
    const a = await runOutputs(await session(pruned.files.onnx), feeds(14, IDS, null, 0));
    const b = await runOutputs(await session(oracle), feeds(16, IDS, null, 0));
    expect(maxAbsDiff(a.logits!, b.logits!)).toBeLessThan(1e-4);
    // Kept block 8 is now cache layer 6.
    expect(maxAbsDiff(a['present.6.key']!, b['present.8.key']!)).toBeLessThan(1e-4);
    const dense = await runOutputs(await session(bytes), feeds(16, IDS, null, 0));
    expect(maxAbsDiff(a.logits!, dense.logits!)).toBeGreaterThan(1e-2);
  });
});
