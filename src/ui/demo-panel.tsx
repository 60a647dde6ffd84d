import { useRef, useState, type FormEvent } from 'react';
import { useLab } from '../store';
import { LARGE_MODEL_BYTES, type ModelStatus } from '../store/model-slice';

function progressText(status: ModelStatus): { label: string; value?: number } {
  if (status.kind !== 'loading' || !status.progress) return { label: 'Starting the worker…' };
  const p = status.progress;
  if (p.type === 'download') {
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const file = p.file.split('/').pop();
    return p.total > 0
      ? { label: `Reading ${file}: ${mb(p.loaded)} of ${mb(p.total)} MB`, value: p.loaded / p.total }
      : { label: `Reading ${file}: ${mb(p.loaded)} MB` };
  }
  if (p.type === 'session') return { label: `Creating the ${p.backend} session…`, value: 1 };
  return { label: 'Ready', value: 1 };
}

export function DemoPanel() {
  const status = useLab((s) => s.model);
  const loadError = useLab((s) => s.loadError);
  const choice = useLab((s) => s.backendChoice);
  const loadDemo = useLab((s) => s.loadDemo);
  const loadFiles = useLab((s) => s.loadFiles);
  const predict = useLab((s) => s.predict);
  const prediction = useLab((s) => s.prediction);
  const predicting = useLab((s) => s.predicting);
  const predictionError = useLab((s) => s.predictionError);
  const [prompt, setPrompt] = useState('And God said unto');
  const [picked, setPicked] = useState<{ name: string; size: number }[]>([]);
  const input = useRef<HTMLInputElement>(null);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void predict(prompt);
  };
  const openFiles = (list: FileList | null) => {
    const files = [...(list ?? [])];
    if (files.length === 0) return;
    setPicked(files.map((f) => ({ name: f.name, size: f.size })));
    void loadFiles(files);
  };
  const progress = progressText(status);
  const pickedBytes = picked.reduce((a, f) => a + f.size, 0);

  return (
    <section className="panel" aria-labelledby="demo-title">
      <h2 id="demo-title">Model</h2>
      <p>
        Drop an ONNX decoder (with its tokenizer.json, config.json and any .onnx_data) anywhere on the page, or start
        with the demo: a 16-block Llama (3.7 M parameters) trained on public-domain English. Everything runs in a Web
        Worker; files never leave this machine.
      </p>
      <div className="controls">
        <button type="button" onClick={() => void loadDemo()} disabled={!choice || status.kind === 'loading'}>
          {status.kind === 'ready' ? 'Reload demo model' : 'Load demo model'}
        </button>
        <button type="button" onClick={() => input.current?.click()} disabled={!choice || status.kind === 'loading'}>
          Open model files…
        </button>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="model-files"
          accept=".onnx,.onnx_data,.data,.json"
          onChange={(e) => {
            openFiles(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      {status.kind === 'loading' && (
        <div className="progress" data-testid="load-progress">
          <progress max={1} value={progress.value} aria-label="Model loading" />
          <span>{progress.label}</span>
        </div>
      )}
      {status.kind === 'loading' && pickedBytes > LARGE_MODEL_BYTES && (
        <p className="warning">
          {(pickedBytes / 2 ** 20).toFixed(0)} MiB: loading a model this size takes a while and a lot of memory.
        </p>
      )}
      {loadError && (
        <p
          className="error"
          role="alert"
          data-testid="load-error"
          data-code={loadError.code}
          data-reason={loadError.reason ?? ''}
        >
          Could not load the model: {loadError.message}
          {status.kind === 'ready' && ' The previous model is still loaded.'}
        </p>
      )}
      {status.kind === 'ready' && (
        <>
          <p
            data-testid="model-ready"
            data-backend={status.model.backend}
            data-blocks={status.model.blocks}
            data-name={status.model.name}
          >
            <strong>{status.model.name}</strong>: {status.model.architecture}, {status.model.blocks} blocks,{' '}
            {(status.model.bytes / 1e6).toFixed(1)} MB, on <strong>{status.model.backend}</strong> (loaded in{' '}
            {Math.round(status.model.ms)} ms) · vocabulary {status.model.vocabSize.toLocaleString()} · fingerprint{' '}
            <code>{status.model.fingerprint}</code>
          </p>
          {status.model.backendNotice && (
            <p className="warning" data-testid="backend-notice">
              {status.model.backendNotice}
            </p>
          )}
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
            <table
              className="top-k"
              data-testid="prediction"
              data-prompt={prediction.prompt}
              aria-label="Top 5 next tokens"
            >
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
