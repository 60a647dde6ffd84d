import { inspectModel } from '../../core/onnx/inspect-model';
import { createSplitEvaluator } from '../../runtime/split-evaluator';
import { createSplitRunner } from '../../runtime/split-runner';
import { parseIntList } from '../args';
import { CALIBRATION_OPTIONS } from '../calibration';
import { calibrationFor, POOL_OPTIONS } from '../ccds-calibration';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { readModelFiles } from '../model-files';
import { chooseRuntime, parseRuntimePreference } from '../runtime-choice';

/** config.json's vocab_size, when there is one: ids beyond it would fail deep inside Gather. */
/** Checked here, not in the evaluator, so the user gets `bad-args` naming the flag. */
export function checkDrop(drop: readonly number[], blocks: number): number[] {
  for (const b of drop) {
    if (b >= blocks)
      throw new CliError(
        'bad-args',
        `--drop ${b} is out of range: the model has ${blocks} blocks, numbered 0..${blocks - 1}.`,
      );
  }
  const unique = [...new Set(drop)].sort((a, b) => a - b);
  if (unique.length >= blocks)
    throw new CliError('bad-args', `--drop removes all ${blocks} blocks; keep at least one.`);
  return unique;
}

export const evaluate = defineCommand({
  name: 'eval',
  summary: 'Calibration perplexity of the model with --drop blocks removed (split evaluator).',
  usage:
    'evop eval <model.onnx> [--drop 4,7] (--calib <file.txt> | --calib-ids <ids.json>) [--samples 32 --seq-len 256] [--calib-method first|random|ccds] [--runtime auto|node|wasm] [--json]',
  options: { drop: 'string', runtime: 'string', json: 'boolean', ...CALIBRATION_OPTIONS, ...POOL_OPTIONS },
  async run(args) {
    const path = args.positionals[0];
    if (!path)
      throw new CliError(
        'bad-args',
        'Give the model: evop eval <model.onnx> --calib <file.txt> | --calib-ids <ids.json>.',
      );
    const pref = parseRuntimePreference(typeof args.options.runtime === 'string' ? args.options.runtime : undefined);
    const dropArg = args.options.drop;
    const requested = typeof dropArg === 'string' ? parseIntList(dropArg, '--drop') : [];
    const t0 = performance.now();
    const disk = await readModelFiles(path);
    const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
    const drop = checkDrop(requested, inspected.blocks.blocks.length);
    const runtime = await chooseRuntime(pref, disk.files.size > 0);
    const runner = await createSplitRunner(inspected, 'wasm');
    try {
      // After the runtime is chosen, so a CCDS selection embeds on the same runtime.
      const calibration = await calibrationFor(args, disk.path, runner);
      const evaluator = createSplitEvaluator(runner, calibration.windows);
      const t1 = performance.now();
      // The runner also counts the CCDS embedding passes; report the evaluation's own.
      const passesBefore = runner.stats.blockPasses;
      const [r] = await evaluator.evaluate([{ drop }]);
      const t2 = performance.now();
      return {
        command: 'eval',
        model: disk.path,
        fingerprint: inspected.fingerprint,
        blocks: evaluator.blocks,
        drop: r!.drop,
        ppl: r!.ppl,
        nll: r!.nll,
        tokens: r!.tokens,
        windows: r!.windows,
        seqLen: evaluator.seqLen,
        calibration: calibration.source,
        backend: runtime.backend,
        blockPasses: runner.stats.blockPasses - passesBefore,
        /** The evaluation itself; `loadMs` is reading, splitting and session creation. */
        ms: Math.round(t2 - t1),
        loadMs: Math.round(t1 - t0),
      };
    } finally {
      await runner.release();
    }
  },
  format(r) {
    return [
      `perplexity ${r.ppl.toFixed(4)} (mean NLL ${r.nll.toFixed(5)}) over ${r.tokens} tokens`,
      `  dropped ${r.drop.join(',') || '(none)'} of ${r.blocks} blocks; ${r.windows} windows x ${r.seqLen} tokens from ${r.calibration}`,
      `  ${r.backend}: ${r.ms} ms evaluating, ${r.loadMs} ms loading`,
    ].join('\n');
  },
});
