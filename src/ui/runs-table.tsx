import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useLab } from '../store';
import { fmtDuration, fmtPpl, METHOD_LABEL } from './format';

const METHOD_COLOURS: Record<string, string> = {
  evo: '#0072B2',
  shortgpt: '#E69F00',
  sleb: '#009E73',
  random: '#CC79A7',
  brute: '#000000',
  last: '#D55E00',
};

/** Every finished run on this calibration set, and perplexity against blocks removed. */
export function RunsTable() {
  const runs = useLab((s) => s.runs);
  const setDrop = useLab((s) => s.setDrop);
  if (runs.length === 0) return null;
  const ks = new Set(runs.map((r) => r.k));
  return (
    <section className="panel wide" aria-labelledby="runs-title">
      <h2 id="runs-title">Methods compared</h2>
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            <th scope="col">Method</th>
            <th scope="col">Removed</th>
            <th scope="col">Blocks</th>
            <th scope="col">Perplexity</th>
            <th scope="col">Evaluations</th>
            <th scope="col">Time</th>
            <th scope="col">Seed</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {[...runs]
            .sort((a, b) => a.k - b.k || a.ppl - b.ppl)
            .map((r) => (
              <tr key={r.id} data-method={r.method} data-ppl={r.ppl}>
                <td>{METHOD_LABEL[r.method]}</td>
                <td>{r.k}</td>
                <td>[{r.drop.join(', ')}]</td>
                <td>{fmtPpl(r.ppl)}</td>
                <td>{r.evaluations.toFixed(1)}</td>
                <td>{fmtDuration(r.ms)}</td>
                <td>{r.seed}</td>
                <td>
                  <button type="button" className="link" onClick={() => void setDrop([...r.drop])}>
                    Show
                  </button>
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {ks.size > 1 && (
        <figure className="chart">
          <figcaption>Perplexity against blocks removed (lower left is better)</figcaption>
          <ResponsiveContainer width="100%" height={220}>
            <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" dataKey="k" name="blocks removed" allowDecimals={false} />
              <YAxis type="number" dataKey="ppl" name="perplexity" tickFormatter={(v: number) => fmtPpl(v)} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? fmtPpl(v) : String(v))} />
              {Object.keys(METHOD_COLOURS).map((m) => {
                const pts = runs.filter((r) => r.method === m);
                return pts.length ? (
                  <Scatter
                    key={m}
                    name={METHOD_LABEL[m]}
                    data={pts}
                    fill={METHOD_COLOURS[m]}
                    isAnimationActive={false}
                  />
                ) : null;
              })}
            </ScatterChart>
          </ResponsiveContainer>
        </figure>
      )}
    </section>
  );
}
