import { SEARCH_METHODS, type SearchMethod } from '../core/search';
import { useLab } from '../store';
import { fmtDuration, fmtPpl, METHOD_LABEL } from './format';

export function SearchPanel() {
  const model = useLab((s) => s.model);
  const calibrated = useLab((s) => s.calibration.kind === 'ready');
  const settings = useLab((s) => s.searchSettings);
  const setSettings = useLab((s) => s.setSearchSettings);
  const status = useLab((s) => s.runStatus);
  const last = useLab((s) => s.lastStep);
  const result = useLab((s) => s.runResult);
  const error = useLab((s) => s.runError);
  const play = useLab((s) => s.play);
  const pause = useLab((s) => s.pause);
  const step = useLab((s) => s.step);
  const reset = useLab((s) => s.resetSearch);
  const setDrop = useLab((s) => s.setDrop);
  const faults = useLab((s) => s.faults);
  const recovering = useLab((s) => s.recovering);
  const saveError = useLab((s) => s.saveError);
  const savedGeneration = useLab((s) => s.savedGeneration);
  if (model.kind !== 'ready') return null;
  const L = model.model.blocks;
  const running = status === 'running';
  const locked = running || status === 'paused';
  const num = (v: string, min: number, max: number) => Math.max(min, Math.min(max, Math.round(Number(v) || min)));

  let eta: number | null = null;
  if (last && running) {
    if (last.type === 'generation' && last.generation > 0) {
      const byGen = (last.elapsedMs / last.generation) * (settings.generations - last.generation);
      const byBudget =
        last.evaluations > 0 ? (last.elapsedMs / last.evaluations) * (settings.budget - last.evaluations) : Infinity;
      eta = Math.max(0, Math.min(byGen, byBudget));
    } else if (last.type === 'step' && last.step > 0) {
      eta = (last.elapsedMs / last.step) * (last.steps - last.step);
    }
  }

  return (
    <section className="panel" aria-labelledby="search-title">
      <h2 id="search-title">Search</h2>
      <form className="settings" onSubmit={(e) => e.preventDefault()}>
        <label>
          Method
          <select
            disabled={locked}
            value={settings.method}
            onChange={(e) => setSettings({ method: e.target.value as SearchMethod })}
          >
            {SEARCH_METHODS.map((m) => (
              <option key={m} value={m}>
                {METHOD_LABEL[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Blocks to remove
          <input
            type="number"
            min={1}
            max={L - 1}
            disabled={locked}
            value={settings.k}
            onChange={(e) => setSettings({ k: num(e.target.value, 1, L - 1) })}
          />
          <span className="unit">{Math.round((settings.k / L) * 100)}% sparsity</span>
        </label>
        {settings.method === 'evo' && (
          <>
            <label>
              Population
              <input
                type="number"
                min={4}
                max={128}
                disabled={locked}
                value={settings.population}
                onChange={(e) => setSettings({ population: num(e.target.value, 4, 128) })}
              />
            </label>
            <label>
              Generations
              <input
                type="number"
                min={1}
                max={500}
                disabled={locked}
                value={settings.generations}
                onChange={(e) => setSettings({ generations: num(e.target.value, 1, 500) })}
              />
            </label>
            <label className="check">
              <input
                type="checkbox"
                disabled={locked}
                checked={settings.staged}
                onChange={(e) => setSettings({ staged: e.target.checked })}
              />
              Staged selection
            </label>
          </>
        )}
        {(settings.method === 'evo' || settings.method === 'random') && (
          <label>
            Budget (evaluations)
            <input
              type="number"
              min={1}
              max={100000}
              disabled={locked}
              value={settings.budget}
              onChange={(e) => setSettings({ budget: num(e.target.value, 1, 100000) })}
            />
          </label>
        )}
        <label>
          Seed
          <input
            type="number"
            disabled={locked}
            value={settings.seed}
            onChange={(e) => setSettings({ seed: num(e.target.value, 0, 2 ** 31 - 1) })}
          />
        </label>
      </form>
      <div className="controls" role="toolbar" aria-label="Run controls">
        {running ? (
          <button type="button" onClick={pause} aria-keyshortcuts="Space">
            Pause
          </button>
        ) : (
          <button type="button" onClick={play} disabled={!calibrated} aria-keyshortcuts="Space">
            {status === 'paused' ? 'Resume' : 'Play'}
          </button>
        )}
        <button
          type="button"
          onClick={() => void step()}
          disabled={!calibrated || running}
          aria-keyshortcuts="ArrowRight"
        >
          Step
        </button>
        <button type="button" onClick={reset} disabled={status === 'idle'} aria-keyshortcuts="R">
          Reset
        </button>
      </div>
      <p
        className="run-readout"
        data-testid="run-status"
        data-status={status}
        data-generation={last?.type === 'generation' ? last.generation : ''}
      >
        {status === 'idle' && 'Ready to run.'}
        {status !== 'idle' && last && (
          <>
            {last.type === 'generation' ? `Generation ${last.generation}` : `Step ${last.step} of ${last.steps}`} ·{' '}
            {last.evaluations.toFixed(1)} evaluations · {fmtDuration(last.elapsedMs)} elapsed
            {eta !== null && ` · about ${fmtDuration(eta)} left`}
            {last.best && ` · best ${fmtPpl(last.best.ppl)} removing [${last.best.drop.join(', ')}]`}
          </>
        )}
        {status === 'running' && !last && 'Starting…'}
      </p>
      {savedGeneration !== null && (status === 'running' || status === 'paused' || status === 'error') && (
        <p className="hint" data-testid="run-saved" data-generation={savedGeneration}>
          Kept on this machine after {settings.method === 'evo' ? 'generation' : 'step'} {savedGeneration}: a reload or
          a closed tab can resume from there.
        </p>
      )}
      {result && (
        <p
          data-testid="run-result"
          data-ppl={result.ppl}
          data-drop={result.drop.join(',')}
          data-evaluations={result.evaluations}
        >
          {METHOD_LABEL[result.method]} removes <strong>[{result.drop.join(', ')}]</strong>: perplexity{' '}
          <strong>{fmtPpl(result.ppl)}</strong> after {result.evaluations.toFixed(1)} evaluations (
          {fmtDuration(result.ms)}, stopped: {result.stopReason}).{' '}
          <button type="button" className="link" onClick={() => void setDrop([...result.drop])}>
            Show on the strip
          </button>
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          The search stopped: {error}
        </p>
      )}
      {recovering && (
        <p className="notice" role="status" data-testid="recovering">
          {recovering}
        </p>
      )}
      {faults.length > 0 && (
        <div className="notice" data-testid="fault-log" data-count={faults.length}>
          <p>
            The search survived {faults.length} fault{faults.length === 1 ? '' : 's'}; each time a fresh worker reloaded
            the model and the same calibration set, and the batch in flight was scored again:
          </p>
          <ul>
            {faults.map((f) => (
              <li key={f.at} data-kind={f.kind}>
                {new Date(f.at).toLocaleTimeString()}: {f.message} (continued on {f.backend})
              </li>
            ))}
          </ul>
        </div>
      )}
      {saveError && <p className="error">{saveError}</p>}
    </section>
  );
}
