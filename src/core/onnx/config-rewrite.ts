/**
 * The pruned model's config.json: the layer count under every name transformers uses for it,
 * and every per-layer list (`layer_types`, sliding-window patterns...) reduced to kept layers,
 * including inside nested configs (`text_config` of multimodal models).
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const LAYER_COUNT_KEYS = ['num_hidden_layers', 'n_layer', 'num_layers', 'n_layers'];

export interface ConfigRewrite {
  readonly config: Record<string, unknown>;
  /** Keys changed, as JSON paths, for the report. */
  readonly changed: readonly string[];
}

export function rewriteConfig(config: Record<string, unknown>, keep: readonly number[], blocks: number): ConfigRewrite {
  const changed: string[] = [];
  const visit = (obj: { [key: string]: Json }, path: string): { [key: string]: Json } => {
    const holdsLayers = LAYER_COUNT_KEYS.some((k) => obj[k] === blocks);
    const out: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(obj)) {
      const here = path ? `${path}.${key}` : key;
      if (holdsLayers && LAYER_COUNT_KEYS.includes(key) && value === blocks) {
        out[key] = keep.length;
        changed.push(here);
      } else if (holdsLayers && Array.isArray(value) && value.length === blocks && blocks > 1) {
        // A list with one entry per layer next to the layer count is per-layer by construction.
        out[key] = keep.map((k) => value[k]!);
        changed.push(here);
      } else if (value && typeof value === 'object' && !Array.isArray(value)) {
        out[key] = visit(value, here);
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  return { config: visit(config as { [key: string]: Json }, ''), changed };
}
