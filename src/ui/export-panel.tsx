import { useLab } from '../store';
import { fmtPpl } from './format';

export function ExportPanel() {
  const model = useLab((s) => s.model);
  const drop = useLab((s) => s.drop);
  const calibrated = useLab((s) => s.calibration.kind === 'ready');
  const downloadMask = useLab((s) => s.downloadMask);
  const exportModel = useLab((s) => s.exportModel);
  const exporting = useLab((s) => s.exporting);
  const error = useLab((s) => s.exportError);
  const verified = useLab((s) => s.verified);
  const result = useLab((s) => s.patternResult);
  if (model.kind !== 'ready') return null;
  const none = drop.length === 0;
  return (
    <section className="panel" aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <p className="hint">
        Exports the pattern on the block strip: removing [{drop.join(', ')}]
        {result && ` (perplexity ${fmtPpl(result.ppl)})`}.
      </p>
      <div className="controls">
        <button type="button" disabled={none} onClick={() => downloadMask('json')}>
          Mask (evop-mask/1)
        </button>
        <button type="button" disabled={none} onClick={() => downloadMask('sleb')}>
          SLEB removal_list
        </button>
        <button type="button" disabled={none} onClick={() => downloadMask('evopress')}>
          EvoPress drop config
        </button>
        <button type="button" disabled={none} onClick={() => downloadMask('llamacpp')}>
          llama.cpp --prune-layers
        </button>
      </div>
      <div className="controls">
        <button type="button" disabled={none || !calibrated || exporting} onClick={() => void exportModel()}>
          {exporting ? 'Exporting and verifying…' : 'Pruned model (.zip) + verify'}
        </button>
      </div>
      {verified && (
        <p
          data-testid="verified"
          data-ppl={verified.ppl}
          data-reported={verified.reported}
          data-drop={verified.drop.join(',')}
        >
          Verified: the exported file, loaded in a fresh session, scores <strong>{fmtPpl(verified.ppl)}</strong> on the
          calibration set; the lab reported {fmtPpl(verified.reported)} (relative difference{' '}
          {(Math.abs(verified.ppl - verified.reported) / verified.reported).toExponential(1)}).
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
