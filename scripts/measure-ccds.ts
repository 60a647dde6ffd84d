/**
 * Issue 6's robustness measurement: for k blocks removed, over several seeds, the pattern EPPS
 * finds with a CCDS calibration set and with a random one of the same size (same pool, same
 * window length, same EPPS seed), each scored on every domain's held-out text; plus how often a
 * random draw of that size misses a domain (10,000 draws, no model needed) and whether CCDS ever does.
 *
 *   npx tsx scripts/measure-ccds.ts [--samples 32] [--seq-len 128] [--clusters 8] [--k 4]
 *     [--seeds 5] [--heldout 8] [--heldout-len 256] [--out /tmp/evop-measure] [--threads 1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BUILT_IN_DOMAINS, defaultEmbeddingBlock, randomSample, type CalibrationSelection } from '../src/core/calib';
import { runSearch } from '../src/core/search';
import { domainCounts, poolCandidates, readBuiltInCorpus, selectCalibration } from '../src/cli/ccds-calibration';
import { embedWindows } from '../src/runtime/hidden-states';
import { createSplitEvaluator } from '../src/runtime/split-evaluator';
import { fmt, heldoutSets, log, openDemo } from './measure-common';

const { values: opt } = parseArgs({
  options: {
    samples: { type: 'string', default: '32' },
    'seq-len': { type: 'string', default: '128' },
    clusters: { type: 'string', default: '8' },
    k: { type: 'string', default: '4' },
    seeds: { type: 'string', default: '5' },
    heldout: { type: 'string', default: '8' },
    'heldout-len': { type: 'string', default: '256' },
    draws: { type: 'string', default: '10000' },
    out: { type: 'string', default: '/tmp/evop-measure' },
    runtime: { type: 'string', default: 'node' },
    threads: { type: 'string', default: '1' },
  },
});
const samples = Number(opt.samples);
const seqLen = Number(opt['seq-len']);
const clusters = Number(opt.clusters);
const k = Number(opt.k);
const seeds = Number(opt.seeds);
const outDir = opt.out!;
mkdirSync(outDir, { recursive: true });

interface Row {
  seed: number;
  calib: 'ccds' | 'random';
  domainsCovered: number;
  perDomain: Record<string, number>;
  drop: readonly number[];
  calibPpl: number;
  evaluations: number;
  heldout: Record<string, number>;
  mean: number;
  worst: number;
  worstDomain: string;
}

async function main() {
  const { backend, tokenizer, runner } = await openDemo(opt.runtime!, Number(opt.threads));
  const candidates = poolCandidates(readBuiltInCorpus('pool'), tokenizer, { seqLen });
  const block = defaultEmbeddingBlock(runner.blocks);
  let t = performance.now();
  const embeddings = await embedWindows(runner, candidates.map((c) => c.ids), block);
  log(`${backend}; ${candidates.length} candidates of ${seqLen} tokens embedded at block ${block} in ${fmt((performance.now() - t) / 1000, 1)} s`);

  // Coverage alone needs no model pass: many random draws, and CCDS over more seeds than EPPS runs.
  const draws = Number(opt.draws);
  const covered = (sel: CalibrationSelection) => Object.keys(domainCounts(sel.samples)).length;
  let randomMisses = 0;
  for (let s = 0; s < draws; s++) if (covered(randomSample(candidates, { samples, seed: s })) < BUILT_IN_DOMAINS.length) randomMisses++;
  const ccdsCoverage: number[] = [];
  for (let s = 0; s < 20; s++) ccdsCoverage.push(covered(selectCalibration(candidates, embeddings, { method: 'ccds', samples, clusters, seed: s })));
  log(`random ${samples} windows miss a domain in ${randomMisses} of ${draws} draws (${fmt((100 * randomMisses) / draws, 1)}%); CCDS (${clusters} clusters) domains covered over seeds 0..19: ${ccdsCoverage.join(' ')}`);

  const heldout = heldoutSets(tokenizer, Number(opt.heldout), Number(opt['heldout-len']));
  const heldoutEval = new Map([...heldout].map(([d, w]) => [d, createSplitEvaluator(runner, w)]));
  const dense: Record<string, number> = {};
  for (const [d, e] of heldoutEval) dense[d] = (await e.evaluate([{ drop: [] }]))[0]!.ppl;

  const rows: Row[] = [];
  const save = () => writeFileSync(join(outDir, 'measure-ccds.json'), JSON.stringify({ samples, seqLen, clusters, k, block, randomMisses, draws, ccdsCoverage, dense, rows }, null, 1));
  for (let seed = 0; seed < seeds; seed++) {
    for (const method of ['ccds', 'random'] as const) {
      const sel = selectCalibration(candidates, method === 'ccds' ? embeddings : undefined, { method, samples, clusters, seed });
      const windows = sel.samples.map((s) => candidates[s.window]!.ids);
      writeFileSync(join(outDir, `calib-${method}-${samples}x${seqLen}-seed${seed}.json`), JSON.stringify(windows));
      t = performance.now();
      const r = await runSearch('evo', createSplitEvaluator(runner, windows), { k }, { seed });
      const h: Record<string, number> = {};
      for (const [d, e] of heldoutEval) h[d] = (await e.evaluate([{ drop: r.drop }]))[0]!.ppl;
      const entries = Object.entries(h);
      const worst = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
      const row: Row = {
        seed,
        calib: method,
        domainsCovered: covered(sel),
        perDomain: domainCounts(sel.samples),
        drop: r.drop,
        calibPpl: r.ppl,
        evaluations: r.evaluations,
        heldout: h,
        mean: entries.reduce((s, [, v]) => s + v, 0) / entries.length,
        worst: worst[1],
        worstDomain: worst[0],
      };
      rows.push(row);
      save();
      log(`seed ${seed} ${method}: domains ${JSON.stringify(row.perDomain)} -> drop ${r.drop.join(',')} calib ${fmt(r.ppl, 3)}; held-out mean ${fmt(row.mean)} worst ${fmt(row.worst)} (${row.worstDomain}); ${fmt((performance.now() - t) / 1000, 0)} s`);
    }
  }
  console.log(report(rows, dense, randomMisses, draws, ccdsCoverage, block));
  await runner.release();
}

function report(rows: readonly Row[], dense: Record<string, number>, misses: number, draws: number, ccdsCoverage: readonly number[], block: number): string {
  const domains = Object.keys(dense);
  const lines = [
    `k=${k}, ${samples} x ${seqLen} calibration windows, CCDS with ${clusters} clusters (embedding: mean output of block ${block}), held-out ${opt.heldout} x ${opt['heldout-len']} per domain`,
    `dense held-out: ${domains.map((d) => `${d} ${fmt(dense[d]!)}`).join(', ')}`,
    '',
    `| seed | calib | domains in set | drop | calib ppl | ${domains.join(' | ')} | mean | worst |`,
    `|---|---|---|---|---|${domains.map(() => '---').join('|')}|---|---|`,
  ];
  for (const r of rows) {
    lines.push(`| ${r.seed} | ${r.calib} | ${r.domainsCovered} | ${r.drop.join(',')} | ${fmt(r.calibPpl, 3)} | ${domains.map((d) => fmt(r.heldout[d]!)).join(' | ')} | ${fmt(r.mean)} | ${fmt(r.worst)} (${r.worstDomain}) |`);
  }
  for (const m of ['ccds', 'random'] as const) {
    const rs = rows.filter((r) => r.calib === m);
    const avg = (f: (r: Row) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
    lines.push('', `${m}: mean held-out ppl ${fmt(avg((r) => r.mean))}, mean worst-domain ppl ${fmt(avg((r) => r.worst))}, max worst ${fmt(Math.max(...rs.map((r) => r.worst)))}; sets missing a domain ${rs.filter((r) => r.domainsCovered < BUILT_IN_DOMAINS.length).length} of ${rs.length}`);
  }
  const ccds = rows.filter((r) => r.calib === 'ccds');
  const wins = ccds.filter((c) => c.worst < rows.find((r) => r.calib === 'random' && r.seed === c.seed)!.worst).length;
  lines.push(`CCDS has the lower worst-domain ppl in ${wins} of ${ccds.length} seeds.`);
  lines.push(`random draws of ${samples} windows miss a domain in ${misses} of ${draws} (${fmt((100 * misses) / draws, 1)}%); CCDS covered ${ccdsCoverage.filter((c) => c === BUILT_IN_DOMAINS.length).length} of ${ccdsCoverage.length} seeds fully`);
  return lines.join('\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
