/**
 * What the resumable search states share: the check that a saved state belongs to the loaded
 * model and calibration set, and the plumbing that gives a search generator its `saveState()`.
 */
import type { Evaluator } from '../evaluate/evaluator';
import { SearchError, type SearchEvent, type SearchResult } from './result';

/** A search stream that can be saved between pulls and continued later by its `resume…` function. */
export type ResumableRun<E extends SearchEvent, S> = AsyncGenerator<E, SearchResult, void> & {
  /** The state after the last event the consumer received (plain JSON). */
  saveState(): S;
};

export function attachSaveState<E extends SearchEvent, S>(
  run: AsyncGenerator<E, SearchResult, void>,
  save: () => S,
): ResumableRun<E, S> {
  return Object.assign(run, { saveState: save });
}

interface SavedShape {
  readonly format: string;
  readonly blocks: number;
  readonly windows: number;
}

/**
 * Refuses a state of another format (`what` names the search for the message) or one saved
 * against a model or calibration set of another shape.
 */
export function checkSavedShape(state: SavedShape, format: string, what: string, evaluator: Evaluator): void {
  if (state === null || typeof state !== 'object' || state.format !== format) {
    const found = state !== null && typeof state === 'object' ? String(state.format) : String(state);
    throw new SearchError('bad-state', `not a saved ${what} (format "${found}")`);
  }
  if (state.blocks !== evaluator.blocks || state.windows !== evaluator.windows) {
    throw new SearchError(
      'bad-state',
      `the saved search was run on ${state.blocks} blocks and ${state.windows} calibration windows, ` +
        `but the loaded model and calibration set have ${evaluator.blocks} and ${evaluator.windows}; ` +
        'load the same model and calibration set to resume',
    );
  }
}

/** A whole number in [min, max], or a 'bad-state' error naming the field. */
export function checkSavedCount(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SearchError('bad-state', `the saved search is damaged: ${name} is ${value}, expected ${min} to ${max}`);
  }
}
