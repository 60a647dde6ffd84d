/**
 * Shared by the measurement scripts: the demo model on onnxruntime-node, and the held-out sets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutWindows, parseCorpusFile, parseCorpusIndex } from '../src/core/calib';
import { inspectModel } from '../src/core/onnx/inspect-model';
import { loadModelTokenizer } from '../src/cli/calibration';
import { builtInCorpusDir } from '../src/cli/ccds-calibration';
import { readModelFiles } from '../src/cli/model-files';
import { chooseRuntime, parseRuntimePreference } from '../src/cli/runtime-choice';
import { ort } from '../src/runtime/ort';
import { createSplitRunner } from '../src/runtime/split-runner';

export const DEMO_MODEL = 'public/models/demo/model.onnx';

export const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(11, 19), ...a);
export const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

/**
 * One intra-op thread per session, without spinning. src/runtime/session.ts already turns
 * spinning off for onnxruntime-node (spinning threads made every pass 4-6x slower on this shared
 * 2-core machine: a dense 16 x 128 pass took 2,320 ms spinning, 494 ms with one quiet thread);
 * one thread on top keeps a long measurement from competing with itself and with whatever else
 * runs, so its times are steadier. The numbers in the closing notes were measured this way.
 */
function limitThreads(threads: number): void {
  const sessions = ort().InferenceSession as unknown as { create: (bytes: unknown, options?: Record<string, unknown>) => Promise<unknown> };
  const create = sessions.create.bind(sessions);
  sessions.create = (bytes, options = {}) =>
    create(bytes, { ...options, intraOpNumThreads: threads, interOpNumThreads: 1, extra: { session: { 'intra_op.allow_spinning': '0' } } });
}

export async function openDemo(runtime: string, threads: number) {
  const choice = await chooseRuntime(parseRuntimePreference(runtime));
  if (threads > 0) limitThreads(threads);
  const disk = await readModelFiles(DEMO_MODEL);
  const inspected = await inspectModel(disk.bytes, { name: disk.name, files: disk.files });
  const tokenizer = loadModelTokenizer(DEMO_MODEL);
  const runner = await createSplitRunner(inspected, 'wasm');
  return { backend: choice.backend, tokenizer, runner };
}

/** Held-out windows per domain: `count` windows spread evenly over all of the domain's held-out text. */
export function heldoutSets(tokenizer: { encode(t: string): number[] }, count: number, len: number): Map<string, number[][]> {
  const dir = builtInCorpusDir();
  const index = parseCorpusIndex(JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')));
  const out = new Map<string, number[][]>();
  for (const d of index.domains) {
    const docs = parseCorpusFile(readFileSync(join(dir, d.heldout.file), 'utf8'), d.domain, d.heldout.file);
    const all = cutWindows(docs, tokenizer, { seqLen: len });
    out.set(d.domain, Array.from({ length: Math.min(count, all.length) }, (_, i) => all[Math.floor((i * all.length) / count)]!.ids));
  }
  return out;
}
