import { toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { fingerprintModel } from '../fingerprint';
import { inspectModel } from '../inspect-model';
import { readModel } from '../read-model';
import { DEMO, FIXTURES, GENAI_GPT2, GENAI_QWEN35, fixtureBytes } from './fixtures';

describe('readModel', () => {
  it('keeps inline weights as views into the file buffer, not copies', () => {
    const bytes = fixtureBytes(`${DEMO}/model.onnx`);
    const { proto } = readModel(bytes);
    const weights = proto.graph!.initializer.filter((t) => t.rawData.byteLength > 0);
    expect(weights.length).toBeGreaterThan(100);
    for (const t of weights) expect(t.rawData.buffer).toBe(bytes.buffer);
  });

  it.each([`${DEMO}/model.onnx`, `${FIXTURES}/llama-tiny.onnx`, GENAI_GPT2, GENAI_QWEN35])('re-encodes %s byte for byte', (path) => {
    const bytes = fixtureBytes(path);
    const out = toBinary(ModelProtoSchema, readModel(bytes).proto);
    expect(out.byteLength).toBe(bytes.byteLength);
    expect(Buffer.compare(Buffer.from(out), Buffer.from(bytes))).toBe(0);
  });
});

describe('fingerprint', () => {
  const bytes = fixtureBytes(`${FIXTURES}/llama-tiny.onnx`);

  it('is 16 hex digits, stable across reads and copies of the same bytes', async () => {
    const a = await fingerprintModel(readModel(bytes));
    const b = await fingerprintModel(readModel(new Uint8Array(bytes)));
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(b).toBe(a);
  });

  it('changes with the weights and with the structure', async () => {
    const base = await inspectModel(bytes);
    const edited = new Uint8Array(bytes);
    const w = base.model.proto.graph!.initializer.find((t) => t.name === 'm.model.embed_tokens.weight')!;
    edited[w.rawData.byteOffset] = edited[w.rawData.byteOffset]! ^ 0xff;
    expect(await fingerprintModel(readModel(edited))).not.toBe(base.fingerprint);
    const other = await inspectModel(fixtureBytes(`${FIXTURES}/qwen2-tiny.onnx`));
    expect(other.fingerprint).not.toBe(base.fingerprint);
  });
});

describe('summary', () => {
  it('describes the demo model: 16 blocks of 196,864 parameters, per-layer cache, inputs', async () => {
    const { summary } = await inspectModel(fixtureBytes(`${DEMO}/model.onnx`));
    expect(summary.architecture).toBe('llama-like (Llama, Mistral, Qwen2)');
    expect(summary.blocks).toBe(16);
    // q, o: 128x128; k, v: 128x64; MLP 3 x 128x384; two RMSNorm weights.
    expect(summary.parameters.perBlock).toEqual(Array(16).fill(196_864));
    // Embedding and LM head are stored separately in this export (4096 x 128 each) + final norm.
    expect(summary.parameters.outsideBlocks).toBe(2 * 4096 * 128 + 128);
    expect(summary.kvCache).toEqual({ layout: 'per-layer', layers: 16, tensorsPerLayer: 2 });
    expect(summary.inputs.slice(0, 4)).toEqual([
      { name: 'input_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'attention_mask', dtype: 'int64', shape: ['batch_size', 'total_sequence_length'] },
      { name: 'position_ids', dtype: 'int64', shape: ['batch_size', 'sequence_length'] },
      { name: 'past_key_values.0.key', dtype: 'float32', shape: ['batch_size', 2, 'past_sequence_length', 32] },
    ]);
    expect(summary.outputs[0]).toEqual({ name: 'logits', dtype: 'float32', shape: ['batch_size', 'sequence_length', 4096] });
    expect(summary.externalData).toBeNull();
  });

  it('inspects the demo model in well under a second', async () => {
    const bytes = fixtureBytes(`${DEMO}/model.onnx`);
    await inspectModel(bytes); // warm the JIT as a second inspection in the app would be
    const t0 = performance.now();
    await inspectModel(bytes);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
