import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../random/rng';
import {
  CALIBRATION_METHODS,
  CONTROL_IDS,
  DEFAULT_SHARE_STATE,
  MAX_HASH_LENGTH,
  SEARCH_METHODS,
  SHARE_PARAMS,
  decodeShareState,
  encodeShareState,
  type ShareState,
} from './url-state';

/** Inclusive; biased to the bounds, where off-by-one bugs live. */
function intIn(rng: Rng, min: number, max: number): number {
  const r = rng.int(4);
  return r === 0 ? min : r === 1 ? max : min + rng.int(max - min + 1);
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.int(items.length)] as T;

/** A valid state; each field keeps its default half the time so partial links get exercised too. */
function generateState(rng: Rng): ShareState {
  const d = DEFAULT_SHARE_STATE;
  const maybe = <T>(fallback: T, make: () => T): T => (rng.int(2) === 0 ? fallback : make());
  const blocks = maybe(d.blocks, () => intIn(rng, 1, 512));
  const limit = blocks ?? 512;
  const range = Array.from({ length: limit }, (_, i) => i);
  const drop = maybe(d.drop, () => rng.sample(range, intIn(rng, 0, limit - 1)).sort((a, b) => a - b));
  return {
    model: maybe(d.model, () => Array.from({ length: 16 }, () => rng.int(16).toString(16)).join('')),
    blocks,
    drop,
    calMethod: maybe(d.calMethod, () => pick(rng, CALIBRATION_METHODS)),
    calSamples: maybe(d.calSamples, () => intIn(rng, 1, 64)),
    calSeqLen: maybe(d.calSeqLen, () => intIn(rng, 16, 512)),
    calSeed: maybe(d.calSeed, () => intIn(rng, 0, 2 ** 31 - 1)),
    calClusters: maybe(d.calClusters, () => intIn(rng, 1, 64)),
    method: maybe(d.method, () => pick(rng, SEARCH_METHODS)),
    k: maybe(d.k, () => intIn(rng, 1, 511)),
    population: maybe(d.population, () => intIn(rng, 4, 128)),
    generations: maybe(d.generations, () => intIn(rng, 1, 500)),
    budget: maybe(d.budget, () => intIn(rng, 1, 100_000)),
    seed: maybe(d.seed, () => intIn(rng, 0, 2 ** 31 - 1)),
    staged: maybe(d.staged, () => rng.int(2) === 0),
    hide: maybe(d.hide, () => rng.sample(CONTROL_IDS, rng.int(CONTROL_IDS.length + 1))),
    present: maybe(d.present, () => rng.int(2) === 0),
    tour: maybe(d.tour, () => rng.int(2) === 0),
  };
}

