import { spawnModelWorker, type ModelClient } from '../bridge/model-client';

/** The one evaluation worker of the page, spawned on first use. */
let client: ModelClient | undefined;
/** Counts replacements: a fault seen on an older worker than the current one needs no new one. */
let epoch = 0;

export function workerClient(): ModelClient {
  client ??= spawnModelWorker();
  return client;
}

export function workerEpoch(): number {
  return epoch;
}

/** Terminates a hung or crashed worker; the next call spawns a fresh one. */
export function replaceWorker(): void {
  client?.terminate();
  client = undefined;
  epoch++;
}
