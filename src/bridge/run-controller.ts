import type { SearchEvent, SearchResult } from '../core/search';

export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'cancelled' | 'error';

export interface RunHandlers {
  onEvent(event: SearchEvent): void;
  onDone(result: SearchResult): void;
  onStatus(status: RunStatus): void;
  onError(error: Error): void;
}

export interface RunController {
  readonly status: RunStatus;
  /** Pull generations until paused, done or reset. */
  play(): void;
  /** Stop after the generation in flight. */
  pause(): void;
  /** Run exactly one more generation (starting the run if needed). */
  step(): Promise<void>;
  /** Abort the run; a later play starts afresh. */
  reset(): void;
}

/**
 * Play / pause / step / reset over a search stream (an async generator of generations).
 * Pausing is simply not pulling the next generation, so the search core needs no notion of it;
 * reset aborts the evaluator call in flight through the signal the stream was started with.
 */
export function createRunController(
  start: (signal: AbortSignal) => AsyncGenerator<SearchEvent, SearchResult, void>,
  handlers: RunHandlers,
): RunController {
  let stream: AsyncGenerator<SearchEvent, SearchResult, void> | undefined;
  let abort: AbortController | undefined;
  let status: RunStatus = 'idle';
  let playing = false;
  let pulling: Promise<boolean> | undefined;

  const setStatus = (s: RunStatus) => {
    status = s;
    handlers.onStatus(s);
  };

  /** One generation; false when the run is over. */
  const pull = (): Promise<boolean> => {
    if (pulling) return pulling;
    if (!stream) {
      abort = new AbortController();
      stream = start(abort.signal);
    }
    const s = stream;
    const mine = abort;
    pulling = s
      .next()
      .then(
        (next) => {
          if (mine !== abort) return false; // reset while in flight
          if (next.done) {
            playing = false;
            setStatus('done');
            handlers.onDone(next.value);
            return false;
          }
          handlers.onEvent(next.value);
          return true;
        },
        (e: unknown) => {
          playing = false;
          if (mine !== abort || (e as Error)?.name === 'AbortError') {
            return false;
          }
          setStatus('error');
          handlers.onError(e instanceof Error ? e : new Error(String(e)));
          return false;
        },
      )
      .finally(() => {
        pulling = undefined;
      });
    return pulling;
  };

  const loop = async () => {
    while (playing && (await pull())) {
      /* keep pulling */
    }
    if (status === 'running') setStatus('paused');
  };

  return {
    get status() {
      return status;
    },
    play() {
      if (status === 'done' || status === 'running') return;
      playing = true;
      setStatus('running');
      void loop();
    },
    pause() {
      playing = false;
    },
    async step() {
      if (status === 'done' || status === 'running') return;
      setStatus('running');
      const more = await pull();
      // `status` may have changed while awaiting (reset, error).
      if (more && (status as RunStatus) === 'running') setStatus('paused');
    },
    reset() {
      playing = false;
      abort?.abort();
      abort = undefined;
      stream = undefined;
      pulling = undefined;
      setStatus('idle');
    },
  };
}
