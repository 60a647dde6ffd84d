/** Read, detect and summarise in one call: what the CLI's `inspect` and the UI's file drop do. */
import { detectBlocks, type BlockMap } from './detect-blocks';
import { fingerprintModel } from './fingerprint';
import { readModel, type LoadedModel, type ReadOptions } from './read-model';
import { summarizeModel, type ModelSummary } from './summary';

export interface InspectedModel {
  readonly model: LoadedModel;
  readonly blocks: BlockMap;
  readonly summary: ModelSummary;
  readonly fingerprint: string;
}

export async function inspectModel(bytes: Uint8Array, options: ReadOptions = {}): Promise<InspectedModel> {
  const model = readModel(bytes, options);
  const blocks = detectBlocks(model.proto.graph!, model.name);
  const summary = summarizeModel(model, blocks);
  const fingerprint = await fingerprintModel(model);
  return { model, blocks, summary, fingerprint };
}
