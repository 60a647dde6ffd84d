import { spawnModelWorker, type ModelClient } from '../bridge/model-client';

/** The one evaluation worker of the page, spawned on first use. */
let client: ModelClient | undefined;

export function workerClient(): ModelClient {
  client ??= spawnModelWorker();
  return client;
}

/** Terminates a hung or crashed worker; the next call spawns a fresh one. */
export function replaceWorker(): void {
  client?.terminate();
  client = undefined;
}
