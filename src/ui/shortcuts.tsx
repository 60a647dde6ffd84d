import { useEffect, useRef, useState } from 'react';
import { useLab } from '../store';

const SHORTCUTS: [string, string][] = [
  ['Space', 'Play / pause the search'],
  ['→', 'Step one generation'],
  ['R', 'Reset the search'],
  ['?', 'Show this help'],
];

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName));
}

/** Global keys (not while typing in a field) and the help dialog. */
export function Shortcuts() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === '?') {
        setOpen((o) => !o);
        return;
      }
      if (typing(e.target)) return;
      const s = useLab.getState();
      if (e.key === ' ') {
        e.preventDefault();
        if (s.runStatus === 'running') s.pause();
        else s.play();
      } else if (e.key === 'ArrowRight') {
        e.preventDefault();
        void s.step();
      } else if (e.key === 'r' || e.key === 'R') {
        s.resetSearch();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <>
      <button
        type="button"
        className="help-button"
        aria-label="Keyboard shortcuts"
        aria-keyshortcuts="?"
        onClick={() => setOpen(true)}
      >
        ?
      </button>
      <dialog ref={dialog} onClose={() => setOpen(false)} aria-labelledby="shortcuts-title">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <table className="data">
          <tbody>
            {SHORTCUTS.map(([k, d]) => (
              <tr key={k}>
                <th scope="row">
                  <kbd>{k}</kbd>
                </th>
                <td>{d}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="dialog">
          <button type="submit">Close</button>
        </form>
      </dialog>
    </>
  );
}
