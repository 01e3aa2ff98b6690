import type { Frame } from "./frame";
import type {
  CpuSlabLayout,
  KernelConfig,
  Narration,
  Scenario,
} from "../engine";
import type { FnSource, Listings } from "./panes";
import type { TimelineSummary } from "./timeline";
import type { HistoryRef, HistoryReply } from "./history";
import type { Divergence } from "./divergence";
/**
 * The contract between the UI and the engine. The same object is served from the module
 * worker (engine.worker.ts, through comlink) or called in the main thread (the fallback), so:
 *
 * - every method returns a Promise;
 * - arguments and results are structured-clonable plain data (no functions, class instances
 *   or DOM objects); the in-thread client clones them too, so both transports behave alike;
 * - methods may keep state (the loaded scenario, the trace) inside the implementation object.
 *
 * Expected refusals (an invalid scenario, a step an actor may not take) are answers, not
 * errors: a rejected call always means the engine itself failed, and the app recovers from it.
 *
 * To add a method: declare it here, implement it in engineApi.ts. The clients forward every
 * method by name, so nothing else changes.
 */
export interface EngineApi {
  /** Liveness check; answers which engine is running and where. */
  ping(): Promise<PingReply>;
  /** Loads the default scenario and builds its timeline; answers it with the frame at its cursor. */
  loadDefault(): Promise<Opened>;
  /** The scenario library: the races from the mailing-list threads and the tours. */
  listLibrary(): Promise<LibraryItem[]>;
  /** Loads a library scenario by id (on its fixed kernel with `fixed`); errors for an unknown id. */
  loadLibrary(id: string, fixed?: boolean): Promise<LoadReply>;
  /** Validates `scenario` (any JSON value) and loads it; the errors when it is not valid. */
  load(scenario: unknown): Promise<LoadReply>;
  /** The frame after `step` micro-steps of the loaded timeline (clamped to the trace). */
  seek(step: number): Promise<Frame>;
  /**
   * Lets `actor` take the step at cursor `step` on `cpu`; the rest of the trace is regenerated
   * round-robin. Answers the new timeline and the frame just after that step.
   */
  fork(step: number, actor: number, cpu: number): Promise<ForkReply>;
  /**
   * The history of an object or slab page up to cursor `upTo`: each step that moved it, who took
   * it and where it went (for the state view's hover and focus popover).
   */
  history(ref: HistoryRef, upTo: number): Promise<HistoryReply>;
  /** Takes back the last fork; answers the previous timeline at the fork's cursor, or null. */
  undo(): Promise<Opened | null>;
  /**
   * The loaded scenario as it stands: with the user's forks, the schedule actually taken
   * (run-length encoded) in place of the scenario's own. Share links and exports carry it.
   */
  currentScenario(): Promise<Scenario>;
  /**
   * Compare mode: replays the loaded library race's schedule on its fixed kernel, in a second
   * timeline; answers it at `step` (clamped to its trace). Refused unless a race with a fix is
   * loaded on its own kernel. Loading another scenario closes it.
   */
  openCompare(step: number): Promise<CompareReply>;
  /**
   * The fixed kernel's frame matching cursor `step` of the loaded trace by operation (the same
   * operation boundary, the same offset into it, clamped), or null when compare mode is closed.
   */
  compareSeek(step: number): Promise<Frame | null>;
  closeCompare(): Promise<void>;
  /**
   * The editor's seeded random mode: runs `scenario` (already valid) with random scheduling from
   * `seed` and answers the run written out as a schedule.
   */
  randomSchedule(
    scenario: Scenario,
    seed: number,
  ): Promise<NonNullable<Scenario["schedule"]>>;
  /** Turns on the test-only methods below (the app does so only with `?testing=1`). */
  setTesting(on: boolean): Promise<void>;
  /**
   * Test only: `worker` kills the worker with an uncaught error (the call never answers);
   * `silent` closes the worker without any error event (the call never answers either);
   * `engine` throws from inside the engine call, as an engine bug would.
   */
  crashForTesting(how: CrashKind): Promise<void>;
}

export type CrashKind = "worker" | "engine" | "silent";

export interface LibraryItem {
  id: string;
  kind: "race" | "tour";
  title: string;
  summary: string;
  /** The kernel where the race is fixed, when there is one (see LibraryEntry.fixed). */
  hasFix: boolean;
}

export interface ScenarioInfo {
  title: string;
  description: string;
  kernel: string;
  /** struct kmem_cache_cpu as this kernel and config lay it out (R9: {freelist, tid} alignment). */
  layout: CpuSlabLayout;
  /** The kernel configuration, for the badges. */
  config: KernelConfig;
  /** The scenario's narration, in step order (the story row of the lanes marks each step). */
  narration: Narration[];
  /** Objects per slab: an object ref is `page * objectsPerSlab + index` (prims.ts fmtObj). */
  objectsPerSlab: number;
  /** The paraphrased kernel lines of every function of this variant, for the code pane. */
  listings: Listings;
  /** Where each function's lines come from: a mainline tag's source, or the posting (code pane). */
  sources: Record<string, FnSource>;
  /** Where the viewer opens: the scenario's `cursor`, or 0. */
  cursor: number;
  /** For a library scenario: its story (summary, basis, source, fix, goal). */
  story?: ScenarioStory;
}

/** What the library says about a scenario, for the header under the title and goal mode. */
export interface ScenarioStory {
  id: string;
  kind: "race" | "tour";
  summary: string;
  /** The thread's own schedule (`history`), one built from its words (`analysis`), or `outside` it. */
  basis: "history" | "analysis" | "outside";
  /** The seed thread (patch or mail) it comes from. */
  source: string;
  /** The patch or commit that fixed it, when there is one. */
  fix?: string;
  /** The kernel where it is fixed, as `--kernel` names it (with a later fix: `v5.15 +name`). */
  fixedKernel?: string;
  /** Whether this is the schedule replayed on the fixed kernel. */
  onFixedKernel: boolean;
  /** Goal mode's aim for a race. */
  goal?: string;
}

export interface Opened {
  scenario: ScenarioInfo;
  timeline: TimelineSummary;
  frame: Frame;
}

export type LoadReply =
  ({ ok: true } & Opened) | { ok: false; errors: string[] };

export type CompareReply =
  | ({ ok: true; divergence: Divergence } & Opened)
  | { ok: false; message: string };

export type ForkReply =
  | { ok: true; timeline: TimelineSummary; frame: Frame }
  | { ok: false; message: string };

export type { Frame } from "./frame";
export type { HistoryRef, HistoryReply, HistoryEntry } from "./history";
export type { TimelineSummary, FindingMark, StopReason } from "./timeline";
export type {
  ActorCode,
  TraceHistory,
  StatSeries,
  Listings,
  FnSource,
  LocalValue,
  LocalView,
  RanLine,
  StepSite,
} from "./panes";
export type { Divergence, DivergenceKind } from "./divergence";

export type EngineLocation = "worker" | "in-thread";

export interface PingReply {
  engineVersion: number;
  where: EngineLocation;
}
