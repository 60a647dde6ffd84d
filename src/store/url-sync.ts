import { decodeShareState, encodeShareState } from '../core/share/url-state';
import type { useLab as UseLab } from './index';

/**
 * The only code that touches `location`: reads a shared link once at start (and on hash
 * changes), and keeps the hash in step with the lab's state with `replaceState`, so the address
 * bar is always a link to what is on screen without filling the history.
 */
export function linkTo(hash: string): string {
  return `${location.origin}${location.pathname}#${hash}`;
}

export function startUrlSync(store: typeof UseLab): () => void {
  const apply = () => {
    const raw = location.hash.replace(/^#/, '');
    if (!raw) return;
    const { state, warnings } = decodeShareState(raw);
    void store.getState().applyShareState(state, warnings);
  };
  apply();
  let last = location.hash.replace(/^#/, '');
  const unsubscribe = store.subscribe((s) => {
    if (s.model.kind !== 'ready' || s.applyingLink) return;
    const hash = encodeShareState(s.currentShareState());
    if (hash === last) return;
    last = hash;
    history.replaceState(null, '', `#${hash}`);
  });
  const onHash = () => {
    const raw = location.hash.replace(/^#/, '');
    if (raw === last) return;
    last = raw;
    apply();
  };
  window.addEventListener('hashchange', onHash);
  return () => {
    unsubscribe();
    window.removeEventListener('hashchange', onHash);
  };
}
