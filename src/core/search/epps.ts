/**
 * EPPS: the evolutionary pruning-pattern search. A steady-state genetic algorithm over k-subsets:
 * tournament selection, removal-set crossover, swap mutation, elitism, a memo so no pattern is
 * scored twice at the same window budget, and staged selection (every child screened on a few
 * windows, the best few re-scored on the full set and entered into the population in place of
 * the worst non-elite members). Members of the population always carry full-set perplexity, so
 * selection and the final answer never compare numbers measured on different windows.
 *
 * It is an async generator: the consumer pulls one generation at a time (pause and step are
 * just not pulling), and `saveState()` between pulls returns plain JSON that `resumeEpps`
 * continues exactly as if the run had never stopped.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { createRng, type Rng } from '../random/rng';
import { createEvaluationLedger, type EvaluationLedger, type LedgerSnapshot } from './evaluation-ledger';
import { resolveEppsParams, type EppsParams, type ResolvedEppsParams } from './epps-params';
import { crossPatterns, mutateBySwap, sampleRandomPattern, selectByTournament } from './operators';
import { countPatterns, encodePatternKey, measureDistance, toPattern, validateSpace, type Pattern } from './pattern';
import {
  readClock,
  SearchError,
  type GenerationEvent,
  type HistoryEntry,
  type ScoredPattern,
  type SearchContext,
  type SearchResult,
  type StopReason,
} from './result';
import { checkSavedShape } from './saved-state';

/** Everything needed to continue a run; plain JSON. */
export interface SearchState {
  readonly format: 'evop-epps-state/1';
  readonly seed: number;
  readonly params: ResolvedEppsParams;
  /** Shape of the evaluator the run was scored with; a resume checks it. */
  readonly blocks: number;
  readonly windows: number;
  /** Last finished generation. */
  readonly generation: number;
  readonly rng: [number, number, number, number];
  /** Sorted best first, each with its full-set perplexity. */
  readonly population: readonly ScoredPattern[];
  readonly best: ScoredPattern;
  /** Generations since `best` last improved. */
  readonly stagnation: number;
  readonly elapsedMs: number;
  readonly history: readonly HistoryEntry[];
  readonly ledger: LedgerSnapshot;
  readonly stopReason: StopReason | null;
}

export type EppsRun = AsyncGenerator<GenerationEvent, SearchResult, void> & {
  /** The state after the last generation the consumer received (plain JSON). */
  saveState(): SearchState;
};

interface Member {
  readonly drop: Pattern;
  readonly key: string;
  readonly ppl: number;
}

/** Mutable run state; `checkpoint` is what `saveState` returns. */
interface Run {
  readonly evaluator: Evaluator;
  readonly params: ResolvedEppsParams;
  readonly seed: number;
  readonly rng: Rng;
  readonly ledger: EvaluationLedger;
  population: Member[];
  best: Member | null;
  generation: number;
  stagnation: number;
  history: HistoryEntry[];
  stopReason: StopReason | null;
  checkpoint: SearchState | null;
}

const byFitness = (a: Member, b: Member) => a.ppl - b.ppl || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

function toScored(m: Member): ScoredPattern {
  return { drop: [...m.drop], ppl: m.ppl };
}

/** Starts a new run. `context.seed` drives every random choice. */
export function searchEpps(evaluator: Evaluator, params: EppsParams, context: SearchContext = {}): EppsRun {
  validateSpace({ units: evaluator.blocks, removed: params.k });
  const resolved = resolveEppsParams(params, evaluator.windows);
  for (const s of resolved.seeds) toPattern(s, evaluator.blocks, params.k);
  const seed = context.seed ?? 0;
  const run: Run = {
    evaluator,
    params: resolved,
    seed,
    rng: createRng(seed),
    ledger: createEvaluationLedger(evaluator),
    population: [],
    best: null,
    generation: -1,
    stagnation: 0,
    history: [],
    stopReason: null,
    checkpoint: null,
  };
  return wrap(run, context, 0);
}

/** Continues a run saved by `saveState()`, with the parameters and seed stored in it. */
export function resumeEpps(evaluator: Evaluator, state: SearchState, context: SearchContext = {}): EppsRun {
  checkSavedShape(state, 'evop-epps-state/1', 'EPPS search', evaluator);
  const member = (p: ScoredPattern): Member => ({
    drop: [...p.drop],
    key: encodePatternKey(p.drop),
    ppl: p.ppl,
  });
  const run: Run = {
    evaluator,
    params: state.params,
    seed: state.seed,
    rng: createRng(state.seed, state.rng),
    ledger: createEvaluationLedger(evaluator, state.ledger),
    population: state.population.map(member),
    best: member(state.best),
    generation: state.generation,
    stagnation: state.stagnation,
    history: [...state.history],
    stopReason: state.stopReason,
    checkpoint: state,
  };
  return wrap(run, context, state.elapsedMs);
}

