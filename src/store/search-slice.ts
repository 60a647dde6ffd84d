import type { StateCreator } from 'zustand';
import { createRemoteEvaluator } from '../bridge/remote-evaluator';
import { createRunController, type RunController, type RunStatus } from '../bridge/run-controller';
import {
  streamSearch,
  type GenerationEvent,
  type SearchEvent,
  type SearchMethod,
  type SearchParamsByMethod,
  type SearchResult,
} from '../core/search';
import { workerClient } from './client';
import type { LabState } from './index';

export interface SearchSettings {
  readonly method: SearchMethod;
  /** Blocks to remove. */
  readonly k: number;
  readonly population: number;
  readonly generations: number;
  /** Full-evaluation equivalents the search may spend (EPPS, random). */
  readonly budget: number;
  readonly seed: number;
  readonly staged: boolean;
}

/** Interactive defaults: a quarter of the demo's blocks, a short run that finishes in a minute or so. */
export const DEFAULT_SEARCH: SearchSettings = {
  method: 'evo',
  k: 4,
  population: 12,
  generations: 15,
  budget: 200,
  seed: 1,
  staged: true,
};

/** A finished run, kept to compare methods (and k) on the same calibration set. */
export interface RunRecord {
  readonly id: number;
  readonly method: SearchMethod;
  readonly k: number;
  readonly seed: number;
  readonly drop: readonly number[];
  readonly ppl: number;
  readonly evaluations: number;
  readonly ms: number;
  readonly scores?: readonly number[];
}

export interface SearchSlice {
  searchSettings: SearchSettings;
  runStatus: RunStatus;
  /** Generation events of the current EPPS run (one per generation, charts read these). */
  generations: GenerationEvent[];
  /** Last progress of a non-generational method. */
  lastStep: SearchEvent | null;
  runResult: SearchResult | null;
  runError: string | null;
  runs: RunRecord[];
  setSearchSettings(patch: Partial<SearchSettings>): void;
  play(): void;
  pause(): void;
  step(): Promise<void>;
  resetSearch(): void;
  /** Forget everything about the previous model. */
  resetLab(): void;
}

let controller: RunController | undefined;
let runId = 0;

function paramsFor(s: SearchSettings, influence?: readonly number[]): SearchParamsByMethod[SearchMethod] {
  switch (s.method) {
    case 'evo':
      return {
        k: s.k,
        population: s.population,
        offspring: 2 * s.population,
        generations: s.generations,
        evaluationBudget: s.budget,
        staged: s.staged,
      };
    case 'random':
      return { k: s.k, evaluationBudget: s.budget };
    case 'shortgpt':
      return influence ? { k: s.k, influence } : { k: s.k };
    default:
      return { k: s.k };
  }
}

export const createSearchSlice: StateCreator<LabState, [], [], SearchSlice> = (set, get) => {
  const ensureController = (): RunController | undefined => {
    if (controller) return controller;
    const model = get().model;
    const cal = get().calibration;
    if (model.kind !== 'ready' || cal.kind !== 'ready') return undefined;
    const settings = get().searchSettings;
    const id = ++runId;
    const evaluator = createRemoteEvaluator(workerClient(), {
      blocks: model.model.blocks,
      windows: cal.info.windows,
      seqLen: cal.info.seqLen,
    });
    set({ generations: [], lastStep: null, runResult: null, runError: null });
    controller = createRunController(
      (signal) =>
        (async function* () {
          let influence: readonly number[] | undefined;
          if (settings.method === 'shortgpt') {
            const r = await workerClient().api.blockInfluence();
            if (!r.ok) throw new Error(r.error.message);
            influence = r.value;
          }
          return yield* streamSearch(settings.method, evaluator, paramsFor(settings, influence), {
            seed: settings.seed,
            signal,
          });
        })(),
      {
        onEvent: (e) => {
          if (id !== runId) return;
          // One state update per generation: charts redraw once per generation, never per candidate.
          if (e.type === 'generation') set({ generations: [...get().generations, e], lastStep: e });
          else set({ lastStep: e });
        },
        onDone: (r) => {
          if (id !== runId) return;
          const record: RunRecord = {
            id,
            method: r.method,
            k: r.drop.length,
            seed: settings.seed,
            drop: r.drop,
            ppl: r.ppl,
            evaluations: r.evaluations,
            ms: r.ms,
            ...(r.scores ? { scores: r.scores } : {}),
          };
          set({ runResult: r, runs: [...get().runs, record] });
        },
        onStatus: (s) => id === runId && set({ runStatus: s }),
        onError: (e) => id === runId && set({ runError: e.message }),
      },
    );
    return controller;
  };

  return {
    searchSettings: DEFAULT_SEARCH,
    runStatus: 'idle',
    generations: [],
    lastStep: null,
    runResult: null,
    runError: null,
    runs: [],
    setSearchSettings(patch) {
      get().resetSearch();
      set({ searchSettings: { ...get().searchSettings, ...patch } });
    },
    play() {
      const c = controller?.status === 'done' ? (get().resetSearch(), ensureController()) : ensureController();
      c?.play();
    },
    pause() {
      controller?.pause();
    },
    async step() {
      if (controller?.status === 'done') get().resetSearch();
      await ensureController()?.step();
    },
    resetSearch() {
      controller?.reset();
      controller = undefined;
      runId++;
      set({ runStatus: 'idle', generations: [], lastStep: null, runResult: null, runError: null });
    },
    resetLab() {
      get().resetSearch();
      set({ runs: [], drop: [], patternResult: null, denseResult: null, calibration: { kind: 'none' } });
    },
  };
};
