/**
 * The search methods behind one door. `runSearch` is what the CLI and the run controller call;
 * `streamSearch` is the same run pulled one event at a time (pause = stop pulling). Its stream's
 * `saveState()` returns plain JSON (a `SavedSearch`) that `resumeSearch` continues exactly as if
 * the run had never stopped — for every method with progress to report (EPPS, SLEB, random,
 * brute force); ShortGPT and last-k run in one shot and have nothing to save.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { resumeBruteForce, searchBruteForce, type BruteForceParams, type BruteForceState } from './brute-force';
import { resumeEpps, searchEpps, type SearchState } from './epps';
import type { EppsParams } from './epps-params';
import { searchLastK, type LastKParams } from './last-k';
import { resumeRandomSearch, searchRandom, type RandomSearchParams, type RandomSearchState } from './random-search';
import { SearchError, type SearchContext, type SearchEvent, type SearchMethod, type SearchResult } from './result';
import { searchShortGpt, type ShortGptParams } from './shortgpt';
import { resumeSleb, searchSleb, type SlebParams, type SlebState } from './sleb';

export interface SearchParamsByMethod {
  evo: EppsParams;
  shortgpt: ShortGptParams;
  sleb: SlebParams;
  random: RandomSearchParams;
  brute: BruteForceParams;
  last: LastKParams;
}

export interface RunSearchOptions extends SearchContext {
  /** Called with every event and awaited, so a controller can hold a run between events. */
  readonly onEvent?: (event: SearchEvent) => void | Promise<void>;
}

/**
 * A saved search of any resumable method, plain JSON; `format` tells which:
 * 'evop-epps-state/1' (EPPS), 'evop-sleb-state/1', 'evop-random-state/1', 'evop-brute-state/1'.
 */
export type SavedSearch = SearchState | SlebState | RandomSearchState | BruteForceState;

export type SavedSearchFormat = SavedSearch['format'];

/** Which method each saved format continues. */
export const SAVED_SEARCH_FORMATS: { readonly [F in SavedSearchFormat]: SearchMethod } = {
  'evop-epps-state/1': 'evo',
  'evop-sleb-state/1': 'sleb',
  'evop-random-state/1': 'random',
  'evop-brute-state/1': 'brute',
};

/** The methods whose streams can be saved and resumed. */
export const RESUMABLE_METHODS: readonly SearchMethod[] = ['evo', 'sleb', 'random', 'brute'];

export type SearchStream = AsyncGenerator<SearchEvent, SearchResult, void> & {
  /**
   * The state after the last event the consumer received, for `resumeSearch`. Call it between
   * pulls. Throws a SearchError 'bad-state' when there is nothing to save: always for the
   * one-shot methods (ShortGPT, last-k), and for EPPS before its first generation was pulled.
   * SLEB, random and brute force can be saved before the first pull too.
   */
  saveState(): SavedSearch;
};

function once(method: SearchMethod, result: () => Promise<SearchResult>): SearchStream {
  // eslint-disable-next-line require-yield -- one-shot methods have no progress to report
  async function* run(): AsyncGenerator<SearchEvent, SearchResult, void> {
    return await result();
  }
  const name = method === 'shortgpt' ? 'ShortGPT' : 'last-k';
  return Object.assign(run(), {
    saveState(): SavedSearch {
      throw new SearchError('bad-state', `nothing to save: ${name} runs in one shot; run it again instead of resuming`);
    },
  });
}

const streams: {
  [M in SearchMethod]: (e: Evaluator, p: SearchParamsByMethod[M], c: SearchContext) => SearchStream;
} = {
  evo: (e, p, c) => searchEpps(e, p, c),
  shortgpt: (e, p, c) => once('shortgpt', () => searchShortGpt(e, p, c)),
  sleb: (e, p, c) => searchSleb(e, p, c),
  random: (e, p, c) => searchRandom(e, p, c),
  brute: (e, p, c) => searchBruteForce(e, p, c),
  last: (e, p, c) => once('last', () => searchLastK(e, p, c)),
};

export const SEARCH_METHODS: readonly SearchMethod[] = ['evo', 'shortgpt', 'sleb', 'random', 'brute', 'last'];

export function streamSearch<M extends SearchMethod>(
  method: M,
  evaluator: Evaluator,
  params: SearchParamsByMethod[M],
  context: SearchContext = {},
): SearchStream {
  const start = streams[method];
  if (!start)
    throw new SearchError('bad-params', `unknown search method "${method}"; use one of ${SEARCH_METHODS.join(', ')}`);
  return start(evaluator, params, context);
}

/**
 * Continues a search saved by a stream's `saveState()`, whatever its method, with the settings
 * and seed stored in it (`context.seed` is not used). Refuses, with a SearchError 'bad-state', a
 * state of an unknown format and one saved against a model or calibration set of another shape.
 */
export function resumeSearch(evaluator: Evaluator, saved: SavedSearch, context: SearchContext = {}): SearchStream {
  const format: unknown = saved !== null && typeof saved === 'object' ? saved.format : undefined;
  switch (saved?.format) {
    case 'evop-epps-state/1':
      return resumeEpps(evaluator, saved, context);
    case 'evop-sleb-state/1':
      return resumeSleb(evaluator, saved, context);
    case 'evop-random-state/1':
      return resumeRandomSearch(evaluator, saved, context);
    case 'evop-brute-state/1':
      return resumeBruteForce(evaluator, saved, context);
    default:
      throw new SearchError(
        'bad-state',
        `not a saved search (format "${String(format)}"); expected one of ${Object.keys(SAVED_SEARCH_FORMATS).join(', ')}`,
      );
  }
}

export async function runSearch<M extends SearchMethod>(
  method: M,
  evaluator: Evaluator,
  params: SearchParamsByMethod[M],
  options: RunSearchOptions = {},
): Promise<SearchResult> {
  const stream = streamSearch(method, evaluator, params, options);
  for (;;) {
    const next = await stream.next();
    if (next.done) return next.value;
    await options.onEvent?.(next.value);
  }
}

export * from './result';
export * from './pattern';
export * from './operators';
export * from './epps-params';
export * from './epps';
export * from './evaluation-ledger';
export * from './shortgpt';
export * from './sleb';
export * from './random-search';
export * from './last-k';
export * from './brute-force';
export * from './saved-state';
