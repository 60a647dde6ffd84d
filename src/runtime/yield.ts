/**
 * Lets queued events run (an abort message, a progress request). onnxruntime-web's wasm run can
 * settle through microtasks alone, so a loop of runs never sees a timer or a worker message
 * unless it yields a macrotask now and then.
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });
}
