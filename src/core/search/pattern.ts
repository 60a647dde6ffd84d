/**
 * A pruning pattern: which units of the model are removed. Today a unit is a whole transformer
 * block (unit i = block i). The ids are deliberately called units, not blocks, so a later
 * sub-block granularity (for example unit 2i = attention of block i, 2i + 1 = its MLP) can reuse
 * the type, the codecs and the operators unchanged; only `PatternSpace.granularity` changes.
 */
import { patternKey } from '../evaluate/evaluator';
import { SearchError } from './result';

/** Removed unit ids, ascending and distinct. */
export type Pattern = readonly number[];

export type Granularity = 'block';

/** The set of patterns a search explores: `removed` units out of `units`. */
export interface PatternSpace {
  readonly units: number;
  readonly removed: number;
  readonly granularity?: Granularity;
}

/** Why a pattern is invalid, in words a user can act on; `null` when it is valid. */
export function findPatternProblem(drop: readonly number[], units: number, removed?: number): string | null {
  for (const id of drop) {
    if (!Number.isInteger(id) || id < 0 || id >= units) {
      return `block ${id} is out of range: the model has ${units} blocks (0..${units - 1})`;
    }
  }
  if (new Set(drop).size !== drop.length) {
    return `blocks are listed twice in [${drop.join(', ')}]; each block can be removed once`;
  }
  if (removed !== undefined && drop.length !== removed) {
    return `the pattern removes ${drop.length} blocks but the search removes exactly ${removed}`;
  }
  return null;
}

/** Validates and canonicalises (sorted copy). Throws a `SearchError` naming the problem. */
export function toPattern(drop: readonly number[], units: number, removed?: number): Pattern {
  const problem = findPatternProblem(drop, units, removed);
  if (problem) throw new SearchError('bad-pattern', problem);
  return [...drop].sort((a, b) => a - b);
}

export function validateSpace(space: PatternSpace): void {
  const { units, removed } = space;
  if (!Number.isInteger(units) || units < 1) {
    throw new SearchError('bad-params', `the model must have at least one block, got ${units}`);
  }
  if (!Number.isInteger(removed) || removed < 1 || removed >= units) {
    throw new SearchError(
      'bad-params',
      `the number of blocks to remove must be between 1 and ${units - 1} for a ${units}-block model, got ${removed}`,
    );
  }
}

/** Canonical text key, the same one the evaluator and the memo use ('' = dense). */
export function encodePatternKey(drop: readonly number[]): string {
  return patternKey(drop);
}

export function decodePatternKey(key: string): Pattern {
  if (key === '') return [];
  return key
    .split(',')
    .map(Number)
    .sort((a, b) => a - b);
}

/** Bit mask, one byte per unit, 1 = removed: the form that crosses to workers. */
export function encodeMask(drop: readonly number[], units: number): Uint8Array {
  const mask = new Uint8Array(units);
  for (const id of drop) mask[id] = 1;
  return mask;
}

export function decodeMask(mask: ArrayLike<number>): Pattern {
  const drop: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i]) drop.push(i);
  return drop;
}

/**
 * Compact bit mask as hex, least significant bit = unit 0, padded to ceil(units / 4) digits.
 * Short enough for URLs and file names even with sub-block units on 100+ block models.
 */
export function encodeMaskHex(drop: readonly number[], units: number): string {
  const digits = new Array<number>(Math.ceil(units / 4)).fill(0);
  for (const id of drop) digits[id >> 2]! |= 1 << (id & 3);
  return digits
    .reverse()
    .map((d) => d.toString(16))
    .join('');
}

export function decodeMaskHex(hex: string, units: number): Pattern {
  if (!/^[0-9a-f]*$/i.test(hex)) {
    throw new SearchError('bad-pattern', `"${hex}" is not a hexadecimal block mask`);
  }
  const drop: number[] = [];
  const digits = [...hex].reverse();
  digits.forEach((ch, i) => {
    const d = parseInt(ch, 16);
    for (let b = 0; b < 4; b++) if (d & (1 << b)) drop.push(i * 4 + b);
  });
  return toPattern(drop, units);
}

/** Blocks kept, ascending. */
export function keptUnits(drop: readonly number[], units: number): number[] {
  const removed = new Set(drop);
  const keep: number[] = [];
  for (let i = 0; i < units; i++) if (!removed.has(i)) keep.push(i);
  return keep;
}

export function computeSparsity(drop: readonly number[], units: number): number {
  return drop.length / units;
}

/** C(n, k) as a float (exact while below 2^53, which covers every model the lab loads). */
export function countPatterns(units: number, removed: number): number {
  if (removed < 0 || removed > units) return 0;
  const r = Math.min(removed, units - removed);
  let c = 1;
  for (let i = 1; i <= r; i++) c = (c * (units - r + i)) / i;
  return Math.round(c);
}

/** Symmetric difference size: how many units two patterns disagree on. */
export function measureDistance(a: readonly number[], b: readonly number[]): number {
  const sa = new Set(a);
  let shared = 0;
  for (const id of b) if (sa.has(id)) shared++;
  return a.length + b.length - 2 * shared;
}
