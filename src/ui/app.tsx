import { useEffect } from 'react';
import { useLab } from '../store';
import { DemoPanel } from './demo-panel';
import { PreflightPanel } from './preflight-panel';

export function App() {
  const probe = useLab((s) => s.probe);
  useEffect(() => {
    void probe();
  }, [probe]);

  return (
    <>
      <header className="top">
        <h1>EvoP Lab</h1>
        <p>Find which transformer blocks a language model can lose — evolutionary search, in your browser.</p>
      </header>
      <main className="grid">
        <PreflightPanel />
        <DemoPanel />
      </main>
    </>
  );
}
