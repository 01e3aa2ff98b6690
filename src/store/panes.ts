/**
 * The store's slice for the panes around the state view: the help overlay, compare mode (the
 * same schedule on the fixed kernel, at the same cursor), the workspace's drawers and side tabs,
 * and presentation mode. src/store/session.ts fills compare mode; the UI sets the rest.
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

/** What a drawer over the workspace holds; one is open at a time. */
export type Drawer = "share" | "editor" | "stats" | "details";

/** The side column's tabs (tabs under the state on narrow screens; stacked on wide ones). */
export type SideTab = "code" | "findings" | "steps";

export interface PanesSlice {
  panes: {
    help: boolean;
    compare: CompareState | null;
    drawer: Drawer | null;
    sideTab: SideTab;
    /** Presentation mode: larger cells and type, high contrast, for a projector. */
    present: boolean;
  };
  setHelp(open: boolean): void;
  compareOpened(compare: CompareState | null): void;
  showCompareFrame(frame: Frame): void;
  /** Opens `drawer`, or closes it when it is the one open; null closes any. */
  toggleDrawer(drawer: Drawer | null): void;
  setSideTab(tab: SideTab): void;
  setPresent(on: boolean): void;
}

export const panesSlice: StateCreator<
  AppState,
  [["zustand/immer", never]],
  [],
  PanesSlice
> = (set) => ({
  panes: {
    help: false,
    compare: null,
    drawer: null,
    sideTab: "code",
    present: false,
  },
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
  toggleDrawer: (drawer) =>
    set((state) => {
      state.panes.drawer =
        drawer === null || state.panes.drawer === drawer ? null : drawer;
    }),
  setSideTab: (tab) =>
    set((state) => {
      state.panes.sideTab = tab;
    }),
  setPresent: (on) =>
    set((state) => {
      state.panes.present = on;
    }),
});
