/**
 * Issue 5's quality measurement: every search method on the demo model with one fixed random
 * calibration set from the built-in pool, for several k; each answer also scored on every
 * domain's held-out text; at one k, EPPS over many seeds against the brute-force optimum.
 *
 *   npx tsx scripts/measure-search.ts [--samples 32] [--seq-len 256] [--ks 2,3,4,5,6]
 *     [--brute-ks 2,3,4] [--seeds 10] [--seeds-k 4] [--heldout 8] [--heldout-len 256]
 *     [--out /tmp/evop-measure] [--runtime node] [--threads 1]
 *
 * One split evaluator serves every method, so a pattern one method already scored is a memo
 * hit for the next; each method's `evaluations` still come from its own ledger (what it would
 * cost alone). Only wall time is shared: at each k EPPS runs first (its time is a cold run);
 * brute force's time is understated by the patterns EPPS and SLEB had already scored, and random
 * search after brute force costs nothing at all. `blockPasses` is the compute each run really did.
 * Random search gets the evaluations EPPS used at the same k, so they compare at equal cost.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runSearch, type SearchMethod, type SearchParamsByMethod, type SearchResult } from '../src/core/search';
import { domainCounts, poolCandidates, readBuiltInCorpus, selectCalibration } from '../src/cli/ccds-calibration';
import { blockInfluence } from '../src/runtime/hidden-states';
import { createSplitEvaluator, type SplitEvaluator } from '../src/runtime/split-evaluator';
import { fmt, heldoutSets, log, openDemo } from './measure-common';

const { values: opt } = parseArgs({
  options: {
    samples: { type: 'string', default: '32' },
    'seq-len': { type: 'string', default: '256' },
    ks: { type: 'string', default: '2,3,4,5,6' },
    'brute-ks': { type: 'string', default: '2,3,4' },
    seeds: { type: 'string', default: '10' },
    'seeds-k': { type: 'string', default: '4' },
    heldout: { type: 'string', default: '8' },
    'heldout-len': { type: 'string', default: '256' },
    out: { type: 'string', default: '/tmp/evop-measure' },
    runtime: { type: 'string', default: 'node' },
    threads: { type: 'string', default: '1' },
  },
});
const num = (s: string | undefined) => Number(s);
const list = (s: string | undefined) => (s ? s.split(',').filter(Boolean).map(Number) : []);
const samples = num(opt.samples);
const seqLen = num(opt['seq-len']);
const ks = list(opt.ks);
const bruteKs = new Set(list(opt['brute-ks']));
const seeds = num(opt.seeds);
const seedsK = num(opt['seeds-k']);
const outDir = opt.out!;
mkdirSync(outDir, { recursive: true });

interface Row {
  k: number;
  method: SearchMethod;
  seed: number;
  drop: readonly number[];
  ppl: number;
  evaluations: number;
  tokensEvaluated: number;
  ms: number;
  blockPasses: number;
  stopReason: string;
  heldout?: Record<string, number>;
}

async function main() {
  const { backend, tokenizer, runner } = await openDemo(opt.runtime!, num(opt.threads));
  log(`runtime ${backend}, ${opt.threads} thread(s); ${runner.blocks} blocks`);

  // The fixed calibration set: random windows of the built-in pool, seed 0, saved for reruns.
  const candidates = poolCandidates(readBuiltInCorpus('pool'), tokenizer, { seqLen });
  const sel = selectCalibration(candidates, undefined, { method: 'random', samples, seed: 0 });
  const calib = sel.samples.map((s) => candidates[s.window]!.ids);
  const idsPath = join(outDir, `calib-random-${samples}x${seqLen}-seed0.json`);
  writeFileSync(idsPath, JSON.stringify(calib));
  log(`calibration ${samples} x ${seqLen} from ${candidates.length} candidates -> ${idsPath}; domains ${JSON.stringify(domainCounts(sel.samples))}`);

  const heldout = heldoutSets(tokenizer, num(opt.heldout), num(opt['heldout-len']));
  const heldoutEval = new Map([...heldout].map(([d, w]) => [d, createSplitEvaluator(runner, w)]));

  // Cost estimate first, so a run that would take hours is stopped early.
  const probe = createSplitEvaluator(runner, calib);
  await probe.evaluate([{ drop: [15] }]); // warm-up
  let t = performance.now();
  await probe.evaluate([{ drop: [] }]);
  const denseMs = performance.now() - t;
  t = performance.now();
  await probe.evaluate([{ drop: [0, 5, 9, 13] }]);
  const k4Ms = performance.now() - t;
  log(`one dense pass ${samples}x${seqLen}: ${fmt(denseMs, 0)} ms; one k=4 pattern ${fmt(k4Ms, 0)} ms (no sharing)`);
  const estEvals = ks.filter((k) => !bruteKs.has(k)).length * 300 + ks.length * 300 + 100 + [...bruteKs].reduce((s, k) => s + choose(runner.blocks, k) * 0.6, 0) + (seeds - 1) * 150;
  log(`rough estimate: ~${fmt(estEvals, 0)} full-evaluation equivalents -> ~${fmt((estEvals * k4Ms) / 60000, 0)} min`);

  const ev: SplitEvaluator = createSplitEvaluator(runner, calib);
  t = performance.now();
  const influence = await blockInfluence(runner, calib);
  log(`block influence ${fmt(performance.now() - t, 0)} ms: ${influence.map((x) => fmt(x, 4)).join(' ')}`);

  const rows: Row[] = [];
  const save = () => writeFileSync(join(outDir, 'measure-search.json'), JSON.stringify({ samples, seqLen, idsPath, runtime: backend, denseMs, k4Ms, influence, rows }, null, 1));

  const run = async <M extends SearchMethod>(k: number, method: M, params: SearchParamsByMethod[M], seed = 0): Promise<Row> => {
    const passes = ev.stats.blockPasses;
    const r: SearchResult = await runSearch(method, ev, params, { seed });
    const row: Row = {
      k,
      method,
      seed,
      drop: r.drop,
      ppl: r.ppl,
      evaluations: r.evaluations,
      tokensEvaluated: r.tokensEvaluated,
      ms: r.ms,
      blockPasses: ev.stats.blockPasses - passes,
      stopReason: r.stopReason,
    };
    rows.push(row);
    save();
    log(`k=${k} ${method} seed ${seed}: drop ${r.drop.join(',')} ppl ${fmt(r.ppl, 3)} evals ${fmt(r.evaluations, 1)} ${fmt(r.ms / 1000, 1)} s (${row.blockPasses} block passes) ${r.stopReason}`);
    return row;
  };

  for (const k of ks) {
    const evo = await run(k, 'evo', { k });
    await run(k, 'sleb', { k });
    await run(k, 'shortgpt', { k, influence });
    await run(k, 'last', { k });
    if (bruteKs.has(k)) await run(k, 'brute', { k });
    await run(k, 'random', { k, evaluationBudget: Math.max(1, Math.floor(evo.evaluations)) });
    // Held-out perplexity of every distinct answer at this k (and the dense model once).
    const atK = rows.filter((r) => r.k === k);
    const patterns = [...new Map(atK.map((r) => [r.drop.join(','), r.drop])).values()];
    for (const [domain, e] of heldoutEval) {
      const res = await e.evaluate(patterns.map((drop) => ({ drop })));
      for (const r of atK) (r.heldout ??= {})[domain] = res.find((x) => x.patternKey === r.drop.join(','))!.ppl;
    }
    save();
  }

  if (bruteKs.has(seedsK) && ks.includes(seedsK)) {
    for (let s = 1; s < seeds; s++) await run(seedsK, 'evo', { k: seedsK }, s);
  }

  const dense = new Map<string, number>();
  for (const [domain, e] of heldoutEval) dense.set(domain, (await e.evaluate([{ drop: [] }]))[0]!.ppl);
  const denseCal = (await ev.evaluate([{ drop: [] }]))[0]!.ppl;
  writeFileSync(join(outDir, 'measure-search.json'), JSON.stringify({ samples, seqLen, idsPath, runtime: backend, denseMs, k4Ms, influence, denseCal, denseHeldout: Object.fromEntries(dense), rows }, null, 1));
  console.log(report(rows, denseCal, dense));
  await runner.release();
}

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

export function report(rows: readonly Row[], denseCal: number, dense: ReadonlyMap<string, number>): string {
  const domains = [...dense.keys()];
  const lines: string[] = [];
  lines.push(`dense: calibration ppl ${fmt(denseCal, 3)}; held-out ${domains.map((d) => `${d} ${fmt(dense.get(d)!, 2)}`).join(', ')}`, '');
  lines.push(`| k | method | drop | calib ppl | ${domains.join(' | ')} | held-out mean | evaluations | time s | block passes |`);
  lines.push(`|---|---|---|---|${domains.map(() => '---').join('|')}|---|---|---|---|`);
  for (const r of rows.filter((x) => x.seed === 0)) {
    const h = domains.map((d) => r.heldout?.[d] ?? NaN);
    const mean = h.reduce((s, x) => s + x, 0) / h.length;
    lines.push(`| ${r.k} | ${r.method} | ${r.drop.join(',')} | ${fmt(r.ppl, 3)} | ${h.map((x) => fmt(x, 2)).join(' | ')} | ${fmt(mean, 2)} | ${fmt(r.evaluations, 1)} | ${fmt(r.ms / 1000, 1)} | ${r.blockPasses} |`);
  }
  const ks = [...new Set(rows.map((r) => r.k))];
  for (const k of ks) {
    const evo = rows.filter((r) => r.k === k && r.method === 'evo');
    const brute = rows.find((r) => r.k === k && r.method === 'brute');
    if (evo.length < 2 || !brute) continue;
    const hits = evo.filter((r) => r.drop.join(',') === brute.drop.join(',')).length;
    const evals = evo.map((r) => r.evaluations);
    const sleb = rows.find((r) => r.k === k && r.method === 'sleb')!;
    const sg = rows.find((r) => r.k === k && r.method === 'shortgpt')!;
    lines.push('', `k=${k}: EPPS found the brute-force optimum (${brute.drop.join(',')}, ppl ${fmt(brute.ppl, 3)}) in ${hits} of ${evo.length} seeds.`);
    lines.push(`  evaluations per seed: ${evals.map((x) => fmt(x, 1)).join(', ')} (mean ${fmt(evals.reduce((s, x) => s + x, 0) / evals.length, 1)}, max ${fmt(Math.max(...evals), 1)}) vs ${fmt(brute.evaluations, 0)} for brute force`);
    lines.push(`  EPPS ppl per seed: ${evo.map((r) => fmt(r.ppl, 3)).join(', ')}; SLEB ${fmt(sleb.ppl, 3)} (${sleb.drop.join(',')}), ShortGPT ${fmt(sg.ppl, 3)} (${sg.drop.join(',')})`);
    lines.push(`  worse than SLEB in ${evo.filter((r) => r.ppl > sleb.ppl + 1e-9).length} seeds, worse than ShortGPT in ${evo.filter((r) => r.ppl > sg.ppl + 1e-9).length}`);
  }
  return lines.join('\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
