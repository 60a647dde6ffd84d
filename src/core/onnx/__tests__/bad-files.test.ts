import { describe, expect, it } from 'vitest';
import { createRng } from '../../random/rng';
import { OnnxError } from '../errors';
import { inspectModel } from '../inspect-model';
import type { FileSource } from '../external-data';
import { externalize } from './external';
import { DEMO, fixtureBytes, GENAI_LFM2, GENAI_STUBS } from './fixtures';
import { buildCnn, buildControlFlow, buildEncoder, pngBytes } from './gen-bad';
import { buildGpt2 } from './gen-gpt2';

/** The error a user would see for these bytes, as {code, message}. */
async function failure(bytes: Uint8Array, name = 'model.onnx', files?: Map<string, FileSource>) {
  try {
    await inspectModel(bytes, { name, files });
  } catch (e) {
    if (e instanceof OnnxError) return e.toJSON();
    throw e;
  }
  throw new Error(`${name} was accepted`);
}

const EXPORT_HINT = 'Export the model to ONNX (for example with `optimum-cli export onnx`) and drop the .onnx file.';
const NOT_DECODER =
  'This lab removes whole blocks from decoder-only language models (Llama, Qwen2, Mistral, Phi-3, GPT-2 exports); it cannot prune this model.';

describe('a corpus of files that are not prunable decoders, each with the message it must give', () => {
  const demo = fixtureBytes(`${DEMO}/model.onnx`);
  const ext = externalize(buildGpt2([1, 2]));

  it('empty file', async () => {
    expect(await failure(new Uint8Array(0))).toEqual({
      code: 'not-onnx',
      message: 'model.onnx is empty (0 bytes). Download or export the model again and drop the .onnx file.',
    });
  });

  it('random bytes', async () => {
    const rng = createRng(42);
    expect(await failure(Uint8Array.from({ length: 4096 }, () => rng.int(256)), 'noise.onnx')).toEqual({
      code: 'not-onnx',
      message: `noise.onnx is not an ONNX model (its bytes are not an ONNX ModelProto). ${EXPORT_HINT}`,
    });
  });

  it('a PNG renamed to .onnx', async () => {
    expect(await failure(pngBytes(), 'cat.onnx')).toEqual({ code: 'not-onnx', message: `cat.onnx is a PNG image, not an ONNX model. ${EXPORT_HINT}` });
  });

  it('other formats people drop by mistake are named', async () => {
    const gguf = new TextEncoder().encode('GGUF\u0003\u0000\u0000\u0000rest of the file');
    expect((await failure(gguf, 'm.onnx')).message).toBe(`m.onnx is a GGUF model (llama.cpp), not an ONNX model. ${EXPORT_HINT}`);
    const zip = Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 1, 2, 3);
    expect((await failure(zip, 'pytorch_model.bin')).message).toMatch(/^pytorch_model\.bin is a ZIP archive \(a PyTorch checkpoint/);
  });

  it('truncated download (half of the demo model)', async () => {
    expect(await failure(demo.subarray(0, 8624551))).toEqual({
      code: 'truncated',
      message:
        'model.onnx is cut short: it ends after 8624551 bytes, in the middle of the model (which needs at least 17249099 bytes). ' +
        'The download or copy did not finish; get the file again and check its size.',
    });
  });

  it('truncated after the graph (the opset list is missing)', async () => {
    expect(await failure(demo.subarray(0, 17249099))).toEqual({
      code: 'truncated',
      message:
        'model.onnx is cut short: its graph is there but the opset list that follows it is missing. ' +
        'The download or copy did not finish; get the file again and check its size.',
    });
  });

  it('a CNN: valid ONNX without transformer blocks', async () => {
    expect(await failure(buildCnn(), 'resnet.onnx')).toEqual({
      code: 'no-blocks',
      message: `resnet.onnx: no transformer decoder blocks found (no residual stream: no Add or SkipLayerNormalization adds a layer back onto its input). ${NOT_DECODER}`,
    });
  });

  it('an encoder-only model (BERT)', async () => {
    expect(await failure(buildEncoder(), 'bert.onnx')).toEqual({
      code: 'encoder-only',
      message:
        'bert.onnx is an encoder-only model (BERT-style: bidirectional attention, no next-token prediction), so perplexity and block ' +
        'pruning for generation do not apply. Drop a decoder-only language model (Llama, Qwen2, Mistral, Phi-3, GPT-2...).',
    });
  });

  it('control flow (a merged decoder with If)', async () => {
    expect(await failure(buildControlFlow(), 'decoder_model_merged.onnx')).toEqual({
      code: 'control-flow',
      message:
        'decoder_model_merged.onnx contains control flow (If node "optimum::if"), and blocks inside it cannot be removed safely. ' +
        'Merged decoders (decoder_model_merged.onnx) switch between two graphs with If: use decoder_model.onnx or ' +
        'decoder_with_past_model.onnx from the same export instead.',
    });
  });

  it('missing .onnx_data chunk', async () => {
    const files = new Map<string, FileSource>([['model.onnx_data', ext.files.get('model.onnx_data')!]]);
    expect(await failure(ext.onnx, 'model.onnx', files)).toEqual({
      code: 'missing-external-data',
      message:
        'model.onnx keeps its weights in "model.onnx_data_1", which was not provided. ' +
        'Select model.onnx together with "model.onnx_data_1" (all files of the export, from the same folder).',
    });
  });

  it('no external data at all', async () => {
    expect((await failure(ext.onnx)).message).toBe(
      'model.onnx keeps its weights in "model.onnx_data", "model.onnx_data_1", which were not provided. ' +
        'Select model.onnx together with "model.onnx_data", "model.onnx_data_1" (all files of the export, from the same folder).',
    );
  });

  it('external data of the wrong size', async () => {
    const files = new Map<string, FileSource>([
      ['model.onnx_data', new Blob([ext.files.get('model.onnx_data')! as BlobPart])],
      ['model.onnx_data_1', ext.files.get('model.onnx_data_1')!.subarray(0, 1000)],
    ]);
    expect(await failure(ext.onnx, 'model.onnx', files)).toEqual({
      code: 'external-data-size',
      message:
        'model.onnx_data_1 is 1000 bytes, but model.onnx expects tensor "transformer.h.0.attn.c_attn.weight" at bytes 768..13056. ' +
        'The file is incomplete or belongs to a different export: download model.onnx_data_1 again, from the same export as model.onnx.',
    });
  });

  it.each(GENAI_STUBS)('genai stub without compute nodes is refused: %s', async (path) => {
    const name = path.slice(path.lastIndexOf('/') + 1);
    expect(await failure(fixtureBytes(path), name)).toEqual({
      code: 'stub-model',
      message:
        `${name} has no compute nodes: its outputs are constants, so it is an input/output stub (a test placeholder), ` +
        'not a trained model. Drop a real export of the model instead.',
    });
  });

  it('the hybrid lfm2 stub (embedding straight into the head) has no blocks', async () => {
    const e = await failure(fixtureBytes(GENAI_LFM2), 'lfm2.onnx');
    expect(e.code).toBe('no-blocks');
    expect(e.message).toMatch(/^lfm2\.onnx: no transformer decoder blocks found \(no residual stream/);
  });
});
