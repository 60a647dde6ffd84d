import { inspectModel } from '../../core/onnx/inspect-model';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { readModelFiles } from '../model-files';

export interface BlockReport {
  readonly index: number;
  readonly parameters: number;
  readonly attention: boolean;
  readonly input: string;
  readonly cache: readonly string[];
}

export const inspect = defineCommand({
  name: 'inspect',
  summary: 'Read an ONNX decoder, find its blocks and print a summary with the fingerprint.',
  usage: 'evop inspect <model.onnx> [--json]',
  options: { json: 'boolean' },
  async run(args) {
    const path = args.positionals[0];
    if (!path) throw new CliError('bad-args', 'Give the model: evop inspect <model.onnx>.');
    const t0 = performance.now();
    const disk = await readModelFiles(path);
    const t1 = performance.now();
    const { summary, fingerprint, blocks } = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
    const t2 = performance.now();
    const perBlock: BlockReport[] = blocks.blocks.map((b) => ({
      index: b.index,
      parameters: summary.parameters.perBlock[b.index]!,
      attention: b.hasAttention,
      input: b.input,
      cache: [...b.pastInputs, ...b.presentOutputs],
    }));
    return {
      command: 'inspect',
      path: disk.path,
      fingerprint,
      ...summary,
      blockList: perBlock,
      ms: { read: Math.round(t1 - t0), analyse: Math.round(t2 - t1) },
    };
  },
  format(r) {
    const p = r.parameters;
    return [
      `${r.name}  fingerprint ${r.fingerprint}`,
      `  ${r.architecture}, ${r.blocks} blocks (found by ${r.blockDetection}${r.fusedNorms ? ', fused norms' : ''})`,
      `  parameters ${p.total.toLocaleString('en')} (${p.outsideBlocks.toLocaleString('en')} outside blocks)`,
      `  dtypes ${Object.entries(r.dtypes)
        .map(([k, v]) => `${k}:${v.toLocaleString('en')}`)
        .join(' ')}`,
      `  inputs ${r.inputs
        .filter((i) => !r.blockList.some((b) => b.cache.includes(i.name)))
        .map((i) => i.name)
        .join(', ')}`,
      `  kv cache ${r.kvCache.layout} (${r.kvCache.layers} layers)`,
      ...r.blockList.map(
        (b) => `  block ${String(b.index).padStart(3)}  ${b.parameters.toLocaleString('en').padStart(12)} params`,
      ),
    ].join('\n');
  },
});
