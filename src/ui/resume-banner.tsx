import { useLab } from '../store';
import { fmtPpl, METHOD_LABEL } from './format';

/** Offers the unfinished search an earlier page saved (reload, closed tab, crash of the tab). */
export function ResumeBanner() {
  const saved = useLab((s) => s.savedRun);
  const error = useLab((s) => s.resumeError);
  const resume = useLab((s) => s.resumeSavedRun);
  const discard = useLab((s) => s.discardSavedRun);
  const loading = useLab((s) => s.model.kind === 'loading');
  if (!saved) return null;
  const { state, settings, lastStep } = saved.search;
  const at = new Date(saved.savedAt).toLocaleString();
  const epps = state.format === 'evop-epps-state/1';
  /** Generation (EPPS) or step (the others) after which the state was saved. */
  const done = epps ? state.generation : lastStep?.type === 'step' ? lastStep.step : 0;
  const progress = epps
    ? `generation ${done} of ${settings.generations}`
    : lastStep?.type === 'step'
      ? `step ${lastStep.step} of ${lastStep.steps}`
      : 'not started';
  return (
    <section
      className="panel notice resume"
      aria-labelledby="resume-title"
      data-testid="saved-run"
      data-method={settings.method}
      data-fingerprint={saved.model.fingerprint}
      data-generation={done}
    >
      <h2 id="resume-title">Unfinished search</h2>
      <p>
        Saved {at}: {METHOD_LABEL[settings.method]} removing {settings.k} of {saved.model.blocks} blocks of{' '}
        {saved.model.source === 'demo' ? 'the demo model' : saved.model.name}, {progress}
        {state.best && (
          <>
            , best perplexity {fmtPpl(state.best.ppl)} removing [{state.best.drop.join(', ')}]
          </>
        )}
        . Resuming loads the model and the same calibration set and continues from there.
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
