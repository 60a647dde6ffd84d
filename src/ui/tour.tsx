import { useEffect, useRef } from 'react';
import { useLab } from '../store';

/** A few steps that explain the lab, each pointing at the part of the screen it is about. */
const STEPS: { target: string; title: string; text: string }[] = [
  {
    target: 'strip-title',
    title: 'Blocks',
    text: 'A transformer is a stack of blocks. Each one reads the running representation of the text and adds to it. Click one to remove it.',
  },
  {
    target: 'cal-title',
    title: 'Calibration',
    text: 'We judge a pruned model on a few windows of text. CCDS picks them from clusters of what the model itself sees, so every kind of text is represented.',
  },
  {
    target: 'strip-title',
    title: 'Fitness',
    text: 'Perplexity: how surprised the model is by the next token, on average. Lower is better; removing an important block makes it jump.',
  },
  {
    target: 'search-title',
    title: 'The search',
    text: 'EPPS breeds patterns of removed blocks: the best survive, children mix their parents and mutate. Press Play and watch perplexity fall.',
  },
];

export function Tour() {
  const step = useLab((s) => s.tourStep);
  const setStep = useLab((s) => s.setTourStep);
  const ready = useLab((s) => s.model.kind === 'ready');
  const box = useRef<HTMLDivElement>(null);
  const current = step === null ? undefined : STEPS[step];
  useEffect(() => {
    if (!current || !ready) return;
    const el = document.getElementById(current.target)?.closest('section');
    el?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    el?.classList.add('tour-focus');
    box.current?.focus();
    return () => el?.classList.remove('tour-focus');
  }, [current, ready]);
  if (!current || !ready || step === null) return null;
  return (
    <div
      className="tour"
      role="dialog"
      aria-labelledby="tour-title"
      aria-describedby="tour-text"
      ref={box}
      tabIndex={-1}
      data-testid="tour"
    >
      <p className="tour-count">
        Step {step + 1} of {STEPS.length}
      </p>
      <h2 id="tour-title">{current.title}</h2>
      <p id="tour-text">{current.text}</p>
      <div className="controls">
        <button type="button" disabled={step === 0} onClick={() => setStep(step - 1)}>
          Back
        </button>
        {step + 1 < STEPS.length ? (
          <button type="button" onClick={() => setStep(step + 1)}>
            Next
          </button>
        ) : (
          <button type="button" onClick={() => setStep(null)}>
            Done
          </button>
        )}
        <button type="button" className="link" onClick={() => setStep(null)}>
          Close tour
        </button>
      </div>
    </div>
  );
}
