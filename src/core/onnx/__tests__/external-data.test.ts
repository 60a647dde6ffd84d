/**
 * External data: weights spread over `model.onnx_data` and `model.onnx_data_1`, provided as
 * Blobs (as the browser's File objects are). Reading resolves them by location, pruning writes a
 * new .onnx plus one .onnx_data assembled from slices of the sources, and onnxruntime loads it.
 */
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataLocation } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import type { FileSource } from '../external-data';
import { fingerprintModel } from '../fingerprint';
import { inspectModel } from '../inspect-model';
import { pruneModel } from '../prune-model';
import { dropBlocks } from '../surgery';
import { concatParts, externalize } from './external';
import { buildGpt2, GPT2 } from './gen-gpt2';
import { i64, maxAbsDiff, runOutputs, session } from './ort';

const SEEDS = [21, 22, 23, 24];
const feeds = { input_ids: i64([5, 1, 2, 33, 8, 0], [1, GPT2.seq]) };

describe('models with external data', () => {
  const inline = buildGpt2(SEEDS);
  const ext = externalize(inline);
  const blobs = new Map<string, FileSource>([...ext.files].map(([k, v]) => [k, new Blob([v as BlobPart])]));
  const sourceBytes = [...ext.files.values()].reduce((n, f) => n + f.byteLength, 0);

  it('reads both chunks by location and fingerprints like the single-file model', async () => {
    const inspected = await inspectModel(ext.onnx, { files: blobs });
    expect(inspected.summary.externalData).toEqual({ files: ['model.onnx_data', 'model.onnx_data_1'], bytes: sourceBytes });
    expect(inspected.summary.blocks).toBe(4);
    const single = await inspectModel(inline);
    expect(inspected.fingerprint).toBe(single.fingerprint);
    expect(inspected.summary.parameters).toEqual(single.summary.parameters);
  });

  it('round trip without pruning keeps metadata, newer fields and external entries', async () => {
    const inspected = await inspectModel(ext.onnx, { files: blobs });
    const { files } = pruneModel(inspected, []);
    expect(files.dataName).toBe('model.onnx_data');
    const written = fromBinary(ModelProtoSchema, files.onnx);
    const g = written.graph!;
    expect(written.metadataProps.map((p) => [p.key, p.value])).toEqual([
      ['exporter', 'evop-test'],
      ['note', 'external data fixture'],
      ['evop.dropped_blocks', ''],
      ['evop.source_blocks', '4'],
    ]);
    expect(g.metadataProps.map((p) => p.value)).toEqual(['kept through surgery']);
    const external = g.initializer.filter((t) => t.dataLocation === TensorProto_DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThan(10);
    for (const t of external) {
      expect(t.externalData.find((e) => e.key === 'location')?.value).toBe('model.onnx_data');
      expect(Number(t.externalData.find((e) => e.key === 'offset')?.value) % 64).toBe(0);
      expect(t.metadataProps.map((p) => p.value)).toEqual(['evop-test']);
    }
    const data = await concatParts(files.dataParts);
    const got = await runOutputs(await session(files.onnx, [{ path: 'model.onnx_data', data }]), feeds);
    const want = await runOutputs(await session(inline), feeds);
    expect(maxAbsDiff(got.logits!, want.logits!)).toBe(0);
  });

  it('pruned: a smaller .onnx_data sliced from the source Blobs; logits of the model built without the blocks', async () => {
    const inspected = await inspectModel(ext.onnx, { files: blobs });
    const drop = [1, 2];
    const { files } = pruneModel(inspected, drop, { outName: 'pruned.onnx' });
    expect(files.dataName).toBe('pruned.onnx_data');
    // Weights are Blob slices, never bytes copied into memory; only alignment padding is.
    expect(files.dataParts.filter((p) => p instanceof Blob).length).toBeGreaterThan(10);
    expect(files.dataParts.filter((p) => p instanceof Uint8Array).every((p) => (p as Uint8Array).every((b) => b === 0))).toBe(true);
    expect(files.dataBytes).toBeLessThan(sourceBytes * 0.75);
    const data = await concatParts(files.dataParts);
    expect(data.byteLength).toBe(files.dataBytes);
    const got = await runOutputs(await session(files.onnx, [{ path: 'pruned.onnx_data', data }]), feeds);
    const want = await runOutputs(await session(buildGpt2(SEEDS.filter((_, i) => !drop.includes(i)))), feeds);
    expect(maxAbsDiff(got.logits!, want.logits!)).toBeLessThan(1e-6);
    const reread = await inspectModel(files.onnx, { name: 'pruned.onnx', files: new Map([['pruned.onnx_data', data]]) });
    expect(reread.summary.blocks).toBe(2);
    // The fingerprint a link would carry is the same whether computed before or after writing.
    expect(reread.fingerprint).toBe(await fingerprintModel(inspected.model, dropBlocks(inspected.model.proto, inspected.blocks, drop).proto));
  });
});
