import { useState } from 'react';
import { useLab } from '../store';

/** The same prompt through the original and the pruned model, side by side. */
export function TryPanel() {
  const ready = useLab((s) => s.model.kind === 'ready');
  const drop = useLab((s) => s.drop);
  const generate = useLab((s) => s.generate);
  const result = useLab((s) => s.tryResult);
  const busy = useLab((s) => s.tryBusy);
  const error = useLab((s) => s.tryError);
  const [prompt, setPrompt] = useState('The Congress of the United States');
  if (!ready) return null;
  return (
    <section className="panel wide" aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <form
        className="prompt-form"
        onSubmit={(e) => {
          e.preventDefault();
          void generate(prompt);
        }}
      >
        <label htmlFor="try-prompt">Prompt to continue</label>
        <input id="try-prompt" value={prompt} onChange={(e) => setPrompt(e.target.value)} autoComplete="off" />
        <button type="submit" disabled={busy || prompt.length === 0}>
          {busy ? 'Generating…' : `Generate (original vs without [${drop.join(', ')}])`}
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className="side-by-side" data-testid="try-result">
          {(
            [
              ['Original', result.original],
              [`Without blocks [${result.drop.join(', ')}]`, result.pruned],
            ] as const
          ).map(([title, g]) => (
            <figure key={title}>
              <figcaption>
                {title} · {g.tokens} tokens · {g.tokensPerSecond.toFixed(1)} tokens/s
              </figcaption>
              <blockquote>
                <span className="prompt-text">{result.prompt}</span>
                {g.text}
              </blockquote>
            </figure>
          ))}
        </div>
      )}
    </section>
  );
}
