/** Surgery plus serialisation plus config rewrite: everything a pruned export consists of. */
import { rewriteConfig } from './config-rewrite';
import type { InspectedModel } from './inspect-model';
import { dropBlocks, type PruneResult } from './surgery';
import { dataFileName, writeModel, type WrittenModel } from './write-model';

export interface PrunedExport {
  readonly result: PruneResult;
  readonly files: WrittenModel;
  /** The rewritten config.json, when a config was given. */
  readonly config: Record<string, unknown> | null;
  readonly configChanged: readonly string[];
}

export interface PruneOptions {
  /** File name of the pruned .onnx (its external data gets `<name>_data`); default the source name. */
  readonly outName?: string;
  readonly config?: Record<string, unknown>;
}

export function pruneModel(inspected: InspectedModel, drop: readonly number[], options: PruneOptions = {}): PrunedExport {
  const { model, blocks } = inspected;
  const result = dropBlocks(model.proto, blocks, drop);
  const files = writeModel(model, result.proto, dataFileName(options.outName ?? model.name));
  const rewrite = options.config ? rewriteConfig(options.config, result.keep, blocks.blocks.length) : null;
  return { result, files, config: rewrite?.config ?? null, configChanged: rewrite?.changed ?? [] };
}
