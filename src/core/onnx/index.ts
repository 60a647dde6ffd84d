/** The ONNX core's public surface, for the runtime, workers and CLI. */
export { OnnxError, isOnnxError, type OnnxErrorCode } from './errors';
export type { FileSource, ExternalRef } from './external-data';
export { readModel, tensorBytes, type LoadedModel, type ReadOptions } from './read-model';
export { detectBlocks, type Block, type BlockMap } from './detect-blocks';
export { summarizeModel, type ModelSummary, type TensorIo } from './summary';
export { fingerprintModel } from './fingerprint';
export { inspectModel, type InspectedModel } from './inspect-model';
export { checkDrop, dropBlocks, type PruneResult } from './surgery';
export { pruneModel, type PrunedExport, type PruneOptions } from './prune-model';
export { dataFileName, writeModel, type WrittenModel } from './write-model';
export { rewriteConfig, type ConfigRewrite } from './config-rewrite';
export { emptyCacheDims, HIDDEN_IN, HIDDEN_OUT, splitModel, type SplitModel, type SplitPart } from './split';
export { LABELS, NLL_SUM, TOKEN_COUNT } from './loss-head';
