import { describe, expect, it } from 'vitest';
import { createRng } from './rng';

describe('createRng', () => {
  it('replays the same sequence for the same seed and differs for another', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(sa);
  });

  it('resumes exactly from a saved state', () => {
    const a = createRng(3);
    for (let i = 0; i < 10; i++) a.next();
    const resumed = createRng(3, a.state());
    expect(Array.from({ length: 20 }, () => resumed.next())).toEqual(
      Array.from({ length: 20 }, () => a.next()),
    );
  });

  it('is roughly uniform: int(10) hits every bucket near 10%', () => {
    const r = createRng(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20000; i++) counts[r.int(10)]!++;
    for (const n of counts) expect(Math.abs(n - 2000)).toBeLessThan(200);
  });

  it('samples distinct items', () => {
    const r = createRng(5);
    const s = r.sample([...Array(16).keys()], 6);
    expect(new Set(s).size).toBe(6);
  });
});
