import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { useLab } from '../store';
import type { CalibrationStatus } from '../store/calibration-slice';
import { DOMAIN_COLOURS } from './format';

function progressLabel(c: CalibrationStatus): string {
  if (c.kind !== 'building' || !c.progress) return 'Preparing…';
  const p = c.progress;
  switch (p.type) {
    case 'corpus':
      return `Reading the corpus (${p.loaded}/${p.total} domains)…`;
    case 'tokenize':
      return `Cut ${p.windows} candidate windows…`;
    case 'split':
      return `Splitting the model into ${p.blocks} block sessions…`;
    case 'embed':
      return `Embedding candidates with the model (${p.done}/${p.total})…`;
    case 'ready':
      return 'Ready';
  }
}

export function CalibrationPanel() {
  const model = useLab((s) => s.model);
  const settings = useLab((s) => s.calibrationSettings);
  const setSettings = useLab((s) => s.setCalibrationSettings);
  const calibrate = useLab((s) => s.calibrate);
  const cal = useLab((s) => s.calibration);
  const calError = useLab((s) => s.calibrationError);
  const running = useLab((s) => s.runStatus === 'running');
  const source = useLab((s) => s.calibrationSource);
  const userText = useLab((s) => s.userText);
  const setSource = useLab((s) => s.setCalibrationSource);
  if (model.kind !== 'ready') return null;
  const num = (v: string, min: number, max: number) => Math.max(min, Math.min(max, Math.round(Number(v) || min)));

  return (
    <section className="panel" aria-labelledby="cal-title">
      <h2 id="cal-title">Calibration</h2>
      <p className="hint">
        Windows drawn from the built-in pool of six public-domain domains (see{' '}
        <a href="corpus/PROVENANCE.md">provenance</a>). CCDS clusters candidates by the model&apos;s own hidden states
        and draws from every cluster.
      </p>
      <form
        className="settings"
        onSubmit={(e) => {
          e.preventDefault();
          void calibrate();
        }}
      >
        <label>
          Text
          <select
            data-testid="cal-source"
            value={source}
            onChange={(e) => setSource(e.target.value as 'builtin' | 'user')}
          >
            <option value="builtin">Built-in pool (6 domains)</option>
            <option value="user">Your text</option>
          </select>
        </label>
        <label>
          Method
          <select
            value={settings.method}
            onChange={(e) => setSettings({ method: e.target.value as 'ccds' | 'random' })}
          >
            <option value="ccds">CCDS (clustered)</option>
            <option value="random">Random</option>
          </select>
        </label>
        <label>
          Samples
          <input
            type="number"
            min={1}
            max={64}
            value={settings.samples}
            onChange={(e) => setSettings({ samples: num(e.target.value, 1, 64) })}
          />
        </label>
        <label>
          Tokens per sample
          <input
            type="number"
            min={16}
            max={512}
            step={16}
            value={settings.seqLen}
            onChange={(e) => setSettings({ seqLen: num(e.target.value, 16, 512) })}
          />
        </label>
        {settings.method === 'ccds' && (
          <label>
            Clusters
            <input
              type="number"
              min={1}
              max={64}
              value={settings.clusters}
              onChange={(e) => setSettings({ clusters: num(e.target.value, 1, 64) })}
            />
          </label>
        )}
        <label>
          Seed
          <input
            type="number"
            value={settings.seed}
            onChange={(e) => setSettings({ seed: num(e.target.value, 0, 2 ** 31 - 1) })}
          />
        </label>
        <button type="submit" disabled={running}>
          Build calibration set
        </button>
      </form>
      {source === 'user' && (
        <div className="user-text">
          <label htmlFor="user-text">Paste text (or open a .txt, .md, .jsonl or .csv file)</label>
          <textarea
            id="user-text"
            rows={4}
            value={typeof userText?.input === 'string' && !userText.fileName ? userText.input : ''}
            placeholder={
              userText?.fileName
                ? `Using ${userText.fileName}`
                : 'Paste a few paragraphs of the text your model should stay good at…'
            }
            onChange={(e) => setSource('user', e.target.value ? { input: e.target.value } : null)}
          />
          <div className="controls">
            <input
              type="file"
              accept=".txt,.md,.jsonl,.csv,text/plain"
              aria-label="Open a text file"
              data-testid="user-text-file"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                if (f)
                  setSource('user', {
                    input: new Uint8Array(await f.arrayBuffer()),
                    fileName: f.name,
                    ...(userText?.field ? { field: userText.field } : {}),
                  });
              }}
            />
            <label>
              JSONL field / CSV column
              <input
                value={userText?.field ?? ''}
                placeholder="text"
                onChange={(e) =>
                  userText &&
                  setSource('user', {
                    ...userText,
                    ...(e.target.value ? { field: e.target.value } : { field: undefined }),
                  })
                }
              />
            </label>
          </div>
        </div>
      )}
      {cal.kind === 'building' && <p aria-live="polite">{progressLabel(cal)}</p>}
      {cal.kind === 'error' && (
        <p className="error" role="alert">
          {cal.error.message}
        </p>
      )}
      {calError && cal.kind === 'ready' && (
        <p className="error" role="alert" data-testid="calibration-error">
          {calError.message}
        </p>
      )}
      {cal.kind === 'ready' && (
        <>
          <p data-testid="calibration-ready" data-windows={cal.info.windows}>
            {cal.info.windows} windows × {cal.info.seqLen} tokens ({cal.info.tokens.toLocaleString()} predicted tokens),{' '}
            {cal.info.method === 'ccds' ? 'CCDS' : 'random'} from {cal.info.candidates} candidates:{' '}
            {Object.entries(cal.info.domains)
              .map(([d, n]) => `${d} ${n}`)
              .join(', ')}
            .
          </p>
          <figure className="chart" aria-label="Candidate windows in the model's embedding space">
            <ResponsiveContainer width="100%" height={220}>
              <ScatterChart margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis type="number" dataKey="x" name="PC1" tick={false} />
                <YAxis type="number" dataKey="y" name="PC2" tick={false} width={10} />
                <ZAxis type="number" dataKey="size" range={[20, 120]} />
                <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
                {Object.keys(DOMAIN_COLOURS).map((d) => {
                  const pts = cal.info.points
                    .filter((p) => p.domain === d)
                    .map((p) => ({ ...p, size: p.chosen ? 120 : 20 }));
                  return pts.length ? (
                    <Scatter key={d} name={d} data={pts} fill={DOMAIN_COLOURS[d]} isAnimationActive={false} />
                  ) : null;
                })}
              </ScatterChart>
            </ResponsiveContainer>
            <figcaption>
              Candidates by domain (colour), projected from{' '}
              {cal.info.method === 'ccds'
                ? "the model's hidden states"
                : 'token histograms (random sampling runs no model pass)'}
              ; chosen samples drawn large.{' '}
              {Object.entries(DOMAIN_COLOURS)
                .filter(([d]) => cal.info.points.some((p) => p.domain === d))
                .map(([d, c]) => (
                  <span key={d} className="legend">
                    <span className="swatch" style={{ background: c }} />
                    {d}
                  </span>
                ))}
            </figcaption>
          </figure>
        </>
      )}
    </section>
  );
}
