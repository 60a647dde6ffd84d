import { describe, expect, it } from 'vitest';
import {
  createMask,
  evopressDropConfig,
  llamaCppPruneLayers,
  maskJson,
  parseMask,
  slebRemovalList,
} from './mask-formats';

const model = { name: 'demo', fingerprint: 'abc', blocks: 6 };

describe('mask formats', () => {
  const mask = createMask(
    model,
    [4, 1],
    { ppl: 12.5 },
    { method: 'evo', seed: 3, params: { population: 8 }, evaluations: 40 },
  );

  it('keeps drop and keep complementary and sorted', () => {
    expect(mask.drop).toEqual([1, 4]);
    expect(mask.keep).toEqual([0, 2, 3, 5]);
  });

  it('writes every format and reads its own back', () => {
    expect(parseMask(maskJson(mask))).toEqual(mask);
    expect(slebRemovalList(mask)).toBe('[1, 4]\n');
    expect(evopressDropConfig(mask)).toBe('attn: 0 1 0 0 1 0\nmlp: 0 1 0 0 1 0\n');
    expect(llamaCppPruneLayers(mask)).toBe('--prune-layers 1,4\n');
  });

  it('refuses bad masks with a message', () => {
    expect(() => createMask(model, [6], {}, null)).toThrow(/0\.\.5/);
    expect(() => createMask(model, [0, 1, 2, 3, 4, 5], {}, null)).toThrow(/at least one/);
    expect(() => parseMask('{"format":"x"}')).toThrow(/evop-mask\/1/);
    expect(() => parseMask('nope')).toThrow(/not JSON/);
  });
});
