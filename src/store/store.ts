/**
 * The app's state: one vanilla zustand store, built from slices (connection, scenario, timeline,
 * selection), with the immer middleware applied once, here at the root. It holds what the UI
 * shows: the engine's state stays in the worker, and only the frame at the cursor and the
 * scrubber's summary of the trace come over. React reads it through useAppStore (./react.tsx)
 * with narrow selectors; src/store/session.ts is what talks to the engine and writes here.
 */
import { immer } from "zustand/middleware/immer";
import { createStore, type StateCreator } from "zustand/vanilla";
import type {
  EngineLocation,
  Frame,
  LibraryItem,
  PingReply,
  ScenarioInfo,
  TimelineSummary,
} from "../worker/protocol";
import { panesSlice, type PanesSlice } from "./panes";

export type Connection =
  | { kind: "connecting" }
  | {
      kind: "connected";
      engineVersion: number;
      where: EngineLocation;
      /** Why the worker is not used, when the engine runs in the main thread. */
      fallbackReason: string | null;
    }
  | { kind: "failed"; message: string };

export interface ConnectionSlice {
  connection: Connection;
  connected(reply: PingReply, fallbackReason: string | null): void;
  failed(message: string): void;
}

/** Where the loaded scenario came from, as the scenario picker names it. */
export type SourceRef =
  "default" | "file" | `library:${string}` | `library:${string}:fixed`;

export interface ScenarioSlice {
  /** The loaded scenario; null until the first load answers. */
  scenario: ScenarioInfo | null;
  source: SourceRef;
  /** The library's entries, for the picker. */
  library: LibraryItem[];
  setLibrary(items: LibraryItem[]): void;
  setSource(source: SourceRef): void;
  /** Why the last scenario the user opened was refused (the loaded one stays). */
  loadErrors: string[] | null;
  /** The reasons a scenario was refused, or null to dismiss them. */
  scenarioRejected(errors: string[] | null): void;
}

/** Steps per second the player can run at. */
export const SPEEDS = [2, 10, 30, 120] as const;
export type Speed = (typeof SPEEDS)[number];

export interface Notice {
  kind: "info" | "error";
  text: string;
}

export interface TimelineState {
  summary: TimelineSummary | null;
  /** The frame at the cursor, as the engine last answered. */
  frame: Frame | null;
  /** Where the user asked to be; the frame follows once the engine answers. */
  cursor: number;
  playing: boolean;
  speed: Speed;
  /** Engine operations (load, seek, fork, recovery...) still running. */
  pending: number;
  notice: Notice | null;
}

export interface TimelineSlice {
  timeline: TimelineState;
  /** A scenario was loaded, or a fork or undo replaced the trace. */
  opened(
    scenario: ScenarioInfo | null,
    summary: TimelineSummary,
    frame: Frame,
  ): void;
  showFrame(frame: Frame): void;
  setCursor(cursor: number): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: Speed): void;
  begin(): void;
  end(): void;
  notify(notice: Notice | null): void;
}

export interface SelectionSlice {
  /** The actor picked in the legend or the actor list: its steps stand out on the scrubber. */
  selection: {
    actor: string | null;
    slab: number | null;
    /**
     * What the state view should make stand out, such as the slabs and objects a clicked
     * finding names: slab (page) ids and object refs (the engine's global object numbers).
     */
    highlight: Highlight | null;
    /**
     * What the pointer rests on elsewhere (e.g. a local in the code pane naming a slab): the state
     * view shows it instead of `highlight` while it is set.
     */
    hover: Highlight | null;
  };
  selectActor(name: string | null): void;
  selectSlab(id: number | null): void;
  setHighlight(highlight: Highlight | null): void;
  setHover(hover: Highlight | null): void;
}

export interface Highlight {
  slabs: number[];
  objects: number[];
  /** For a finding: the actor and step that raised it (the code pane shows that line). */
  finding?: { actor: string | null; step: number };
}

export type AppState = ConnectionSlice &
  ScenarioSlice &
  TimelineSlice &
  SelectionSlice &
  PanesSlice;

type Slice<T> = StateCreator<AppState, [["zustand/immer", never]], [], T>;

const connectionSlice: Slice<ConnectionSlice> = (set) => ({
  connection: { kind: "connecting" },
  connected: (reply, fallbackReason) =>
    set((state) => {
      state.connection = {
        kind: "connected",
        engineVersion: reply.engineVersion,
        where: reply.where,
        fallbackReason,
      };
    }),
  failed: (message) =>
    set((state) => {
      state.connection = { kind: "failed", message };
    }),
});

const scenarioSlice: Slice<ScenarioSlice> = (set) => ({
  scenario: null,
  source: "default",
  library: [],
  setLibrary: (items) =>
    set((state) => {
      state.library = items;
    }),
  setSource: (source) =>
    set((state) => {
      state.source = source;
    }),
  loadErrors: null,
  scenarioRejected: (errors) =>
    set((state) => {
      state.loadErrors = errors;
    }),
});

const timelineSlice: Slice<TimelineSlice> = (set) => ({
  timeline: {
    summary: null,
    frame: null,
    cursor: 0,
    playing: false,
    speed: 10,
    pending: 0,
    notice: null,
  },
  opened: (scenario, summary, frame) =>
    set((state) => {
      if (scenario) {
        state.scenario = scenario;
        state.loadErrors = null;
        // Another scenario: its goal, if any, is a new attempt the user starts.
        state.panes.goal = null;
      }
      state.timeline.summary = summary;
      state.timeline.frame = frame;
      state.timeline.cursor = frame.step;
      // A highlight names objects of the trace it came from: a new trace makes it wrong.
      state.selection.highlight = null;
    }),
  showFrame: (frame) =>
    set((state) => {
      state.timeline.frame = frame;
    }),
  setCursor: (cursor) =>
    set((state) => {
      state.timeline.cursor = cursor;
    }),
  setPlaying: (playing) =>
    set((state) => {
      state.timeline.playing = playing;
    }),
  setSpeed: (speed) =>
    set((state) => {
      state.timeline.speed = speed;
    }),
  begin: () =>
    set((state) => {
      state.timeline.pending += 1;
    }),
  end: () =>
    set((state) => {
      state.timeline.pending -= 1;
    }),
  notify: (notice) =>
    set((state) => {
      state.timeline.notice = notice;
    }),
});

const selectionSlice: Slice<SelectionSlice> = (set) => ({
  selection: { actor: null, slab: null, highlight: null, hover: null },
  selectActor: (name) =>
    set((state) => {
      state.selection.actor = name;
    }),
  selectSlab: (id) =>
    set((state) => {
      state.selection.slab = id;
    }),
  setHighlight: (highlight) =>
    set((state) => {
      state.selection.highlight = highlight;
    }),
  setHover: (hover) =>
    set((state) => {
      state.selection.hover = hover;
    }),
});

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore() {
  return createStore<AppState>()(
    immer((...a) => ({
      ...connectionSlice(...a),
      ...scenarioSlice(...a),
      ...timelineSlice(...a),
      ...selectionSlice(...a),
      ...panesSlice(...a),
    })),
  );
}
