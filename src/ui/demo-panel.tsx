import { useState, type FormEvent } from 'react';
import { useLab } from '../store';
import type { ModelStatus } from '../store/model-slice';

function progressText(status: ModelStatus): { label: string; value?: number } {
  if (status.kind !== 'loading' || !status.progress) return { label: 'Starting the worker…' };
  const p = status.progress;
  if (p.type === 'download') {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    return p.total > 0
      ? { label: `Downloading model: ${mb(p.loaded)} of ${mb(p.total)} MB`, value: p.loaded / p.total }
      : { label: `Downloading model: ${mb(p.loaded)} MB` };
  }
  if (p.type === 'session') return { label: `Creating the ${p.backend} session…`, value: 1 };
  return { label: 'Ready', value: 1 };
}

export function DemoPanel() {
  const status = useLab((s) => s.model);
  const choice = useLab((s) => s.backendChoice);
  const loadDemo = useLab((s) => s.loadDemo);
  const predict = useLab((s) => s.predict);
  const prediction = useLab((s) => s.prediction);
  const predicting = useLab((s) => s.predicting);
  const predictionError = useLab((s) => s.predictionError);
  const [prompt, setPrompt] = useState('And God said unto');

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void predict(prompt);
  };
  const progress = progressText(status);

  return (
    <section className="panel" aria-labelledby="demo-title">
      <h2 id="demo-title">Model</h2>
      <p>
        The demo is a 16-block Llama (3.7 M parameters) trained on public-domain English. It runs in a Web Worker
        with onnxruntime-web.
      </p>
      <button type="button" onClick={() => void loadDemo()} disabled={!choice || status.kind === 'loading'}>
        {status.kind === 'ready' ? 'Reload demo model' : 'Load demo model'}
      </button>
      {status.kind === 'loading' && (
        <div className="progress" data-testid="load-progress">
          <progress max={1} value={progress.value} aria-label="Model loading" />
          <span>{progress.label}</span>
        </div>
      )}
      {status.kind === 'error' && (
        <p className="error" role="alert" data-testid="load-error">
          Could not load the model ({status.error.code}): {status.error.message}
        </p>
      )}
      {status.kind === 'ready' && (
        <>
          <p data-testid="model-ready" data-backend={status.model.backend}>
            Loaded {(status.model.bytes / 1e6).toFixed(1)} MB on <strong>{status.model.backend}</strong> in{' '}
            {Math.round(status.model.ms)} ms · vocabulary {status.model.vocabSize.toLocaleString()} tokens.
          </p>
          <form onSubmit={onSubmit} className="prompt-form">
            <label htmlFor="prompt">Prompt</label>
            <input id="prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} autoComplete="off" />
            <button type="submit" disabled={predicting || prompt.length === 0}>
              Predict next token
            </button>
          </form>
          {predictionError && (
            <p className="error" role="alert">
              {predictionError.message}
            </p>
          )}
          {prediction && (
            <table className="top-k" data-testid="prediction" data-prompt={prediction.prompt} aria-label="Top 5 next tokens">
              <caption>
                Next token after {prediction.promptTokens} prompt tokens ({prediction.backend},{' '}
                {prediction.ms.toFixed(0)} ms)
              </caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Token</th>
                  <th scope="col">Id</th>
                  <th scope="col">Probability</th>
                </tr>
              </thead>
              <tbody>
                {prediction.top.map((t, i) => (
                  <tr key={t.id} data-token-id={t.id} data-prob={t.prob}>
                    <td>{i + 1}</td>
                    <td>
                      <code>{JSON.stringify(t.text)}</code>
                    </td>
                    <td>{t.id}</td>
                    <td>
                      <meter min={0} max={1} value={t.prob} /> {(t.prob * 100).toFixed(1)}%
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
