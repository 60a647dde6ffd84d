import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { GenerationEvent } from '../core/search';
import { useLab } from '../store';
import { fmtPpl, viridis } from './format';

/** One chart row per generation, with the best perplexity seen up to it. */
function chartRows(gens: readonly GenerationEvent[]) {
  const rows = [];
  let bestSoFar = Infinity;
  for (const g of gens) {
    bestSoFar = Math.min(bestSoFar, g.best.ppl);
    rows.push({
      generation: g.generation,
      best: g.best.ppl,
      mean: g.mean,
      worst: g.worst,
      bestSoFar,
      diversity: g.diversity,
      evaluations: g.evaluations,
    });
  }
  return rows;
}

/** Perplexity per generation, keep-frequency heatmap and diversity; each with a data table. */
export function LiveCharts() {
  const gens = useLab((s) => s.generations);
  const blocks = useLab((s) => (s.model.kind === 'ready' ? s.model.model.blocks : 0));
  const [log, setLog] = useState(false);
  if (gens.length === 0) return null;
  const rows = chartRows(gens);

  return (
    <section className="panel wide" aria-labelledby="live-title">
      <h2 id="live-title">Search progress</h2>
      <div className="chart-row">
        <figure className="chart" data-testid="ppl-chart" data-points={rows.length}>
          <figcaption>
            Perplexity of the population per generation{' '}
            <label className="check">
              <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
            </label>
          </figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="generation" />
              <YAxis
                scale={log ? 'log' : 'auto'}
                domain={['auto', 'auto']}
                allowDataOverflow
                tickFormatter={(v: number) => fmtPpl(v)}
              />
              <Tooltip formatter={(v) => (typeof v === 'number' ? fmtPpl(v) : String(v))} />
              <Legend />
              <Line dataKey="worst" stroke="#D55E00" dot={false} isAnimationActive={false} />
              <Line dataKey="mean" stroke="#E69F00" dot={false} isAnimationActive={false} />
              <Line dataKey="best" stroke="#0072B2" isAnimationActive={false} />
              <Line
                dataKey="bestSoFar"
                name="best so far"
                stroke="#009E73"
                strokeDasharray="4 2"
                dot={false}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <figure className="chart">
          <figcaption>Population diversity (0 = all equal)</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="generation" />
              <YAxis domain={[0, 1]} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
              <Line dataKey="diversity" stroke="#CC79A7" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
      </div>
      <figure className="chart heatmap-figure">
        <figcaption>
          How often each block is kept in the population (rows: blocks, columns: generations; bright = kept by all)
        </figcaption>
        <svg
          className="heatmap"
          viewBox={`0 0 ${gens.length * 12 + 30} ${blocks * 12}`}
          role="img"
          aria-label="Block keep frequency per generation"
          preserveAspectRatio="xMinYMin meet"
        >
          {Array.from({ length: blocks }, (_, b) => (
            <text key={`l${b}`} x={24} y={b * 12 + 9} fontSize={8} textAnchor="end" fill="currentColor">
              {b}
            </text>
          ))}
          {gens.map((g, gi) =>
            g.keepFrequency.map((f, b) => (
              <rect key={`${gi}-${b}`} x={30 + gi * 12} y={b * 12} width={11} height={11} fill={viridis(f)}>
                <title>{`generation ${g.generation}, block ${b}: kept by ${Math.round(f * 100)}%`}</title>
              </rect>
            )),
          )}
        </svg>
      </figure>
      <details>
        <summary>Data table</summary>
        <table className="data" data-testid="generation-table">
          <thead>
            <tr>
              <th scope="col">Generation</th>
              <th scope="col">Best</th>
              <th scope="col">Mean</th>
              <th scope="col">Worst</th>
              <th scope="col">Best so far</th>
              <th scope="col">Diversity</th>
              <th scope="col">Evaluations</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.generation}>
                <td>{r.generation}</td>
                <td>{fmtPpl(r.best)}</td>
                <td>{fmtPpl(r.mean)}</td>
                <td>{fmtPpl(r.worst)}</td>
                <td>{fmtPpl(r.bestSoFar)}</td>
                <td>{r.diversity.toFixed(2)}</td>
                <td>{r.evaluations.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table className="data">
          <caption>Keep frequency (%) per block and generation</caption>
          <thead>
            <tr>
              <th scope="col">Block</th>
              {gens.map((g) => (
                <th key={g.generation} scope="col">
                  {g.generation}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Array.from({ length: blocks }, (_, b) => (
              <tr key={b}>
                <th scope="row">{b}</th>
                {gens.map((g) => (
                  <td key={g.generation}>{Math.round((g.keepFrequency[b] ?? 0) * 100)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
