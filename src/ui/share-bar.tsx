import { useState } from 'react';
import { useLab } from '../store';

/** Copy a link to what is on screen (or to the best pattern), and what the opened link asked for. */
export function ShareBar() {
  const ready = useLab((s) => s.model.kind === 'ready');
  const hasBest = useLab((s) => s.runResult !== null);
  const shareLink = useLab((s) => s.shareLink);
  const warnings = useLab((s) => s.shareWarnings);
  const expected = useLab((s) => s.expectedModel);
  const mismatch = useLab((s) => s.modelMismatch);
  const [link, setLink] = useState('');
  const [copied, setCopied] = useState(false);

  const copy = async (which: 'state' | 'best') => {
    const url = shareLink(which);
    setLink(url);
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard permission: the link is shown selected below for a manual copy.
      setCopied(false);
    }
  };

  return (
    <div className="share-bar">
      {ready && (
        <div className="controls">
          <button type="button" onClick={() => void copy('state')}>
            Copy link
          </button>
          <button type="button" disabled={!hasBest} onClick={() => void copy('best')}>
            Copy link to best pattern
          </button>
          {link && (
            <>
              <input
                className="share-link"
                readOnly
                value={link}
                data-testid="share-link"
                aria-label="Share link"
                onFocus={(e) => e.target.select()}
              />
              <span aria-live="polite">{copied ? 'Copied.' : 'Select and copy the link.'}</span>
            </>
          )}
        </div>
      )}
      {expected && expected.fingerprint !== 'demo' && (
        <p className="notice" role="status" data-testid="model-request">
          This link is for a model of your own (fingerprint <code>{expected.fingerprint}</code>
          {expected.blocks ? `, ${expected.blocks} blocks` : ''}). Open the same .onnx with its tokenizer.json to see
          its pattern and numbers; nothing is uploaded.
        </p>
      )}
      {mismatch && (
        <p className="warning" role="alert" data-testid="model-mismatch">
          {mismatch}
        </p>
      )}
      {warnings.length > 0 && (
        <div className="warning" role="alert" data-testid="share-warnings">
          Parts of the link were not understood and were set to defaults:
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
