import type { StateCreator } from 'zustand';
import { DEFAULT_SHARE_STATE, encodeShareState, type ControlId, type ShareState } from '../core/share/url-state';
import { linkTo } from './url-sync';
import type { LabState } from './index';

export interface Classroom {
  readonly hide: readonly ControlId[];
  readonly present: boolean;
  readonly tour: boolean;
}

export interface ShareSlice {
  /** Problems found in the opened link, as plain text (never markup). */
  shareWarnings: string[];
  /** The fingerprint an opened link names when it is not the demo, until that model is opened. */
  expectedModel: { fingerprint: string; blocks: number | null; drop: number[] } | null;
  /** Set when the opened file is not the one the link was made with. */
  modelMismatch: string | null;
  /** True while a link is being applied (the hash is not rewritten meanwhile). */
  applyingLink: boolean;
  classroom: Classroom;
  tourStep: number | null;
  currentShareState(): ShareState;
  applyShareState(state: ShareState, warnings: string[]): Promise<void>;
  /** A link to the current state, or to it with the best pattern found. */
  shareLink(which: 'state' | 'best'): string;
  setTourStep(step: number | null): void;
  /** After a model loads: check it against the link and apply the link's pattern. */
  onModelLoaded(): Promise<void>;
}

export const createShareSlice: StateCreator<LabState, [], [], ShareSlice> = (set, get) => ({
  shareWarnings: [],
  expectedModel: null,
  modelMismatch: null,
  applyingLink: false,
  classroom: { hide: [], present: false, tour: false },
  tourStep: null,
  currentShareState() {
    const s = get();
    const ready = s.model.kind === 'ready' ? s.model.model : null;
    return {
      model: ready && s.modelSource === 'files' ? ready.fingerprint : 'demo',
      blocks: ready ? ready.blocks : null,
      drop: [...s.drop],
      calMethod: s.calibrationSettings.method,
      calSamples: s.calibrationSettings.samples,
      calSeqLen: s.calibrationSettings.seqLen,
      calSeed: s.calibrationSettings.seed,
      calClusters: s.calibrationSettings.clusters,
      method: s.searchSettings.method,
      k: s.searchSettings.k,
      population: s.searchSettings.population,
      generations: s.searchSettings.generations,
      budget: s.searchSettings.budget,
      seed: s.searchSettings.seed,
      staged: s.searchSettings.staged,
      hide: [...s.classroom.hide],
      present: s.classroom.present,
      tour: s.classroom.tour,
    };
  },
  async applyShareState(st, warnings) {
    set({
      applyingLink: true,
      shareWarnings: warnings,
      modelMismatch: null,
      classroom: { hide: st.hide, present: st.present, tour: st.tour },
      tourStep: st.tour ? 0 : null,
      calibrationSettings: {
        method: st.calMethod,
        samples: st.calSamples,
        seqLen: st.calSeqLen,
        seed: st.calSeed,
        clusters: st.calClusters,
      },
      searchSettings: {
        method: st.method,
        k: st.k,
        population: st.population,
        generations: st.generations,
        budget: st.budget,
        seed: st.seed,
        staged: st.staged,
      },
    });
    try {
      if (st.model === DEFAULT_SHARE_STATE.model) {
        set({ expectedModel: { fingerprint: 'demo', blocks: st.blocks, drop: st.drop } });
        await get().loadDemo();
      } else {
        // A user's model cannot travel in a link: ask for it and check it when it comes.
        set({ expectedModel: { fingerprint: st.model, blocks: st.blocks, drop: st.drop } });
      }
    } finally {
      set({ applyingLink: false });
    }
  },
  shareLink(which) {
    const state = get().currentShareState();
    const best = get().runResult;
    return linkTo(
      encodeShareState(which === 'best' && best ? { ...state, drop: [...best.drop], k: best.drop.length } : state),
    );
  },
  setTourStep(step) {
    set({ tourStep: step });
  },
  async onModelLoaded() {
    const expected = get().expectedModel;
    const model = get().model;
    if (!expected || model.kind !== 'ready') return;
    const fp = get().modelSource === 'demo' ? 'demo' : model.model.fingerprint;
    set({ expectedModel: null });
    if (fp !== expected.fingerprint) {
      set({
        modelMismatch:
          `This link was made with model ${expected.fingerprint}, but the opened model is ${fp}. ` +
          'Its pattern and numbers may not apply; open the same file to see them.',
      });
      return;
    }
    const L = model.model.blocks;
    const drop = expected.drop.filter((b) => b < L);
    if (drop.length > 0 && drop.length < L) await get().setDrop(drop);
    const k = get().searchSettings.k;
    if (k >= L) set({ searchSettings: { ...get().searchSettings, k: Math.max(1, Math.floor(L / 4)) } });
  },
});
