/**
 * Names of the key/value cache tensors, which carry the layer number that pruning must keep
 * contiguous: `past_key_values.3.key` / `present.3.value` (Optimum, genai), stacked `past_3` /
 * `present_3` (ORT-fused GPT-2), `past_key_3`, and hybrid-model state such as `past_conv.2`.
 */
import type { GraphProto } from './proto';

export interface KvName {
  readonly name: string;
  /** Layer number written in the name. */
  readonly layer: number;
  /** The name with the layer number replaced by `{}`: tensors of the same role share it. */
  readonly role: string;
}

const KV_NAME = /^(.*?(?:past|present|cache)[^\d]*?[._])(\d+)((?:[._][A-Za-z_.]*)?)$/i;

export function parseKvName(name: string): KvName | null {
  const m = KV_NAME.exec(name);
  if (!m) return null;
  return { name, layer: Number(m[2]), role: `${m[1]}{}${m[3]}` };
}

export function kvNameFor(role: string, layer: number): string {
  return role.replace('{}', String(layer));
}

export type KvLayout = 'none' | 'per-layer' | 'stacked' | 'mixed';

export interface KvInfo {
  readonly layout: KvLayout;
  /** Cache inputs and outputs by layer number. */
  readonly inputs: ReadonlyMap<number, readonly string[]>;
  readonly outputs: ReadonlyMap<number, readonly string[]>;
}

function group(names: readonly string[]): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const n of names) {
    const kv = parseKvName(n);
    if (!kv) continue;
    const list = out.get(kv.layer);
    if (list) list.push(n);
    else out.set(kv.layer, [n]);
  }
  return out;
}

export function describeKvCache(graph: GraphProto): KvInfo {
  const inputs = group(graph.input.map((v) => v.name));
  const outputs = group(graph.output.map((v) => v.name).filter((n) => n !== 'logits'));
  const roles = new Set([...graph.input, ...graph.output].map((v) => parseKvName(v.name)?.role).filter(Boolean));
  let layout: KvLayout = 'none';
  if (inputs.size > 0 || outputs.size > 0) {
    const perLayer = [...roles].some((r) => /\.(key|value)$|_(key|value)/.test(r!.replace('{}', '0')));
    const stacked = [...roles].some((r) => !/(key|value|conv|ssm|state)/i.test(r!));
    layout = perLayer && stacked ? 'mixed' : stacked ? 'stacked' : perLayer ? 'per-layer' : 'mixed';
  }
  return { layout, inputs, outputs };
}

/** Old layer number -> new one for the kept layers, in order. */
export function renumbering(keep: readonly number[]): Map<number, number> {
  return new Map(keep.map((layer, i) => [layer, i]));
}
