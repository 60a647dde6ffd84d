/**
 * Where an unfinished search survives a reload or a closed tab: its state after the last finished
 * generation in IndexedDB (plain JSON, small), and a model the user opened from files in the
 * origin-private file system (OPFS), so a resume does not have to ask for it again. Both stay on
 * this machine. Every function degrades to "nothing saved" where the browser lacks the API.
 */
import type { Backend } from '../core/env/backend';
import type { GenerationEvent, SavedSearch, SearchEvent } from '../core/search';
import type { CalibrationSettings } from '../store/calibration-slice';
import type { SearchSettings } from '../store/search-params';
import type { CalibrationInfo } from '../../workers/evaluate-api';

export interface SavedRun {
  readonly format: 'evop-saved-run/2';
  readonly savedAt: number;
  readonly model: {
    readonly source: 'demo' | 'files';
    readonly name: string;
    readonly fingerprint: string;
    readonly blocks: number;
    readonly backend: Backend;
  };
  readonly calibration: {
    /** The lab's calibration settings and source kind, restored as they were. */
    readonly settings: CalibrationSettings;
    readonly source: 'builtin' | 'user';
    /** With the chosen windows' token ids: the set is rebuilt from these, exactly. */
    readonly info: CalibrationInfo;
  };
  readonly search: {
    readonly settings: SearchSettings;
    /** The method's own state after its last finished generation or step (plain JSON). */
    readonly state: SavedSearch;
    /** The generation events so far (EPPS), so the charts come back as they were. */
    readonly generations: readonly GenerationEvent[];
    /** The last event, for the run's readout. */
    readonly lastStep: SearchEvent | null;
  };
}

const DB = 'evop-lab';
const STORE = 'runs';
const KEY = 'current';

function openDb(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
}

async function withStore<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | null> {
  const db = await openDb();
  if (!db) return null;
  try {
    return await new Promise<T | null>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = f(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result ?? null);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

// Writes go one after another, so a slow write never lands after a newer one.
let writes: Promise<unknown> = Promise.resolve();

/** Saves the run (replacing the previous one). Failures (quota, private mode) are reported, not thrown. */
export function saveRun(run: SavedRun): Promise<string | null> {
  const p = writes.then(() =>
    withStore('readwrite', (s) => s.put(run, KEY)).then(
      () => null,
      (e: unknown) => `The search could not be saved for a reload: ${(e as Error).message}`,
    ),
  );
  writes = p;
  return p;
}

export async function loadRun(): Promise<SavedRun | null> {
  await writes;
  try {
    const run = (await withStore('readonly', (s) => s.get(KEY) as IDBRequest<SavedRun | undefined>)) ?? null;
    return run?.format === 'evop-saved-run/2' ? run : null;
  } catch {
    return null;
  }
}

export function clearRun(): Promise<void> {
  const p = writes.then(() =>
    withStore('readwrite', (s) => s.delete(KEY)).then(
      () => undefined,
      () => undefined,
    ),
  );
  writes = p;
  return p;
}

async function modelDir(fingerprint: string, create: boolean): Promise<FileSystemDirectoryHandle | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.getDirectory) return null;
  try {
    const root = await storage.getDirectory();
    const models = await root.getDirectoryHandle('models', { create });
    return await models.getDirectoryHandle(fingerprint, { create });
  } catch {
    return null;
  }
}

/**
 * Copies the files of an opened model into OPFS (once per fingerprint; older models are removed,
 * so one model at a time takes space). Returns false where OPFS is missing or full.
 */
export async function keepModelFiles(fingerprint: string, files: readonly File[]): Promise<boolean> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.getDirectory) return false;
  try {
    const { quota = 0, usage = 0 } = await storage.estimate();
    const bytes = files.reduce((s, f) => s + f.size, 0);
    const root = await storage.getDirectory();
    const models = await root.getDirectoryHandle('models', { create: true });
    for await (const name of (models as unknown as { keys(): AsyncIterable<string> }).keys()) {
      if (name !== fingerprint) await models.removeEntry(name, { recursive: true });
    }
    if (quota - usage < bytes * 1.1) return false;
    const dir = await models.getDirectoryHandle(fingerprint, { create: true });
    for (const f of files) {
      const existing = await dir.getFileHandle(f.name).then(
        (h) => h.getFile(),
        () => null,
      );
      if (existing && existing.size === f.size) continue;
      const h = await dir.getFileHandle(f.name, { create: true });
      const w = await h.createWritable();
      await w.write(f);
      await w.close();
    }
    const complete = await dir.getFileHandle('.complete', { create: true });
    const w = await complete.createWritable();
    await w.write(files.map((f) => f.name).join('\n'));
    await w.close();
    return true;
  } catch {
    return false;
  }
}

/** The files kept for `fingerprint`, or null when they are not (all) there. */
export async function keptModelFiles(fingerprint: string): Promise<File[] | null> {
  const dir = await modelDir(fingerprint, false);
  if (!dir) return null;
  try {
    const names = (await (await dir.getFileHandle('.complete')).getFile().then((f) => f.text())).split('\n');
    return await Promise.all(names.map(async (n) => (await dir.getFileHandle(n)).getFile()));
  } catch {
    return null;
  }
}