function wrap(run: Run, context: SearchContext, elapsedBefore: number): EppsRun {
  const gen = generate(run, context, elapsedBefore);
  return Object.assign(gen, {
    saveState(): SearchState {
      if (!run.checkpoint) {
        throw new SearchError('bad-state', 'nothing to save yet: pull the first generation before saving');
      }
      return run.checkpoint;
    },
  });
}

async function* generate(
  run: Run,
  context: SearchContext,
  elapsedBefore: number,
): AsyncGenerator<GenerationEvent, SearchResult, void> {
  const { params, ledger, evaluator } = run;
  const { signal } = context;
  const now = readClock(context);
  const started = now();
  const elapsed = () => elapsedBefore + (now() - started);
  const W = ledger.fullWindows;
  const budgetWindows = params.evaluationBudget === null ? Infinity : Math.round(params.evaluationBudget * W);
  const space = countPatterns(evaluator.blocks, params.k);

  const boundary = (): GenerationEvent => {
    const event = describeGeneration(run, elapsed());
    run.history.push({
      step: run.generation,
      drop: event.best.drop,
      ppl: event.best.ppl,
      evaluations: event.evaluations,
      tokensEvaluated: event.tokensEvaluated,
      elapsedMs: event.elapsedMs,
    });
    run.checkpoint = snapshot(run, event.elapsedMs);
    return event;
  };
  const adopt = (entrants: Member[]) => {
    for (const m of entrants) {
      if (!run.best || m.ppl < run.best.ppl) {
        run.best = m;
        run.stagnation = -1; // the increment at the end of the generation brings it to 0
      } else if (m.ppl === run.best.ppl && m.key < run.best.key) {
        run.best = m; // a tie is no progress, but the answer must not depend on arrival order
      }
    }
  };

  if (run.generation < 0) {
    const size = Math.min(params.population, space, Math.floor(budgetWindows / W));
    if (size < 1) {
      throw new SearchError(
        'bad-params',
        `the evaluation budget (${params.evaluationBudget}) does not pay for one full evaluation`,
      );
    }
    const initial = seedPopulation(run, size);
    const scores = await ledger.score(
      initial.map((drop) => ({ drop })),
      signal,
    );
    run.population = initial
      .map((drop, i) => ({ drop, key: encodePatternKey(drop), ppl: scores[i]!.ppl }))
      .sort(byFitness);
    adopt(run.population);
    run.generation = 0;
    run.stagnation = 0;
    yield boundary();
  }

  while (run.stopReason === null) {
    const remaining = budgetWindows - ledger.windowsUsed();
    const childCost = params.staged ? params.stageWindows : W;
    let n = params.offspring;
    // Never plan past the budget: n screens plus the full re-scores of the ones promoted.
    while (n > 0 && n * childCost + (params.staged ? Math.min(params.promote, n) * W : 0) > remaining) n--;
    if (run.generation >= params.generations) run.stopReason = 'generations';
    else if (run.stagnation >= params.stagnationLimit) run.stopReason = 'stagnation';
    else if (n === 0) run.stopReason = 'budget';
    if (run.stopReason !== null) break;

    signal?.throwIfAborted();
    const children = breed(run, n);
    if (children.length === 0) {
      run.stopReason = 'exhausted';
      break;
    }
    let entrants: Member[];
    if (params.staged) {
      const screen = await ledger.score(
        children.map((drop) => ({ drop, windows: params.stageWindows })),
        signal,
      );
      const ranked = children
        .map((drop, i) => ({ drop, key: encodePatternKey(drop), partial: screen[i]!.ppl, order: i }))
        .sort((a, b) => a.partial - b.partial || a.order - b.order)
        .slice(0, params.promote);
      const full = await ledger.score(
        ranked.map((c) => ({ drop: c.drop })),
        signal,
      );
      entrants = ranked.map((c, i) => ({ drop: c.drop, key: c.key, ppl: full[i]!.ppl }));
    } else {
      const full = await ledger.score(
        children.map((drop) => ({ drop })),
        signal,
      );
      entrants = children
        .map((drop, i) => ({ drop, key: encodePatternKey(drop), ppl: full[i]!.ppl }))
        .sort(byFitness)
        .slice(0, params.promote);
    }
    run.population = replaceWorst(run.population, entrants.sort(byFitness), params.elitism);
    adopt(entrants);
    run.generation++;
    run.stagnation++;
    yield boundary();
  }
  run.checkpoint = snapshot(run, elapsed());
  const best = run.best!;
  return {
    method: 'evo',
    drop: [...best.drop],
    ppl: best.ppl,
    evaluations: ledger.evaluations(),
    tokensEvaluated: ledger.tokensEvaluated(),
    ms: elapsed(),
    history: [...run.history],
    stopReason: run.stopReason ?? 'done',
  };
}

