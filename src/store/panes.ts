/**
 * The store's slice for the panes around the state view: the help overlay and compare mode (the
 * same schedule on the fixed kernel, at the same cursor). src/store/session.ts fills it.
 */
import type { StateCreator } from "zustand/vanilla";
import type { Frame, ScenarioInfo, TimelineSummary } from "../worker/protocol";
import type { AppState } from "./store";

export interface CompareState {
  scenario: ScenarioInfo;
  summary: TimelineSummary;
  /** The fixed kernel's frame at the shared cursor (clamped to its trace). */
  frame: Frame;
}

export interface PanesSlice {
  panes: {
    help: boolean;
    compare: CompareState | null;
  };
  setHelp(open: boolean): void;
  compareOpened(compare: CompareState | null): void;
  showCompareFrame(frame: Frame): void;
}

export const panesSlice: StateCreator<
  AppState,
  [["zustand/immer", never]],
  [],
  PanesSlice
> = (set) => ({
  panes: { help: false, compare: null },
  setHelp: (open) =>
    set((state) => {
      state.panes.help = open;
    }),
  compareOpened: (compare) =>
    set((state) => {
      state.panes.compare = compare;
    }),
  showCompareFrame: (frame) =>
    set((state) => {
      if (state.panes.compare) state.panes.compare.frame = frame;
    }),
});
