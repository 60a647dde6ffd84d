/**
 * The share link's state and its pure codec (DESIGN style 4: tensorflow/playground's one
 * declarative table, minus its reads of `window.location`). Nothing here touches the DOM: the
 * caller passes the hash in and writes the string out, so the codec is testable in Node and a
 * hostile link can only ever produce defaults plus plain-text warnings.
 */

export const SEARCH_METHODS = ['evo', 'shortgpt', 'sleb', 'random', 'brute', 'last'] as const;
export const CALIBRATION_METHODS = ['ccds', 'random'] as const;
/** Controls a teacher may hide in classroom mode (ids the UI puts on its panels). */
export const CONTROL_IDS = ['model', 'calibration', 'search', 'export', 'try', 'preflight'] as const;
export type ControlId = (typeof CONTROL_IDS)[number];

/** Flat on purpose: one field per URL key, so the table stays a plain list a reader can audit. */
export interface ShareState {
  /** 'demo' or the 16-hex fingerprint of the user's model file. */
  model: string;
  /** Blocks in the model; null when the link does not say. */
  blocks: number | null;
  /** Blocks dropped: ascending, distinct. */
  drop: number[];
  calMethod: (typeof CALIBRATION_METHODS)[number];
  calSamples: number;
  calSeqLen: number;
  calSeed: number;
  calClusters: number;
  method: (typeof SEARCH_METHODS)[number];
  k: number;
  population: number;
  generations: number;
  budget: number;
  seed: number;
  staged: boolean;
  hide: ControlId[];
  present: boolean;
  tour: boolean;
}

const MAX_BLOCKS = 512;
const MAX_SEED = 2 ** 31 - 1;
/** Longer than any link we produce (511 dropped blocks take ~2 KB); anything past it is not ours. */
export const MAX_HASH_LENGTH = 4096;
/** Warnings quote at most this much of what the link said: enough to recognise, too little to abuse. */
const MAX_QUOTE = 40;

type Parsed<T> = { ok: true; value: T } | { ok: false; why: string };

/** A value type: what it accepts (shown in docs and warnings), how to read and write it. */
export interface ValueType<T> {
  readonly kind: 'int' | 'enum' | 'int-list' | 'enum-list' | 'string' | 'boolean';
  /** Longest raw (still URL-encoded) value worth parsing. */
  readonly maxLength: number;
  readonly describe: string;
  parse(raw: string): Parsed<T>;
  format(value: T): string;
}

const fail = (why: string): { ok: false; why: string } => ({ ok: false, why });

function int(min: number, max: number): ValueType<number> {
  const describe = `an integer from ${min} to ${max}`;
  return {
    kind: 'int',
    maxLength: 12,
    describe,
    parse(raw) {
      // Strict digits: Number() would also take '1e3', '0x10', ' 7' and '', none of which we write.
      if (!/^-?\d{1,10}$/.test(raw)) return fail(`expected ${describe}`);
      const n = Number(raw);
      return n >= min && n <= max ? { ok: true, value: n } : fail(`expected ${describe}`);
    },
    format: (value) => String(value),
  };
}

/** An int whose absence means "unknown" (L): null is the default, so it is never written. */
function optionalInt(min: number, max: number): ValueType<number | null> {
  const base = int(min, max);
  return { ...base, parse: (raw) => base.parse(raw), format: (value) => (value === null ? '' : String(value)) };
}

function oneOf<T extends string>(values: readonly T[]): ValueType<T> {
  const describe = `one of ${values.join(', ')}`;
  return {
    kind: 'enum',
    maxLength: Math.max(...values.map((v) => v.length)),
    describe,
    parse: (raw) => {
      const hit = values.find((v) => v === raw);
      return hit === undefined ? fail(`expected ${describe}`) : { ok: true, value: hit };
    },
    format: (value) => value,
  };
}

