/**
 * Every timeline command as a plain object: one table feeds the buttons, the keyboard shortcuts
 * and the help line.
 */
import type { Session } from "../store/session";
import { findingCursors, narrationCursors, neighbour } from "../store/session";
import { SPEEDS, type AppState } from "../store/store";

export interface Command {
  id: string;
  label: string | ((s: AppState) => string);
  /** What it does, for the tooltip. */
  title: string;
  /** KeyboardEvent.key values that run it. */
  keys: string[];
  /** The keys as the help line shows them. */
  keyHelp: string;
  enabled(s: AppState): boolean;
  /** `key` is the key that ran it, when a key did. */
  run(session: Session, key?: string): void;
  /** false: keys only, no toolbar button (it has its own buttons elsewhere). */
  toolbar?: boolean;
}

const speedIndex = (s: AppState) =>
  SPEEDS.indexOf(s.timeline.speed as (typeof SPEEDS)[number]);

/** The n-th choice of "who takes step N?" for key n (1 to 9). */
function choiceFor(s: AppState, key: string | undefined) {
  const n = Number(key);
  return Number.isInteger(n) && n >= 1
    ? s.timeline.frame?.enabled[n - 1]
    : undefined;
}

const total = (s: AppState) => s.timeline.summary?.total ?? 0;
const cursor = (s: AppState) => s.timeline.cursor;
const loaded = (s: AppState) => s.timeline.summary !== null;

