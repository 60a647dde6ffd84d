/** Display helpers shared by the views. */
export const fmtPpl = (x: number | undefined | null): string =>
  x == null || !Number.isFinite(x) ? '—' : x.toFixed(x < 100 ? 2 : 1);

export function fmtDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export const METHOD_LABEL: Record<string, string> = {
  evo: 'EPPS (evolutionary)',
  shortgpt: 'ShortGPT (Block Influence)',
  sleb: 'SLEB (greedy)',
  random: 'Random search',
  brute: 'Brute force',
  last: 'Last k blocks',
};

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const DOMAIN_COLOURS: Record<string, string> = {
  sotu: '#0072B2',
  austen: '#E69F00',
  kjv: '#009E73',
  jargon: '#CC79A7',
  brown: '#56B4E9',
  'moby-dick': '#D55E00',
  user: '#000000',
};

/** Viridis stops (colour-blind safe, monotone in lightness) for 0..1. */
const VIRIDIS = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
];
export function viridis(t: number): string {
  const i = Math.max(0, Math.min(VIRIDIS.length - 1, Math.round(t * (VIRIDIS.length - 1))));
  return VIRIDIS[i]!;
}
