import { useLab } from '../store';
import { fmtPpl } from './format';

/** Offers the unfinished search an earlier page saved (reload, closed tab, crash of the tab). */
export function ResumeBanner() {
  const saved = useLab((s) => s.savedRun);
  const error = useLab((s) => s.resumeError);
  const resume = useLab((s) => s.resumeSavedRun);
  const discard = useLab((s) => s.discardSavedRun);
  const loading = useLab((s) => s.model.kind === 'loading');
  if (!saved) return null;
  const { state, settings } = saved.search;
  const at = new Date(saved.savedAt).toLocaleString();
  return (
    <section
      className="panel notice resume"
      aria-labelledby="resume-title"
      data-testid="saved-run"
      data-generation={state.generation}
    >
      <h2 id="resume-title">Unfinished search</h2>
      <p>
        Saved {at}: EPPS removing {settings.k} of {saved.model.blocks} blocks of{' '}
        {saved.model.source === 'demo' ? 'the demo model' : saved.model.name}, generation {state.generation} of{' '}
        {settings.generations}, best perplexity {fmtPpl(state.best.ppl)} removing [{state.best.drop.join(', ')}].
        Resuming loads the model and the same calibration set and continues after that generation.
      </p>
      <div className="controls">
        <button type="button" onClick={() => void resume()} disabled={loading}>
          Resume search
        </button>
        <button type="button" onClick={() => void discard()} disabled={loading}>
          Discard
        </button>
        {saved.model.source === 'files' && (
          <label className="file-pick">
            Open the model files again
            <input
              type="file"
              multiple
              accept=".onnx,.onnx_data,.json,.data"
              data-testid="resume-files"
              onChange={(e) => {
                const files = [...(e.target.files ?? [])];
                if (files.length) void resume(files);
              }}
            />
          </label>
        )}
      </div>
      {error && (
        <p className="error" role="alert" data-testid="resume-error">
          {error}
        </p>
      )}
    </section>
  );
}