/** Ascending distinct ints: the canonical form of a pattern, so one pattern has one link. */
function intList(min: number, max: number, maxCount: number): ValueType<number[]> {
  const item = int(min, max);
  const describe = `ascending distinct integers from ${min} to ${max}, at most ${maxCount}`;
  return {
    kind: 'int-list',
    maxLength: maxCount * (String(max).length + 1),
    describe,
    parse(raw) {
      if (raw === '') return { ok: true, value: [] };
      const parts = raw.split(',');
      if (parts.length > maxCount) return fail(`expected ${describe}`);
      const out: number[] = [];
      for (const part of parts) {
        const p = item.parse(part);
        if (!p.ok || (out.length > 0 && p.value <= (out[out.length - 1] as number)))
          return fail(`expected ${describe}`);
        out.push(p.value);
      }
      return { ok: true, value: out };
    },
    format: (value) => value.join(','),
  };
}

function enumList<T extends string>(values: readonly T[]): ValueType<T[]> {
  const item = oneOf(values);
  const describe = `distinct items from ${values.join(', ')}`;
  return {
    kind: 'enum-list',
    maxLength: values.join(',').length,
    describe,
    parse(raw) {
      if (raw === '') return { ok: true, value: [] };
      const out: T[] = [];
      for (const part of raw.split(',')) {
        const p = item.parse(part);
        if (!p.ok || out.includes(p.value)) return fail(`expected ${describe}`);
        out.push(p.value);
      }
      return { ok: true, value: out };
    },
    format: (value) => value.join(','),
  };
}

function text(pattern: RegExp, maxLength: number, describe: string): ValueType<string> {
  return {
    kind: 'string',
    maxLength,
    describe,
    parse: (raw) =>
      raw.length <= maxLength && pattern.test(raw) ? { ok: true, value: raw } : fail(`expected ${describe}`),
    format: (value) => value,
  };
}

function flag(): ValueType<boolean> {
  return {
    kind: 'boolean',
    maxLength: 5,
    describe: 'true or false',
    // '1'/'0' too: people type those by hand into a link.
    parse: (raw) =>
      raw === 'true' || raw === '1'
        ? { ok: true, value: true }
        : raw === 'false' || raw === '0'
          ? { ok: true, value: false }
          : fail('expected true or false'),
    format: (value) => String(value),
  };
}

export interface Param<K extends keyof ShareState> {
  readonly key: string;
  readonly field: K;
  readonly type: ValueType<ShareState[K]>;
  readonly default: ShareState[K];
  /** Written even at its default: a link should always say which model it is about. */
  readonly always?: boolean;
}

export type AnyParam = { [K in keyof ShareState]: Param<K> }[keyof ShareState];

const param = <K extends keyof ShareState>(
  key: string,
  field: K,
  type: ValueType<ShareState[K]>,
  fallback: ShareState[K],
  always = false,
): Param<K> => ({ key, field, type, default: fallback, always });

/**
 * The table: URL key, value type, default, state field. Its order is the order keys appear in a
 * link, so the same state always gives the same string. Defaults mirror the store's interactive
 * defaults (DEFAULT_CALIBRATION, DEFAULT_SEARCH) so a bare link opens the lab as it starts.
 */
export const SHARE_PARAMS: readonly AnyParam[] = [
  param('model', 'model', text(/^(demo|[0-9a-f]{16})$/, 16, "'demo' or a 16-digit hex fingerprint"), 'demo', true),
  param('L', 'blocks', optionalInt(1, MAX_BLOCKS), null),
  param('drop', 'drop', intList(0, MAX_BLOCKS - 1, MAX_BLOCKS - 1), []),
  param('cal', 'calMethod', oneOf(CALIBRATION_METHODS), 'ccds'),
  param('samples', 'calSamples', int(1, 64), 8),
  param('seq', 'calSeqLen', int(16, 512), 128),
  param('cseed', 'calSeed', int(0, MAX_SEED), 0),
  param('clusters', 'calClusters', int(1, 64), 8),
  param('method', 'method', oneOf(SEARCH_METHODS), 'evo'),
  param('k', 'k', int(1, MAX_BLOCKS - 1), 4),
  // The seed first among the search keys: it is what a reader changes to replay or vary a run.
  param('seed', 'seed', int(0, MAX_SEED), 1),
  param('pop', 'population', int(4, 128), 12),
  param('gens', 'generations', int(1, 500), 15),
  param('budget', 'budget', int(1, 100_000), 200),
  param('staged', 'staged', flag(), true),
  param('hide', 'hide', enumList(CONTROL_IDS), []),
  param('present', 'present', flag(), false),
  param('tour', 'tour', flag(), false),
];

