import { useLab } from '../store';
import { fmtPpl, METHOD_LABEL } from './format';

/** The model's blocks; click (or Enter/Space) to remove or restore one and see the perplexity change. */
export function BlockStrip() {
  const model = useLab((s) => s.model);
  const drop = useLab((s) => s.drop);
  const toggle = useLab((s) => s.toggleBlock);
  const setDrop = useLab((s) => s.setDrop);
  const result = useLab((s) => s.patternResult);
  const dense = useLab((s) => s.denseResult);
  const busy = useLab((s) => s.patternBusy);
  const error = useLab((s) => s.patternError);
  const calibrated = useLab((s) => s.calibration.kind === 'ready');
  const runs = useLab((s) => s.runs);
  if (model.kind !== 'ready') return null;
  const L = model.model.blocks;
  // The latest pick of each method, shown as marks on the strip.
  const picks = new Map<string, readonly number[]>();
  for (const r of runs) picks.set(r.method, r.drop);
  const change = result && dense ? (result.ppl / dense.ppl - 1) * 100 : null;

  return (
    <section className="panel wide" aria-labelledby="strip-title">
      <h2 id="strip-title">Blocks</h2>
      <p className="hint">
        Click a block to remove it (click again to restore). Perplexity is measured on the calibration set.
      </p>
      <div className="strip" role="group" aria-label="Transformer blocks">
        {Array.from({ length: L }, (_, b) => {
          const removed = drop.includes(b);
          const marks = [...picks.entries()].filter(([, d]) => d.includes(b)).map(([m]) => m);
          return (
            <button
              key={b}
              type="button"
              className={`block${removed ? ' removed' : ''}`}
              aria-pressed={removed}
              aria-label={`Block ${b}${removed ? ', removed' : ''}${marks.length ? `, picked by ${marks.join(', ')}` : ''}`}
              data-block={b}
              disabled={!calibrated}
              onClick={() => void toggle(b)}
            >
              <span className="block-id">{b}</span>
              <span className="marks" aria-hidden="true">
                {marks.map((m) => (
                  <span key={m} className={`mark mark-${m}`} title={METHOD_LABEL[m]} />
                ))}
              </span>
            </button>
          );
        })}
      </div>
      <div className="strip-readout" aria-live="polite">
        <span data-testid="pattern-ppl" data-ppl={result?.ppl ?? ''} data-drop={drop.join(',')} data-busy={busy}>
          Perplexity <strong>{fmtPpl(result?.ppl)}</strong>
        </span>{' '}
        <span>
          dense {fmtPpl(dense?.ppl)}
          {change !== null && drop.length > 0 && ` (${change >= 0 ? '+' : ''}${change.toFixed(1)}%)`}
        </span>{' '}
        <span>
          · {drop.length} of {L} removed ({Math.round((drop.length / L) * 100)}% sparsity){busy && ' · scoring…'}
        </span>
        {drop.length > 0 && (
          <button type="button" className="link" onClick={() => void setDrop([])}>
            Restore all
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
