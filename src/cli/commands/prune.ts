import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fingerprintModel } from '../../core/onnx/fingerprint';
import { inspectModel } from '../../core/onnx/inspect-model';
import { pruneModel } from '../../core/onnx/prune-model';
import { parseIntList } from '../args';
import { defineCommand } from '../command';
import { CliError } from '../cli-error';
import { readJsonFile, readModelFiles, writeParts } from '../model-files';

/** `--out x.onnx` names the file; anything else is a folder that receives model + config.json. */
function outputPaths(out: string, modelName: string): { model: string; config: string; dir: string } {
  if (out.endsWith('.onnx')) {
    const dir = dirname(out);
    return { model: out, config: join(dir, `${basename(out, '.onnx')}.config.json`), dir };
  }
  return { model: join(out, modelName), config: join(out, 'config.json'), dir: out };
}

/** config.json next to the model, or `<stem>.config.json` as the test fixtures name theirs. */
function findConfig(modelPath: string): string | null {
  const candidates = [join(dirname(modelPath), 'config.json'), modelPath.replace(/\.onnx$/, '.config.json')];
  return candidates.find((c) => existsSync(c)) ?? null;
}

export const prune = defineCommand({
  name: 'prune',
  summary: 'Remove blocks and write a pruned model that loads anywhere onnxruntime does.',
  usage: 'evop prune <model.onnx> --drop 3,7 --out <dir or file.onnx> [--config config.json] [--json]',
  options: { drop: 'string', out: 'string', config: 'string', json: 'boolean' },
  async run(args) {
    const path = args.positionals[0];
    const { drop: dropText, out, config: configArg } = args.options;
    if (!path || typeof dropText !== 'string' || typeof out !== 'string') {
      throw new CliError(
        'bad-args',
        'Usage: evop prune <model.onnx> --drop 3,7 --out <dir or file.onnx> [--config config.json].',
      );
    }
    const drop = parseIntList(dropText, '--drop');
    const t0 = performance.now();
    const disk = await readModelFiles(path);
    const paths = outputPaths(out, disk.name);
    if (resolve(paths.model) === resolve(disk.path)) {
      throw new CliError('bad-args', `--out would overwrite the source model ${disk.path}; write somewhere else.`);
    }
    const configPath = typeof configArg === 'string' ? configArg : findConfig(disk.path);
    const config = configPath ? readJsonFile(configPath, 'the model config') : undefined;
    if (configPath && resolve(paths.config) === resolve(configPath)) {
      throw new CliError('bad-args', `--out would overwrite ${configPath}; choose another output folder.`);
    }
    const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
    const pruned = pruneModel(inspected, drop, { outName: basename(paths.model), config });
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(paths.model, pruned.files.onnx);
    const dataPath = pruned.files.dataName ? join(dirname(paths.model), pruned.files.dataName) : null;
    if (dataPath) await writeParts(dataPath, pruned.files.dataParts);
    if (pruned.config) writeFileSync(paths.config, `${JSON.stringify(pruned.config, null, 2)}\n`);
    const prunedFingerprint = await fingerprintModel(inspected.model, pruned.result.proto);
    return {
      command: 'prune',
      source: { path: disk.path, fingerprint: inspected.fingerprint, blocks: inspected.summary.blocks },
      drop: pruned.result.drop,
      keep: pruned.result.keep,
      blocks: pruned.result.keep.length,
      fingerprint: prunedFingerprint,
      out: {
        model: paths.model,
        data: dataPath,
        config: pruned.config ? paths.config : null,
        bytes: pruned.files.onnx.byteLength + pruned.files.dataBytes,
      },
      configSource: configPath,
      configChanged: pruned.configChanged,
      renamedCacheTensors: pruned.result.renamed.size,
      ms: Math.round(performance.now() - t0),
    };
  },
  format(r) {
    const lines = [
      `Removed blocks ${r.drop.join(',') || '(none)'} of ${r.source.blocks}: ${r.blocks} blocks left.`,
      `  wrote ${r.out.model}${r.out.data ? ` + ${r.out.data}` : ''} (${r.out.bytes.toLocaleString('en')} bytes)`,
    ];
    if (r.out.config) lines.push(`  wrote ${r.out.config} (${r.configChanged.join(', ')})`);
    lines.push(`  fingerprint ${r.fingerprint}`);
    return lines.join('\n');
  },
});