function defaults(): ShareState {
  const out: Partial<Record<keyof ShareState, unknown>> = {};
  // Lists are copied so a caller mutating its state cannot change the defaults.
  for (const p of SHARE_PARAMS) out[p.field] = Array.isArray(p.default) ? [...p.default] : p.default;
  return out as ShareState;
}

export const DEFAULT_SHARE_STATE: Readonly<ShareState> = Object.freeze(defaults());

/** Plain printable text only: a warning may be shown anywhere, so it can never carry markup. */
function quote(raw: string): string {
  const safe = raw.replace(/[^A-Za-z0-9 _.,:;=+\-/]/g, '?');
  return `"${safe.length > MAX_QUOTE ? `${safe.slice(0, MAX_QUOTE)}...` : safe}"`;
}

// Commas stay literal so patterns read as `drop=4,7,9`; they are safe in a hash (RFC 3986 sub-delims).
const encodeValue = (value: string): string => encodeURIComponent(value).replace(/%2C/gi, ',');

function decodeComponent(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null; // A stray '%' (URIError): treat the value as unreadable, not the whole link.
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b;
}

function encodeParam<K extends keyof ShareState>(p: Param<K>, state: ShareState): string | null {
  const value = state[p.field];
  return !p.always && sameValue(value, p.default) ? null : `${p.key}=${encodeValue(p.type.format(value))}`;
}

/** The hash for a state, without '#': the model, then only non-default keys, in table order. */
export function encodeShareState(state: ShareState): string {
  return SHARE_PARAMS.map((p) => encodeParam(p, state))
    .filter((s): s is string => s !== null)
    .join('&');
}

function decodeParam<K extends keyof ShareState>(p: Param<K>, raw: string, into: ShareState): string | null {
  const shownDefault = p.default === null ? 'none' : p.type.format(p.default) || 'empty';
  const reject = (why: string) => `Link parameter "${p.key}" ${why}; using the default (${shownDefault}).`;
  if (raw.length > p.type.maxLength * 3) return reject(`is too long (${raw.length} characters)`);
  const value = decodeComponent(raw);
  if (value === null) return reject(`has a broken %-escape: ${quote(raw)}`);
  const parsed = p.type.parse(value);
  if (!parsed.ok) return reject(`was ${quote(value)}, ${parsed.why}`);
  into[p.field] = parsed.value;
  return null;
}

/**
 * Reads a hash (with or without '#'). Never throws: whatever is wrong with a key falls back to that
 * key's default and adds a plain-text warning naming it; the rest of the link still applies.
 */
export function decodeShareState(hash: string): { state: ShareState; warnings: string[] } {
  const state = defaults();
  const warnings: string[] = [];
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (body.length > MAX_HASH_LENGTH) {
    warnings.push(`The link is too long (${body.length} characters, at most ${MAX_HASH_LENGTH}); using the defaults.`);
    return { state, warnings };
  }
  const byKey = new Map<string, string[]>(); // A Map, not an object: keys like __proto__ stay inert.
  const known = new Set(SHARE_PARAMS.map((p) => p.key));
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const key = decodeComponent(rawKey) ?? rawKey;
    if (!known.has(key)) {
      warnings.push(`Unknown link parameter ${quote(key)} was ignored.`);
      continue;
    }
    byKey.set(key, [...(byKey.get(key) ?? []), eq < 0 ? '' : part.slice(eq + 1)]);
  }
  for (const p of SHARE_PARAMS) {
    const values = byKey.get(p.key);
    if (values === undefined) continue;
    // Two values for one key is ambiguous; picking either would hide a tampered or merged link.
    if (values.length > 1) {
      warnings.push(`Link parameter "${p.key}" appears ${values.length} times; using the default.`);
      continue;
    }
    const warning = decodeParam(p, values[0] ?? '', state);
    if (warning !== null) warnings.push(warning);
  }
  // Cross-field: the pattern must fit the model the link names (each index < L, at least one kept).
  const { blocks, drop } = state;
  if (blocks !== null && (drop.some((b) => b >= blocks) || drop.length > blocks - 1)) {
    warnings.push(`Link parameter "drop" does not fit a model of ${blocks} blocks; using the default (empty).`);
    state.drop = [];
  }
  return { state, warnings };
}
