/**
 * The ground truth from transformers itself (test-fixtures/reference.json): the exported tiny
 * Llama and Qwen2, whole and with block 1 removed, must give transformers' logits.
 */
import { describe, expect, it } from 'vitest';
import { inspectModel } from '../inspect-model';
import { pruneModel } from '../prune-model';
import { FIXTURES, fixtureBytes, readJson } from './fixtures';
import { danglingInputs, unusedInitializers } from './helpers';
import { i64, maxAbsDiff, runOutputs, session } from './ort';

type Reference = Record<string, { input_ids: number[][]; logits_0_4x8: number[][]; drop1_logits_0_4x8: number[][] }>;
const reference = readJson<Reference>(`${FIXTURES}/reference.json`);
const VOCAB = 512;

async function logitsSlice(bytes: Uint8Array, ids: number[][]): Promise<number[]> {
  const s = await session(bytes);
  const flat = ids.flat();
  const out = await runOutputs(s, { input_ids: i64(flat, [2, 16]), attention_mask: i64(flat.map(() => 1), [2, 16]) });
  await s.release();
  const logits = out.logits!;
  return [0, 1, 2, 3].flatMap((t) => [...logits.subarray(t * VOCAB, t * VOCAB + 8)]);
}

describe.each(['llama-tiny', 'qwen2-tiny'])('%s against transformers', (name) => {
  const ref = reference[name]!;
  const bytes = fixtureBytes(`${FIXTURES}/${name}.onnx`);

  it('finds 6 blocks by their names', async () => {
    const { summary } = await inspectModel(bytes, { name: `${name}.onnx` });
    expect(summary.blocks).toBe(6);
    expect(summary.blockDetection).toBe('names');
  });

  it('unpruned (surgery with nothing dropped) reproduces logits_0_4x8', async () => {
    const inspected = await inspectModel(bytes);
    const { files } = pruneModel(inspected, []);
    expect(maxAbsDiff(await logitsSlice(files.onnx, ref.input_ids), ref.logits_0_4x8.flat())).toBeLessThan(1e-4);
  });

  it('without block 1 reproduces drop1_logits_0_4x8, with no dangling or unused tensors', async () => {
    const inspected = await inspectModel(bytes);
    const { files, result } = pruneModel(inspected, [1]);
    const got = await logitsSlice(files.onnx, ref.input_ids);
    expect(maxAbsDiff(got, ref.drop1_logits_0_4x8.flat())).toBeLessThan(1e-4);
    // Sanity: the answer is not the unpruned one.
    expect(maxAbsDiff(got, ref.logits_0_4x8.flat())).toBeGreaterThan(1e-2);
    expect(danglingInputs(result.proto)).toEqual([]);
    expect(unusedInitializers(result.proto)).toEqual([]);
    const before = inspected.model.proto.graph!;
    const after = result.proto.graph!;
    expect(after.node.length).toBeLessThan(before.node.length);
    expect(after.initializer.length).toBe(before.initializer.length - 7);
    expect(result.proto.metadataProps.find((p) => p.key === 'evop.dropped_blocks')?.value).toBe('1');
  });
});
