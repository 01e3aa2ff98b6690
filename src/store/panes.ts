/**
 * The store's slice for the panes around the state view: the help overlay, compare mode (the
 * same schedule on the fixed kernel, at the same cursor), the workspace's drawers and side tabs,
 * and presentation mode. src/store/session.ts fills compare mode; the UI sets the rest.
 */
import type { StateCreator } from "zustand/vanilla";
import type {
  Divergence,
  Frame,
  ScenarioInfo,
  TimelineSummary,
} from "../worker/protocol";
import type { AppState } from "./store";

export interface CompareState {
  scenario: ScenarioInfo;
  summary: TimelineSummary;
  /** The fixed kernel's frame at the cursor matched by operation (clamped to its trace). */
  frame: Frame;
  /** Where and why the two traces first part. */
  divergence: Divergence;
}

/** Goal mode: the user schedules a race until a finding appears (win) or the trace ends (lose). */
export interface GoalState {
  /** The cursor where the attempt starts, and where "try again" goes back to. */
  start: number;
  /** The forks on the undo stack when it started: "try again" undoes the ones made since. */
  undoDepth: number;
}

/** What a drawer over the workspace holds; one is open at a time. */
export type Drawer =
  "share" | "editor" | "stats" | "details" | "explore" | "eras";

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
    /** Goal mode, on for a race with a goal; null when off. */
    goal: GoalState | null;
  };
  setHelp(open: boolean): void;
  compareOpened(compare: CompareState | null): void;
  showCompareFrame(frame: Frame): void;
  /** Opens `drawer`, or closes it when it is the one open; null closes any. */
  toggleDrawer(drawer: Drawer | null): void;
  setSideTab(tab: SideTab): void;
  setPresent(on: boolean): void;
  setGoal(goal: GoalState | null): void;
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
    goal: null,
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
  setGoal: (goal) =>
    set((state) => {
      state.panes.goal = goal;
    }),
});
