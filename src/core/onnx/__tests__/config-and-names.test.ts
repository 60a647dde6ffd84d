import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { rewriteConfig } from '../config-rewrite';
import { detectBlocks } from '../detect-blocks';
import { kvNameFor, parseKvName } from '../kv-cache';
import { checkDrop } from '../surgery';
import { FIXTURES, readJson } from './fixtures';
import { buildGpt2 } from './gen-gpt2';
import { valueInfo } from './graph-builder';

describe('rewriteConfig', () => {
  it('shrinks num_hidden_layers and layer_types of the Qwen2 config; leaves everything else', () => {
    const config = readJson(`${FIXTURES}/qwen2-tiny.config.json`);
    const { config: out, changed } = rewriteConfig(config, [0, 2, 3, 4, 5], 6);
    expect(out.num_hidden_layers).toBe(5);
    expect(out.layer_types).toHaveLength(5);
    expect(changed).toEqual(['layer_types', 'num_hidden_layers']);
    expect({ ...out, num_hidden_layers: 6, layer_types: config.layer_types }).toEqual(config);
  });

  it('keeps per-layer entries of kept layers, in nested configs too, under every layer-count name', () => {
    const config = {
      architectures: ['X'],
      text_config: { num_hidden_layers: 4, layer_types: ['sliding', 'full', 'sliding', 'full'], hidden_size: 4 },
      n_layer: 7,
    };
    const { config: out } = rewriteConfig(config, [1, 3], 4);
    expect(out).toEqual({ architectures: ['X'], text_config: { num_hidden_layers: 2, layer_types: ['full', 'full'], hidden_size: 4 }, n_layer: 7 });
    expect(rewriteConfig({ n_layer: 3, extra: [1, 2, 3] }, [0], 3).config).toEqual({ n_layer: 1, extra: [1] });
  });
});

describe('KV-cache names', () => {
  it.each([
    ['past_key_values.3.key', 3, 'past_key_values.{}.key'],
    ['present.12.value', 12, 'present.{}.value'],
    ['past_3', 3, 'past_{}'],
    ['present_0', 0, 'present_{}'],
    ['past_key_2', 2, 'past_key_{}'],
    ['past_conv.2', 2, 'past_conv.{}'],
  ])('%s is layer %i of role %s', (name, layer, role) => {
    expect(parseKvName(name)).toEqual({ name, layer, role });
    expect(kvNameFor(role, layer)).toBe(name);
  });

  it('ignores tensors that are not caches', () => {
    for (const n of ['input_ids', 'logits', 'position_ids', 'past_sequence_length', 'attention_mask']) expect(parseKvName(n)).toBeNull();
  });
});

describe('checkDrop', () => {
  it('sorts and de-duplicates; refuses out-of-range blocks and removing everything', () => {
    expect(checkDrop([7, 3, 7], 16)).toEqual([3, 7]);
    expect(() => checkDrop([16], 16)).toThrow('Block 16 does not exist: the model has blocks 0..15.');
    expect(() => checkDrop([0, 1], 2)).toThrow('Cannot remove all 2 blocks: keep at least one.');
  });
});

describe('detectBlocks refuses what it cannot number', () => {
  it('cache tensors naming more layers than the blocks found', () => {
    const model = fromBinary(ModelProtoSchema, buildGpt2([1, 2]));
    model.graph!.input.push(valueInfo('past_key_values.5.key', 1, [1, 2, 0, 8]));
    expect(() => detectBlocks(model.graph!, 'odd.onnx')).toThrow(
      'odd.onnx: found 2 blocks, but its cache tensors name layer 5. The block structure of this model is not understood; it cannot be pruned safely.',
    );
  });
});
