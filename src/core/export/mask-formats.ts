/**
 * The mask a search found, in the lab's own format and in the forms other tools read.
 * Pure: data in, text out.
 */
export interface MaskModel {
  readonly name: string;
  readonly fingerprint: string;
  readonly blocks: number;
}

export interface MaskSearch {
  readonly method: string;
  readonly seed: number | null;
  readonly params: Readonly<Record<string, unknown>>;
  readonly evaluations: number;
}

export interface MaskFile {
  readonly format: 'evop-mask/1';
  readonly model: MaskModel;
  readonly drop: readonly number[];
  readonly keep: readonly number[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly search: MaskSearch | null;
}

export function createMask(
  model: MaskModel,
  drop: readonly number[],
  metrics: Readonly<Record<string, number>>,
  search: MaskSearch | null,
): MaskFile {
  const removed = [...new Set(drop)].sort((a, b) => a - b);
  for (const b of removed) {
    if (!Number.isInteger(b) || b < 0 || b >= model.blocks)
      throw new RangeError(`block ${b} is not in 0..${model.blocks - 1}`);
  }
  if (removed.length >= model.blocks) throw new RangeError('A mask must keep at least one block.');
  const keep = [...Array(model.blocks).keys()].filter((b) => !removed.includes(b));
  return { format: 'evop-mask/1', model, drop: removed, keep, metrics, search };
}

export function maskJson(mask: MaskFile): string {
  return `${JSON.stringify(mask, null, 2)}\n`;
}

/** SLEB prints its result as a Python list, `removal_list = [3, 7]`; this is that list. */
export function slebRemovalList(mask: MaskFile): string {
  return `[${mask.drop.join(', ')}]\n`;
}

/**
 * EvoPress-style layer drop configuration: one line per sub-layer kind, one 0/1 flag per block
 * (1 = dropped). Whole-block pruning drops attention and MLP together.
 */
export function evopressDropConfig(mask: MaskFile): string {
  const flags = [...Array(mask.model.blocks).keys()].map((b) => (mask.drop.includes(b) ? 1 : 0)).join(' ');
  return `attn: ${flags}\nmlp: ${flags}\n`;
}

/** llama.cpp's `llama-quantize --prune-layers` takes comma-separated layer numbers. */
export function llamaCppPruneLayers(mask: MaskFile): string {
  return `--prune-layers ${mask.drop.join(',')}\n`;
}

/** Parses an `evop-mask/1` file, with messages that say what is wrong. */
export function parseMask(text: string): MaskFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('This mask file is not JSON. Export it again from the lab (evop-mask/1).');
  }
  const m = json as Partial<MaskFile>;
  if (m?.format !== 'evop-mask/1') throw new Error('This is not an evop-mask/1 file (its "format" field differs).');
  if (!m.model || !Number.isInteger(m.model.blocks) || !Array.isArray(m.drop)) {
    throw new Error('The mask file lacks model.blocks or drop.');
  }
  return createMask(m.model, m.drop, m.metrics ?? {}, m.search ?? null);
}
