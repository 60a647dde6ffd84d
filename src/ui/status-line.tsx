import { useLab } from '../store';

/** One sentence about what the lab is doing, announced to screen readers as it changes. */
export function StatusLine() {
  const text = useLab((s) => {
    if (s.model.kind === 'loading') return 'Loading the model…';
    if (s.model.kind === 'error') return `The model did not load: ${s.model.error.message}`;
    if (s.model.kind === 'empty') return 'No model loaded. Press "Load demo model" to start.';
    if (s.calibration.kind === 'building') return 'Building the calibration set…';
    if (s.runStatus === 'running') {
      const last = s.lastStep;
      return last?.type === 'generation'
        ? `Searching: generation ${last.generation}, best perplexity ${last.best.ppl.toFixed(2)}.`
        : 'Searching…';
    }
    if (s.runStatus === 'paused') return 'Search paused. Press Space to resume or → to step.';
    if (s.runStatus === 'done' && s.runResult)
      return `Search finished: remove [${s.runResult.drop.join(', ')}], perplexity ${s.runResult.ppl.toFixed(2)}.`;
    if (s.calibration.kind === 'ready') return 'Ready: click blocks to remove them, or press Space to run the search.';
    return 'Model loaded.';
  });
  return (
    <p className="status-line" role="status" aria-live="polite" data-testid="status-line">
      {text}
    </p>
  );
}
