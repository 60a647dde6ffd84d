import { useLab } from '../store';
import type { BackendPreference } from '../core/env/backend-choice';

const mib = (n: number) => `${Math.round(n / 2 ** 20).toLocaleString()} MiB`;
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

export function PreflightPanel() {
  const report = useLab((s) => s.preflight);
  const choice = useLab((s) => s.backendChoice);
  const preference = useLab((s) => s.backendPreference);
  const setPreference = useLab((s) => s.setBackendPreference);
  const locked = useLab((s) => s.model.kind === 'loading');

  if (!report) {
    return (
      <section className="panel" aria-labelledby="preflight-title" aria-busy="true">
        <h2 id="preflight-title">Preflight</h2>
        <p>Checking this browser…</p>
      </section>
    );
  }
  const a = report.adapter;
  const rows: [string, string, string][] = [
    ['secure-context', 'Secure context', yesNo(report.secureContext)],
    ['isolated', 'Cross-origin isolated (threads)', yesNo(report.crossOriginIsolated)],
    ['cores', 'CPU threads', String(report.hardwareConcurrency)],
    ['webgpu-api', 'navigator.gpu', report.webgpuApi ? 'present' : 'absent'],
    [
      'adapter',
      'WebGPU adapter',
      a
        ? [a.vendor || 'unknown vendor', a.architecture, a.description].filter(Boolean).join(' · ')
        : (report.adapterError ?? 'none'),
    ],
  ];
  if (a) {
    rows.push(
      ['fallback', 'Software fallback adapter', yesNo(a.isFallbackAdapter)],
      ['max-buffer', 'maxBufferSize', mib(a.maxBufferSize)],
      ['max-storage', 'maxStorageBufferBindingSize', mib(a.maxStorageBufferBindingSize)],
      ['f16', 'shader-f16', a.shaderF16 ? 'supported' : 'not supported'],
    );
  }
  return (
    <section className="panel" aria-labelledby="preflight-title">
      <h2 id="preflight-title">Preflight</h2>
      <table className="facts" data-testid="preflight">
        <tbody>
          {rows.map(([id, label, value]) => (
            <tr key={id} data-fact={id}>
              <th scope="row">{label}</th>
              <td>{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="backend-row">
        <label htmlFor="backend">Backend</label>
        <select
          id="backend"
          value={preference}
          disabled={locked}
          onChange={(e) => setPreference(e.target.value as BackendPreference)}
        >
          <option value="auto">auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">wasm (CPU)</option>
        </select>
        {choice && (
          <p className="choice" data-testid="backend-choice" data-backend={choice.backend}>
            <strong>{choice.backend === 'webgpu' ? 'WebGPU' : 'wasm'}</strong>: {choice.reason}
          </p>
        )}
      </div>
    </section>
  );
}
