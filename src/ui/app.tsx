import { useEffect } from 'react';
import { useLab } from '../store';
import { BlockStrip } from './block-strip';
import { CalibrationPanel } from './calibration-panel';
import { DemoPanel } from './demo-panel';
import { ExportPanel } from './export-panel';
import { LiveCharts } from './live-charts';
import { PreflightPanel } from './preflight-panel';
import { RunsTable } from './runs-table';
import { SearchPanel } from './search-panel';
import { Shortcuts } from './shortcuts';
import { StatusLine } from './status-line';

export function App() {
  const probe = useLab((s) => s.probe);
  useEffect(() => {
    void probe();
  }, [probe]);

  return (
    <>
      <header className="top">
        <div>
          <h1>EvoP Lab</h1>
          <p>Find which transformer blocks a language model can lose — evolutionary search, in your browser.</p>
        </div>
        <Shortcuts />
      </header>
      <StatusLine />
      <main className="grid">
        <DemoPanel />
        <PreflightPanel />
        <BlockStrip />
        <CalibrationPanel />
        <SearchPanel />
        <LiveCharts />
        <RunsTable />
        <ExportPanel />
      </main>
    </>
  );
}