describe('share url codec', () => {
  it('round-trips generated valid states without warnings', () => {
    const rng = createRng(20261129);
    for (let i = 0; i < 400; i++) {
      const state = generateState(rng);
      const hash = encodeShareState(state);
      const decoded = decodeShareState(`#${hash}`);
      expect(decoded.warnings, hash).toEqual([]);
      expect(decoded.state, hash).toEqual(state);
      expect(decodeShareState(hash).state).toEqual(state); // '#' is optional
      expect(hash.length).toBeLessThanOrEqual(MAX_HASH_LENGTH);
    }
  });

  it('round-trips the largest state: 511 of 512 blocks dropped, every field at its maximum', () => {
    const state: ShareState = {
      ...DEFAULT_SHARE_STATE,
      model: 'ffffffffffffffff',
      blocks: 512,
      drop: Array.from({ length: 511 }, (_, i) => i + 1),
      calSeed: 2 ** 31 - 1,
      seed: 2 ** 31 - 1,
      budget: 100_000,
      hide: [...CONTROL_IDS],
    };
    const { state: back, warnings } = decodeShareState(encodeShareState(state));
    expect(warnings).toEqual([]);
    expect(back).toEqual(state);
  });

  it('writes the readable form: model, then non-default keys in table order', () => {
    const state: ShareState = { ...DEFAULT_SHARE_STATE, blocks: 16, drop: [4, 7, 9, 14], seed: 3, population: 24 };
    expect(encodeShareState(state)).toBe('model=demo&L=16&drop=4,7,9,14&seed=3&pop=24');
    expect(encodeShareState({ ...DEFAULT_SHARE_STATE })).toBe('model=demo');
    expect(
      encodeShareState({
        ...DEFAULT_SHARE_STATE,
        model: '0123456789abcdef',
        staged: false,
        hide: ['search', 'export'],
        present: true,
      }),
    ).toBe('model=0123456789abcdef&staged=false&hide=search,export&present=true');
  });

  it('decodes an empty hash, a bare "#" and stray separators to the defaults with no warnings', () => {
    for (const hash of ['', '#', '&&', '#&']) {
      expect(decodeShareState(hash)).toEqual({ state: DEFAULT_SHARE_STATE, warnings: [] });
    }
  });

  it('keeps the good keys of a link when one key is bad', () => {
    const { state, warnings } = decodeShareState('#seed=3&pop=999&method=sleb');
    expect(state).toEqual({ ...DEFAULT_SHARE_STATE, seed: 3, method: 'sleb' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"pop"');
    expect(warnings[0]).toContain('from 4 to 128');
  });

  it('reads percent-encoded values and 1/0 booleans', () => {
    expect(decodeShareState('drop=1%2C2&present=1&staged=0').state).toEqual({
      ...DEFAULT_SHARE_STATE,
      drop: [1, 2],
      present: true,
      staged: false,
    });
  });

  // [hash, key the warning must name, fields that legitimately survive]
  const hostile: [string, string, Partial<ShareState>][] = [
    ['model=<script>alert(1)</script>', 'model', {}],
    ['model=%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'model', {}],
    ['model=ABCDEF0123456789', 'model', {}],
    ['model=0123', 'model', {}],
    ['model=demo2', 'model', {}],
    ['L=0', 'L', {}],
    ['L=513', 'L', {}],
    ['L=abc', 'L', {}],
    ['L=1e3', 'L', {}],
    ['L=0x10', 'L', {}],
    ['L=', 'L', {}],
    ['L=%205', 'L', {}],
    ['pop=3', 'pop', {}],
    ['pop=129', 'pop', {}],
    ['k=-1', 'k', {}],
    ['k=512', 'k', {}],
    ['budget=1.5', 'budget', {}],
    ['seed=2147483648', 'seed', {}],
    ['seed=99999999999999999999', 'seed', {}],
    [`seed=${'9'.repeat(500)}`, 'seed', {}],
    ['seed=%E0%A4%A', 'seed', {}],
    ['seed=1&seed=2', 'seed', {}],
    ['cal=bogus', 'cal', {}],
    ['method=EVO', 'method', {}],
    ['staged=yes', 'staged', {}],
    ['drop=7,4', 'drop', {}],
    ['drop=4,4', 'drop', {}],
    ['drop=a', 'drop', {}],
    ['drop=1,,2', 'drop', {}],
    ['L=8&drop=4,8', 'drop', { blocks: 8 }],
    ['L=4&drop=0,1,2,3', 'drop', { blocks: 4 }],
    ['hide=model,foo', 'hide', {}],
    ['hide=model,model', 'hide', {}],
    ['foo=bar', 'foo', {}],
    ['__proto__=x', '__proto__', {}],
    ['constructor=1', 'constructor', {}],
    ['<img src=x onerror=alert(1)>=1', 'img', {}],
    [`model=${'<b>'.repeat(2000)}`, 'too long', {}],
  ];

  it.each(hostile)('%s falls back to the defaults with a plain-text warning', (hash, key, survives) => {
    const { state, warnings } = decodeShareState(`#${hash}`);
    expect(state).toEqual({ ...DEFAULT_SHARE_STATE, ...survives });
    expect(warnings).toHaveLength(1);
    const warning = warnings[0] as string;
    expect(warning).toContain(key);
    expect(warning).not.toMatch(/[<>]/);
    expect(warning.length).toBeLessThan(200); // quotes at most ~40 characters of the link
  });

  it('never throws and never returns markup, whatever bytes arrive', () => {
    const rng = createRng(7);
    const alphabet = '<>&=#%,;"\'/\\ ?aZ09-_.~\u0000\u00e9\u{1F600}';
    for (let i = 0; i < 300; i++) {
      const junk = Array.from({ length: rng.int(80) }, () => pick(rng, [...alphabet])).join('');
      const key = pick(rng, SHARE_PARAMS).key;
      const { state, warnings } = decodeShareState(rng.int(2) ? `${key}=${junk}` : junk);
      for (const w of warnings) expect(w).not.toMatch(/[<>]/);
      expect(typeof state.model).toBe('string');
      expect(state.model).toMatch(/^(demo|[0-9a-f]{16})$/);
    }
  });

  it('hands out a fresh copy of the defaults each time', () => {
    const a = decodeShareState('').state;
    a.drop.push(3);
    a.hide.push('try');
    expect(decodeShareState('').state.drop).toEqual([]);
    expect(DEFAULT_SHARE_STATE.drop).toEqual([]);
    expect(DEFAULT_SHARE_STATE.hide).toEqual([]);
  });

  it('has one table row per state field, with distinct keys and valid defaults', () => {
    expect(SHARE_PARAMS.map((p) => p.field).sort()).toEqual(Object.keys(DEFAULT_SHARE_STATE).sort());
    expect(new Set(SHARE_PARAMS.map((p) => p.key)).size).toBe(SHARE_PARAMS.length);
  });
});
