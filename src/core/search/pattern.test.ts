import { describe, expect, it } from 'vitest';
import { createRng } from '../random/rng';
import {
  computeSparsity,
  countPatterns,
  decodeMask,
  decodeMaskHex,
  decodePatternKey,
  encodeMask,
  encodeMaskHex,
  encodePatternKey,
  findPatternProblem,
  keptUnits,
  measureDistance,
  toPattern,
  validateSpace,
} from './pattern';
import { sampleRandomPattern } from './operators';

describe('pattern validation', () => {
  it('canonicalises a valid pattern and names what is wrong with an invalid one', () => {
    expect(toPattern([9, 2, 5], 16, 3)).toEqual([2, 5, 9]);
    expect(findPatternProblem([2, 16], 16)).toMatch(/block 16 is out of range: the model has 16 blocks \(0\.\.15\)/);
    expect(findPatternProblem([1.5], 16)).toMatch(/out of range/);
    expect(findPatternProblem([3, 3], 16)).toMatch(/listed twice/);
    expect(findPatternProblem([1, 2], 16, 3)).toMatch(/removes 2 blocks but the search removes exactly 3/);
    expect(() => toPattern([-1], 4)).toThrow(expect.objectContaining({ code: 'bad-pattern' }));
  });

  it('refuses spaces where nothing or everything is removed', () => {
    expect(() => validateSpace({ units: 16, removed: 0 })).toThrow(/between 1 and 15/);
    expect(() => validateSpace({ units: 16, removed: 16 })).toThrow(/between 1 and 15/);
    expect(() => validateSpace({ units: 16, removed: 4 })).not.toThrow();
  });
});

describe('pattern codecs', () => {
  it('round-trips key, byte mask and hex mask for random patterns', () => {
    const rng = createRng(11);
    for (let n = 0; n < 300; n++) {
      const units = 1 + rng.int(70);
      const removed = rng.int(units + 1);
      const p = removed === 0 ? [] : sampleRandomPattern(rng, units, removed);
      expect(decodePatternKey(encodePatternKey(p))).toEqual(p);
      expect(decodeMask(encodeMask(p, units))).toEqual(p);
      const hex = encodeMaskHex(p, units);
      expect(hex).toHaveLength(Math.ceil(units / 4));
      expect(decodeMaskHex(hex, units)).toEqual(p);
    }
  });

  it('writes masks in a documented, hand-checkable form', () => {
    expect(encodePatternKey([7, 3])).toBe('3,7');
    expect(Array.from(encodeMask([0, 3], 5))).toEqual([1, 0, 0, 1, 0]);
    // bit i = unit i: units 0 and 5 -> 0b0010_0001 = 0x21, padded to 16 / 4 digits.
    expect(encodeMaskHex([0, 5], 16)).toBe('0021');
    expect(() => decodeMaskHex('zz', 16)).toThrow(/not a hexadecimal block mask/);
    expect(() => decodeMaskHex('100', 8)).toThrow(/out of range/);
  });

  it('counts, measures and complements', () => {
    expect(countPatterns(16, 4)).toBe(1820);
    expect(countPatterns(32, 8)).toBe(10518300);
    expect(countPatterns(5, 0)).toBe(1);
    expect(computeSparsity([1, 2, 3, 4], 16)).toBe(0.25);
    expect(keptUnits([0, 2], 4)).toEqual([1, 3]);
    expect(measureDistance([1, 2, 3], [2, 3, 4])).toBe(2);
    expect(measureDistance([1, 2], [1, 2])).toBe(0);
  });
});