/** Seeds first (deduplicated), then distinct random patterns. */
function seedPopulation(run: Run, size: number): Pattern[] {
  const { params, evaluator, rng } = run;
  const seen = new Set<string>();
  const out: Pattern[] = [];
  for (const s of params.seeds) {
    const p = toPattern(s, evaluator.blocks, params.k);
    const key = encodePatternKey(p);
    if (out.length < size && !seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  while (out.length < size) {
    const p = sampleRandomPattern(rng, evaluator.blocks, params.k);
    const key = encodePatternKey(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/**
 * Breeds up to `n` children that are new to this generation, not in the population and not yet
 * scored on the full set. A child only screened before may come back: its screen is a free memo
 * hit and it gets another chance to be promoted against different competition.
 */
function breed(run: Run, n: number): Pattern[] {
  const { params, rng, ledger, evaluator } = run;
  const fitness = run.population.map((m) => m.ppl);
  const taken = new Set(run.population.map((m) => m.key));
  const children: Pattern[] = [];
  for (let attempts = 0; children.length < n && attempts < n * params.maxAttempts; attempts++) {
    const a = run.population[selectByTournament(rng, fitness, params.tournamentSize)]!;
    const b = run.population[selectByTournament(rng, fitness, params.tournamentSize)]!;
    let child = rng.next() < params.crossoverRate ? crossPatterns(rng, a.drop, b.drop) : [...a.drop];
    if (rng.next() < params.mutationRate) child = mutateBySwap(rng, child, evaluator.blocks);
    const key = encodePatternKey(child);
    if (taken.has(key) || ledger.lookup(child) !== undefined) continue;
    taken.add(key);
    children.push(child);
  }
  return children;
}

/** Entrants take the places of the worst members; the `elitism` best are never replaced. */
function replaceWorst(population: Member[], entrants: Member[], elitism: number): Member[] {
  const sorted = [...population].sort(byFitness);
  const elite = sorted.slice(0, elitism);
  const room = population.length - elitism;
  const incoming = entrants.slice(0, room);
  const kept = sorted.slice(elitism, elitism + room - incoming.length);
  return [...elite, ...kept, ...incoming].sort(byFitness);
}

function describeGeneration(run: Run, elapsedMs: number): GenerationEvent {
  const pop = run.population;
  const L = run.evaluator.blocks;
  const k = run.params.k;
  const keep = new Array<number>(L).fill(pop.length);
  for (const m of pop) for (const id of m.drop) keep[id]!--;
  let distance = 0;
  let pairs = 0;
  for (let i = 0; i < pop.length; i++) {
    for (let j = i + 1; j < pop.length; j++) {
      distance += measureDistance(pop[i]!.drop, pop[j]!.drop);
      pairs++;
    }
  }
  // Two k-subsets of L differ in at most 2 min(k, L - k) places.
  const maxDistance = 2 * Math.min(k, L - k);
  return {
    type: 'generation',
    generation: run.generation,
    best: toScored(run.best!),
    mean: pop.reduce((s, m) => s + m.ppl, 0) / pop.length,
    worst: pop.reduce((w, m) => Math.max(w, m.ppl), -Infinity),
    diversity: pairs === 0 ? 0 : distance / pairs / maxDistance,
    evaluations: run.ledger.evaluations(),
    tokensEvaluated: run.ledger.tokensEvaluated(),
    keepFrequency: keep.map((c) => c / pop.length),
    elapsedMs,
  };
}

function snapshot(run: Run, elapsedMs: number): SearchState {
  return {
    format: 'evop-epps-state/1',
    seed: run.seed,
    params: run.params,
    blocks: run.evaluator.blocks,
    windows: run.evaluator.windows,
    generation: run.generation,
    rng: run.rng.state(),
    population: run.population.map(toScored),
    best: toScored(run.best!),
    stagnation: run.stagnation,
    elapsedMs,
    history: [...run.history],
    ledger: run.ledger.snapshot(),
    stopReason: run.stopReason,
  };
}
