import { inspectModel } from '../../core/onnx/inspect-model';
import {
  EPPS_DEFAULTS,
  keptUnits,
  runSearch,
  SEARCH_METHODS,
  SearchError,
  type EppsParams,
  type SearchEvent,
  type SearchResult,
} from '../../core/search';
import { blockInfluence } from '../../runtime/hidden-states';
import { createSplitEvaluator } from '../../runtime/split-evaluator';
import { createSplitRunner } from '../../runtime/split-runner';
import type { ParsedArgs } from '../args';
import { CALIBRATION_OPTIONS } from '../calibration';
import { calibrationFor, POOL_OPTIONS } from '../ccds-calibration';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { readModelFiles } from '../model-files';
import { budgetOption, choiceOption, intOption, rateOption } from '../number-options';
import { chooseRuntime, parseRuntimePreference } from '../runtime-choice';

/** EPPS knobs as flags; absent flags keep the core defaults (EPPS_DEFAULTS), so both stay in one place. */
const EPPS_FLAGS = {
  population: 'population',
  offspring: 'offspring',
  generations: 'generations',
  tournament: 'tournamentSize',
  elitism: 'elitism',
  stagnation: 'stagnationLimit',
  'stage-windows': 'stageWindows',
  promote: 'promote',
} as const;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

function eppsParams(args: ParsedArgs, k: number): EppsParams {
  const params: Writable<EppsParams> = { k };
  for (const [flag, key] of Object.entries(EPPS_FLAGS) as [string, (typeof EPPS_FLAGS)[keyof typeof EPPS_FLAGS]][]) {
    const v = intOption(args, flag, undefined, key === 'generations' || key === 'elitism' ? 0 : 1);
    if (v !== undefined) params[key] = v;
  }
  const budget = budgetOption(args, 'budget');
  if (budget !== undefined) params.evaluationBudget = budget;
  const crossover = rateOption(args, 'crossover');
  if (crossover !== undefined) params.crossoverRate = crossover;
  const mutation = rateOption(args, 'mutation');
  if (mutation !== undefined) params.mutationRate = mutation;
  if (typeof args.options.staged === 'boolean') params.staged = args.options.staged;
  return params;
}

/** The core's result plus what the command adds about the run. */
export interface SearchReport extends SearchResult {
  readonly command: 'search';
  readonly model: string;
  readonly fingerprint: string;
  readonly blocks: number;
  readonly k: number;
  readonly seed: number;
  readonly keep: readonly number[];
  readonly params: Record<string, unknown>;
  readonly calibration: { source: string; windows: number; seqLen: number; perDomain?: Record<string, number> };
  readonly backend: string;
  readonly blockPasses: number;
  readonly loadMs: number;
}

function progressLine(e: SearchEvent): string {
  const best = e.best ? `best ${e.best.drop.join(',')} ppl ${e.best.ppl.toFixed(3)}` : 'no full score yet';
  const where = e.type === 'generation' ? `generation ${e.generation}` : `${e.method} step ${e.step}/${e.steps}`;
  return `  ${where}: ${best}, ${e.evaluations.toFixed(1)} evaluations, ${(e.elapsedMs / 1000).toFixed(1)} s\n`;
}

