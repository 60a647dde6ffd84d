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
import { ShareBar } from './share-bar';
import { Tour } from './tour';
import { startUrlSync } from '../store/url-sync';
import type { ControlId } from '../core/share/url-state';
import { TryPanel } from './try-panel';
import { ResumeBanner } from './resume-banner';

export function App() {
  const probe = useLab((s) => s.probe);
  const classroom = useLab((s) => s.classroom);
  const loadFiles = useLab((s) => s.loadFiles);
  const checkSavedRun = useLab((s) => s.checkSavedRun);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let stop: (() => void) | undefined;
    // A shared link may load the demo at once, which needs the backend the preflight picks.
    void probe().then(() => {
      stop = startUrlSync(useLab);
      void checkSavedRun();
    });
    return () => stop?.();
  }, [probe, checkSavedRun]);
  useEffect(() => {
    document.documentElement.classList.toggle('present', classroom.present);
  }, [classroom.present]);
  const shown = (id: ControlId) => !classroom.hide.includes(id);
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
      <ShareBar />
      <ResumeBanner />
      <Tour />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          Drop the .onnx with its tokenizer.json (and .onnx_data, config.json)
        </div>
      )}
      <main className="grid">
        {shown('model') && <DemoPanel />}
        {shown('preflight') && <PreflightPanel />}
        <BlockStrip />
        {shown('calibration') && <CalibrationPanel />}
        {shown('search') && <SearchPanel />}
        <LiveCharts />
        <RunsTable />
        {shown('export') && <ExportPanel />}
        {shown('try') && <TryPanel />}
      </main>
    </>
  );
}
