/**
 * The search methods behind one door. `runSearch` is what the CLI and the run controller call;
 * `streamSearch` is the same run pulled one event at a time (pause = stop pulling). EPPS's own
 * generator (`searchEpps`, `resumeEpps`) adds `saveState()` for resuming later.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { searchBruteForce, type BruteForceParams } from './brute-force';
import { searchEpps } from './epps';
import type { EppsParams } from './epps-params';
import { searchLastK, type LastKParams } from './last-k';
import { searchRandom, type RandomSearchParams } from './random-search';
import { SearchError, type SearchContext, type SearchEvent, type SearchMethod, type SearchResult } from './result';
import { searchShortGpt, type ShortGptParams } from './shortgpt';
import { searchSleb, type SlebParams } from './sleb';

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

export type SearchStream = AsyncGenerator<SearchEvent, SearchResult, void>;

// eslint-disable-next-line require-yield -- one-shot methods have no progress to report
async function* once(result: Promise<SearchResult>): SearchStream {
  return await result;
}

const streams: {
  [M in SearchMethod]: (e: Evaluator, p: SearchParamsByMethod[M], c: SearchContext) => SearchStream;
} = {
  evo: (e, p, c) => searchEpps(e, p, c),
  shortgpt: (e, p, c) => once(searchShortGpt(e, p, c)),
  sleb: (e, p, c) => searchSleb(e, p, c),
  random: (e, p, c) => searchRandom(e, p, c),
  brute: (e, p, c) => searchBruteForce(e, p, c),
  last: (e, p, c) => once(searchLastK(e, p, c)),
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