export const search = defineCommand<SearchReport>({
  name: 'search',
  summary:
    'Find k blocks to remove: EPPS (evo) or a baseline (shortgpt, sleb, random, brute, last), by calibration perplexity.',
  usage:
    'evop search <model.onnx> --drop-count k --method evo|shortgpt|sleb|random|brute|last [--seed s] ' +
    '(--calib <file.txt> | --calib-ids <ids.json> | --calib-method ccds|random [--pool a.txt,b.txt --clusters c --block b]) [--samples 32 --seq-len 256] ' +
    `[--population ${EPPS_DEFAULTS.population} --offspring ${EPPS_DEFAULTS.offspring} --generations ${EPPS_DEFAULTS.generations} --budget ${EPPS_DEFAULTS.evaluationBudget} ` +
    `--stagnation ${EPPS_DEFAULTS.stagnationLimit} --stage-windows n --staged=false --tournament ${EPPS_DEFAULTS.tournamentSize} --crossover ${EPPS_DEFAULTS.crossoverRate} ` +
    `--mutation ${EPPS_DEFAULTS.mutationRate} --elitism ${EPPS_DEFAULTS.elitism} --promote ${EPPS_DEFAULTS.promote}] [--limit 5000] [--runtime auto|node|wasm] [--json]`,
  options: {
    ...CALIBRATION_OPTIONS,
    ...POOL_OPTIONS,
    'drop-count': 'string',
    method: 'string',
    runtime: 'string',
    json: 'boolean',
    population: 'string',
    offspring: 'string',
    generations: 'string',
    budget: 'string',
    stagnation: 'string',
    'stage-windows': 'string',
    staged: 'boolean',
    tournament: 'string',
    crossover: 'string',
    mutation: 'string',
    elitism: 'string',
    promote: 'string',
    limit: 'string',
  },
  async run(args) {
    const path = args.positionals[0];
    if (!path)
      throw new CliError('bad-args', 'Give the model: evop search <model.onnx> --drop-count k --method evo ...');
    const k = intOption(args, 'drop-count', undefined, 1);
    if (k === undefined) throw new CliError('bad-args', '--drop-count k is required: how many blocks to remove.');
    const method = choiceOption(args, 'method', SEARCH_METHODS, 'evo');
    const seed = intOption(args, 'seed', 0, 0);
    const pref = parseRuntimePreference(typeof args.options.runtime === 'string' ? args.options.runtime : undefined);
    // Knobs are read before any model work, so a typo fails in milliseconds.
    const evo = eppsParams(args, k);
    const budget = budgetOption(args, 'budget');
    const limit = intOption(args, 'limit', undefined, 1);

    const t0 = performance.now();
    const disk = await readModelFiles(path);
    // The runtime is chosen before any session exists: every tensor must come from one module.
    const runtime = await chooseRuntime(pref, disk.files.size > 0);
    const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
    const blocks = inspected.blocks.blocks.length;
    if (k >= blocks)
      throw new CliError(
        'bad-args',
        `--drop-count ${k} would remove every block: the model has ${blocks}; use 1..${blocks - 1}.`,
      );
    const runner = await createSplitRunner(inspected, 'wasm');
    try {
      const calibration = await calibrationFor(args, disk.path, runner);
      const evaluator = createSplitEvaluator(runner, calibration.windows);
      const loadMs = performance.now() - t0;
      const onEvent = args.options.json ? undefined : (e: SearchEvent) => void process.stderr.write(progressLine(e));
      const context = { seed, ...(onEvent ? { onEvent } : {}) };
      let result: SearchResult;
      let params: Record<string, unknown>;
      try {
        switch (method) {
          case 'evo':
            params = { ...evo };
            result = await runSearch('evo', evaluator, evo, context);
            break;
          case 'shortgpt': {
            // One dense pass for Block Influence, outside the evaluation count (it scores no pattern).
            const influence = await blockInfluence(runner, calibration.windows);
            params = { k };
            result = await runSearch('shortgpt', evaluator, { k, influence }, context);
            break;
          }
          case 'sleb':
            params = { k };
            result = await runSearch('sleb', evaluator, { k }, context);
            break;
          case 'random':
            params = { k, ...(budget !== undefined ? { evaluationBudget: budget } : {}) };
            result = await runSearch(
              'random',
              evaluator,
              { k, ...(budget !== undefined ? { evaluationBudget: budget } : {}) },
              context,
            );
            break;
          case 'brute':
            params = { k, ...(limit !== undefined ? { limit } : {}) };
            result = await runSearch('brute', evaluator, { k, ...(limit !== undefined ? { limit } : {}) }, context);
            break;
          case 'last':
            params = { k };
            result = await runSearch('last', evaluator, { k }, context);
            break;
        }
      } catch (e) {
        // The core's parameter errors (too many patterns, a bad knob) are the user's to fix.
        if (e instanceof SearchError) throw new CliError('bad-args', e.message);
        throw e;
      }
      return {
        command: 'search',
        model: disk.path,
        fingerprint: inspected.fingerprint,
        blocks,
        method,
        k,
        seed,
        drop: result.drop,
        keep: keptUnits(result.drop, blocks),
        ppl: result.ppl,
        evaluations: result.evaluations,
        tokensEvaluated: result.tokensEvaluated,
        ms: Math.round(result.ms),
        history: result.history,
        stopReason: result.stopReason,
        ...(result.scores ? { scores: result.scores } : {}),
        params,
        calibration: {
          source: calibration.source,
          windows: evaluator.windows,
          seqLen: evaluator.seqLen,
          ...(calibration.perDomain ? { perDomain: calibration.perDomain } : {}),
        },
        backend: runtime.backend,
        blockPasses: evaluator.stats.blockPasses,
        loadMs: Math.round(loadMs),
      };
    } finally {
      await runner.release();
    }
  },
  format(r) {
    const lines = [
      `${r.method}: remove blocks ${r.drop.join(',')} of ${r.blocks} -> calibration perplexity ${r.ppl.toFixed(4)}`,
      `  ${r.evaluations.toFixed(1)} full-evaluation equivalents (${r.tokensEvaluated.toLocaleString('en')} tokens), ${(r.ms / 1000).toFixed(1)} s, stopped: ${r.stopReason}`,
      `  calibration: ${r.calibration.source}; ${r.backend}`,
    ];
    if (r.scores) {
      lines.push('  Block Influence (lower = more removable):');
      for (const [b, s] of r.scores.entries())
        lines.push(`    block ${String(b).padStart(3)}  ${s.toFixed(5)}${r.drop.includes(b) ? '  removed' : ''}`);
    }
    return lines.join('\n');
  },
});
