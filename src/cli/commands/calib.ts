import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { inspectModel } from '../../core/onnx/inspect-model';
import { createSplitRunner } from '../../runtime/split-runner';
import { loadModelTokenizer } from '../calibration';
import { buildPoolCalibration, POOL_OPTIONS, readPoolCalibrationArgs } from '../ccds-calibration';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { readModelFiles } from '../model-files';
import { choiceOption } from '../number-options';
import { chooseRuntime, parseRuntimePreference } from '../runtime-choice';

export interface CalibSampleReport {
  readonly cluster: number;
  readonly domain: string;
  readonly file: string;
  readonly doc: number;
  readonly title?: string;
  readonly tokenOffset: number;
  readonly x: number;
  readonly y: number;
}

export interface CalibReport {
  readonly command: 'calib';
  readonly model: string;
  readonly out: string;
  readonly method: 'ccds' | 'random';
  readonly samples: number;
  readonly seqLen: number;
  readonly seed: number;
  readonly candidates: number;
  readonly pool: readonly string[] | 'built-in';
  /** Block whose mean output was the embedding (null: random sampling needs none). */
  readonly block: number | null;
  readonly clusters: number | null;
  readonly clusterSizes: readonly number[];
  readonly quotas: readonly number[];
  readonly perDomain: Record<string, number>;
  /** One entry per row of ids.json, in the same order. */
  readonly rows: readonly CalibSampleReport[];
  readonly explainedVariance: readonly [number, number];
  readonly backend: string;
  readonly ms: { readonly embed: number; readonly total: number };
}

export const calib = defineCommand<CalibReport>({
  name: 'calib',
  summary:
    "Choose calibration windows from the built-in pool (or --pool text files) by CCDS clustering on the model's hidden states, or at random; write ids.json.",
  usage:
    'evop calib <model.onnx> [--pool a.txt,b.txt ...] --samples 32 --seq-len 256 --method ccds|random [--clusters c] [--seed s] [--block b] ' +
    '[--per-document 4] [--allocation equal|proportional] --out ids.json [--runtime auto|node|wasm] [--json]',
  options: { ...POOL_OPTIONS, method: 'string', out: 'string', runtime: 'string', json: 'boolean' },
  async run(args) {
    const path = args.positionals[0];
    const out = args.options.out;
    if (!path)
      throw new CliError(
        'bad-args',
        'Give the model: evop calib <model.onnx> --samples n --seq-len s --method ccds --out ids.json.',
      );
    if (typeof out !== 'string')
      throw new CliError('bad-args', '--out <ids.json> is required: where to write the chosen windows.');
    const method = choiceOption(args, 'method', ['ccds', 'random'] as const, 'ccds');
    const options = readPoolCalibrationArgs(args, method);
    const pref = parseRuntimePreference(typeof args.options.runtime === 'string' ? args.options.runtime : undefined);

    const t0 = performance.now();
    const disk = await readModelFiles(path);
    if (resolve(out) === resolve(disk.path))
      throw new CliError('bad-args', `--out would overwrite the model ${disk.path}.`);
    const runtime = await chooseRuntime(pref, disk.files.size > 0);
    const tokenizer = loadModelTokenizer(disk.path);
    const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
    const runner = await createSplitRunner(inspected, 'wasm');
    try {
      const result = await buildPoolCalibration(runner, tokenizer, options);
      mkdirSync(dirname(resolve(out)), { recursive: true });
      // ids.json is the plain format every command reads: an array of equal-length arrays of ids.
      writeFileSync(out, `${JSON.stringify(result.windows)}\n`);
      const sel = result.selection;
      return {
        command: 'calib',
        model: disk.path,
        out: resolve(out),
        method,
        samples: options.samples,
        seqLen: options.seqLen,
        seed: options.seed,
        candidates: result.candidates.length,
        pool: options.pool ?? 'built-in',
        block: result.block,
        clusters: method === 'ccds' ? sel.clusterSizes.length : null,
        clusterSizes: sel.clusterSizes,
        quotas: sel.quotas,
        perDomain: result.perDomain,
        rows: sel.samples.map((s) => ({
          cluster: s.cluster,
          domain: s.source.domain,
          file: s.source.file,
          doc: s.source.doc,
          ...(s.source.title !== undefined ? { title: s.source.title } : {}),
          tokenOffset: s.source.tokenOffset,
          x: s.x,
          y: s.y,
        })),
        explainedVariance: sel.explainedVariance,
        backend: runtime.backend,
        ms: { embed: Math.round(result.embedMs), total: Math.round(performance.now() - t0) },
      };
    } finally {
      await runner.release();
    }
  },
  format(r) {
    const lines = [
      `Wrote ${r.samples} windows of ${r.seqLen} tokens to ${r.out} (${r.method}, seed ${r.seed}, from ${r.candidates} candidates of the ${r.pool === 'built-in' ? 'built-in pool' : r.pool.join(', ')}).`,
      `  per domain: ${Object.entries(r.perDomain)
        .map(([d, n]) => `${d} ${n}`)
        .join(', ')}`,
    ];
    if (r.clusters !== null) {
      lines.push(
        `  ${r.clusters} clusters of the block ${r.block} embeddings; sizes ${r.clusterSizes.join(' ')}; drawn ${r.quotas.join(' ')}`,
      );
    }
    lines.push(`  ${r.backend}: ${r.ms.embed} ms embedding, ${r.ms.total} ms in all`);
    return lines.join('\n');
  },
});
