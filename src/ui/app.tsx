import { useEffect, useState } from 'react';
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
import { TryPanel } from './try-panel';

export function App() {
  const probe = useLab((s) => s.probe);
  const loadFiles = useLab((s) => s.loadFiles);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    void probe();
  }, [probe]);
  // Drop anywhere on the page (Netron's open-a-model flow).
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      setDragging(true);
    };
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      const files = [...(e.dataTransfer?.files ?? [])];
      if (files.length) void loadFiles(files);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [loadFiles]);

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
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the .onnx with its tokenizer.json (and .onnx_data, config.json)
        </div>
      )}
      <main className="grid">
        <DemoPanel />
        <PreflightPanel />
        <BlockStrip />
        <CalibrationPanel />
        <SearchPanel />
        <LiveCharts />
        <RunsTable />
        <ExportPanel />
        <TryPanel />
      </main>
    </>
  );
}