export const COMMANDS: readonly Command[] = [
  {
    id: "start",
    label: "« Start",
    title: "Go to step 0",
    keys: ["Home"],
    keyHelp: "Home",
    enabled: (s) => loaded(s) && cursor(s) > 0,
    run: (session) => void session.toStart(),
  },
  {
    id: "prev-op",
    label: "[ Op",
    title: "Previous operation boundary",
    keys: ["["],
    keyHelp: "[",
    enabled: (s) =>
      neighbour(s.timeline.summary?.opBoundaries ?? [], cursor(s), -1) !== null,
    run: (session) => void session.jumpOp(-1),
  },
  {
    id: "back",
    label: "◀ Back",
    title: "One micro-step back",
    keys: ["ArrowLeft"],
    keyHelp: "←",
    enabled: (s) => loaded(s) && cursor(s) > 0,
    run: (session) => void session.stepBy(-1),
  },
  {
    id: "play",
    label: (s) => (s.timeline.playing ? "‖ Pause" : "▶ Play"),
    title: "Play or pause",
    keys: [" "],
    keyHelp: "Space",
    enabled: (s) => loaded(s) && total(s) > 0,
    run: (session) => session.togglePlay(),
  },
  {
    id: "step",
    label: "Step ▶",
    title: "One micro-step forward",
    keys: ["ArrowRight"],
    keyHelp: "→",
    enabled: (s) => loaded(s) && cursor(s) < total(s),
    run: (session) => void session.stepBy(1),
  },
  {
    id: "next-op",
    label: "Op ]",
    title: "Next operation boundary",
    keys: ["]"],
    keyHelp: "]",
    enabled: (s) =>
      neighbour(s.timeline.summary?.opBoundaries ?? [], cursor(s), 1) !== null,
    run: (session) => void session.jumpOp(1),
  },
  {
    id: "end",
    label: "To end",
    title: "Go to the last step",
    keys: ["End"],
    keyHelp: "End",
    enabled: (s) => loaded(s) && cursor(s) < total(s),
    run: (session) => void session.toEnd(),
  },
  {
    id: "prev-finding",
    label: "‹ Finding",
    title: "Previous step where a finding shows up",
    keys: [","],
    keyHelp: ",",
    enabled: (s) =>
      neighbour(findingCursors(s.timeline.summary), cursor(s), -1) !== null,
    run: (session) => void session.jumpFinding(-1),
  },
  {
    id: "next-finding",
    label: "Finding ›",
    title: "Next step where a finding shows up",
    keys: ["."],
    keyHelp: ".",
    enabled: (s) =>
      neighbour(findingCursors(s.timeline.summary), cursor(s), 1) !== null,
    run: (session) => void session.jumpFinding(1),
  },
  {
    id: "prev-narration",
    label: "‹ Story",
    title: "Previous narration entry: where its text starts",
    keys: ["p"],
    keyHelp: "p",
    toolbar: false,
    enabled: (s) =>
      neighbour(
        narrationCursors(s.scenario, s.timeline.summary),
        cursor(s),
        -1,
      ) !== null,
    run: (session) => void session.jumpNarration(-1),
  },
  {
    id: "next-narration",
    label: "Story ›",
    title: "Next narration entry: where its text starts",
    keys: ["n"],
    keyHelp: "n",
    toolbar: false,
    enabled: (s) =>
      neighbour(
        narrationCursors(s.scenario, s.timeline.summary),
        cursor(s),
        1,
      ) !== null,
    run: (session) => void session.jumpNarration(1),
  },
  {
    id: "undo",
    label: "↶ Undo fork",
    title: "Go back to the schedule before the last fork",
    keys: ["u", "U"],
    keyHelp: "U",
    enabled: (s) => (s.timeline.summary?.undoDepth ?? 0) > 0,
    run: (session) => void session.undo(),
  },
  {
    id: "slower",
    label: "− Slower",
    title: "Play slower",
    keys: ["-"],
    keyHelp: "-",
    toolbar: false,
    enabled: (s) => speedIndex(s) > 0,
    run: (session) => {
      const s = session.store.getState();
      session.setSpeed(SPEEDS[Math.max(0, speedIndex(s) - 1)]!);
    },
  },
  {
    id: "faster",
    label: "Faster +",
    title: "Play faster",
    keys: ["+", "="],
    keyHelp: "+",
    toolbar: false,
    enabled: (s) => speedIndex(s) < SPEEDS.length - 1,
    run: (session) => {
      const s = session.store.getState();
      session.setSpeed(SPEEDS[Math.min(SPEEDS.length - 1, speedIndex(s) + 1)]!);
    },
  },
  {
    id: "fork",
    label: "Step next",
    title: "Let the n-th actor of “who takes step N?” take the step (a fork)",
    keys: ["1", "2", "3", "4", "5", "6", "7", "8", "9"],
    keyHelp: "1–9",
    toolbar: false,
    enabled: (s) => (s.timeline.frame?.enabled.length ?? 0) > 0,
    run: (session, key) => {
      const c = choiceFor(session.store.getState(), key);
      if (c) void session.fork(c.actor, c.cpu);
    },
  },
  {
    id: "compare",
    label: (s) => (s.panes.compare ? "Close compare" : "Compare with fix"),
    title: "Compare mode: the same schedule on the fixed kernel, side by side",
    keys: ["c", "C"],
    keyHelp: "C",
    enabled: (s) => s.panes.compare !== null || canCompare(s),
    run: (session) => void session.toggleCompare(),
  },
  {
    id: "present",
    label: (s) => (s.panes.present ? "Leave presentation" : "Present"),
    title:
      "Presentation mode: larger cells and type, high contrast, for a projector",
    keys: ["P"],
    keyHelp: "Shift+P",
    toolbar: false,
    enabled: () => true,
    run: (session) => {
      const s = session.store.getState();
      s.setPresent(!s.panes.present);
    },
  },
  {
    id: "help",
    label: "? Keys",
    title:
      "Show the keyboard shortcuts and the legend of every glyph, lane shape and term",
    keys: ["?"],
    keyHelp: "?",
    enabled: () => true,
    run: (session) =>
      session.store.getState().setHelp(!session.store.getState().panes.help),
  },
];

/** A library race with a fix, loaded on its own kernel: compare mode can replay it on the fix. */
export function canCompare(s: AppState): boolean {
  const m = /^library:(.+)$/.exec(s.source);
  if (!m || m[1]!.endsWith(":fixed")) return false;
  return s.library.some((e) => e.id === m[1] && e.hasFix);
}

export function commandFor(key: string): Command | undefined {
  return COMMANDS.find((c) => c.keys.includes(key));
}

export function labelOf(c: Command, s: AppState): string {
  return typeof c.label === "string" ? c.label : c.label(s);
}

/** Keys typed into these go to the element, not to the timeline. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement) return true;
  if (target instanceof HTMLSelectElement) return true;
  return (
    target instanceof HTMLInputElement &&
    !["button", "checkbox", "radio", "range", "submit", "reset"].includes(
      target.type,
    )
  );
}
