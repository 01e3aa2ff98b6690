/**
 * What the actor lanes, the code pane and the SLUB_STATS charts need, built from machines in the
 * worker: each actor's call stack with positions (`ActorCode`), the paraphrased listing of every
 * kernel function of the variant, and per-step series over the whole trace (the status of every
 * actor at every step, and the counters).
 *
 * The series come from one replay of the trace after it is built (Timeline.replay); they are
 * posted with the timeline summary. Long traces are folded into at most LANE_COLUMNS columns,
 * keeping in each column the most telling status (a step taken beats spinning, which beats
 * being blocked or preempted).
 */
import {
  kernelTable,
  type Actor,
  type Machine,
  type StepEvent,
} from "../engine";
import { lockKind } from "../engine/locks";
import { opText } from "../engine/opKinds";
import type { Variant } from "../engine/program";
import {
  NOT_KERNEL,
  slubLine,
  variantSource,
  type MainlineTag,
  type PatchSource,
} from "./sourceLines";
import { localsOf, type LocalView } from "./locals";

export type { LocalValue, LocalView } from "./locals";

/** What an actor is doing at a step, as the lanes draw it (0: not in an operation). */
export const LANE = {
  idle: 0,
  /** Took this step and made progress. */
  ran: 1,
  /** Took this step, but only spun on a lock (or went to sleep on it). */
  spun: 2,
  /** In an operation, waiting for a lock, a work item or an IPI. */
  blocked: 3,
  /** In an operation, on its CPU, but another context runs over it (preempted or interrupted). */
  preempted: 4,
  /** In an operation and on top of its CPU, but another CPU took this step. */
  onCpu: 5,
} as const;
export type LaneStatus = (typeof LANE)[keyof typeof LANE];

/** Which status wins when several steps share a column. */
const RANK = [0, 5, 4, 3, 2, 1];

export const LANE_COLUMNS = 1000;

export interface StatSeries {
  name: string;
  /**
   * Cursors where the total changed, ascending, and the total from there on. In traces longer
   * than LANE_COLUMNS only the last change in each column is kept: the chart's resolution.
   */
  cursors: number[];
  values: number[];
}

export interface TraceHistory {
  /** Columns per lane: the trace's steps, or LANE_COLUMNS when it is longer. */
  columns: number;
  /** Lane statuses, actor-major: `lanes[actor * columns + column]`. */
  lanes: Uint8Array;
  /** The SLUB_STATS totals over all CPUs, one series per counter that ever changes. */
  stats: StatSeries[];
  /**
   * Per step, never folded (step j leads from cursor j to j + 1): the index in `sites` of the
   * function and kernel line the stepping actor ran, with STEP_SPUN set when the step only spun
   * on a lock or went to sleep on it. Two bytes a step, so hovering any step can name its line.
   */
  steps: Uint16Array;
  sites: StepSite[];
}

/** A kernel function and one of its paraphrased lines. */
export interface StepSite {
  fn: string;
  line: string;
}

/** The bit of `TraceHistory.steps` that marks a step that only spun or blocked. */
export const STEP_SPUN = 0x8000;

export type ActorState =
  | "running"
  | "spinning"
  | "blocked"
  | "preempted"
  | "ready"
  | "done"
  | "crashed";

export interface ActorCode {
  id: number;
  name: string;
  kind: string;
  cpu: number;
  state: ActorState;
  /** The operation in progress or next, e.g. `alloc a`. */
  op: string;
  /** Outermost call first; `pc` indexes the function's listing. */
  stack: { fn: string; pc: number }[];
  /** What it waits for, in words, when blocked or spinning. */
  waiting: string | null;
  /**
   * The line its last step ran (the last step it took at or before the cursor), or null when it
   * has not stepped yet. `fn` may differ from the top of `stack` (it just called or returned).
   */
  ran: RanLine | null;
  /** The locals of the function it is in (the top of `stack`), typed by what they name. */
  locals: LocalView[];
}

export interface RanLine {
  fn: string;
  pc: number;
  /** The step that ran it (0-based: it led from cursor `step` to `step + 1`). */
  step: number;
}

/** Every function's paraphrased kernel lines, by function name, in step order. */
export type Listings = Record<string, string[]>;

export function listingsOf(v: Variant): Listings {
  const out: Listings = {};
  for (const f of Object.values(v.fns))
    out[f.name] = f.steps.map((s) => s.line);
  return out;
}

/** Where a function's paraphrased lines come from, for the code pane's links. */
export interface FnSource {
  /** The release whose source the link leads to; null when there is no mainline link. */
  tag: MainlineTag | null;
  /** The posting the variant is built from, when it never shipped. */
  patch: PatchSource | null;
  /**
   * For a variant that never shipped: this function is modelled exactly as in mainline `tag`
   * (the links and numbers are that release's).
   */
  unchanged: boolean;
  /** Per step (the listing's order), its mm/slub.c line at `tag`, when known. */
  lines: (number | null)[];
}

/** Every function's source for variant table `v` (as built from its declared variant). */
export function sourcesOf(v: Variant): Record<string, FnSource> {
  const src = variantSource(v.base);
  const base = kernelTable(src.base);
  const out: Record<string, FnSource> = {};
  for (const f of Object.values(v.fns)) {
    const kernel = !NOT_KERNEL.has(f.name);
    const unchanged = kernel && src.patch !== null && base[f.name] === f;
    const tag = kernel && (src.patch === null || unchanged) ? src.base : null;
    out[f.name] = {
      tag,
      patch: kernel ? src.patch : null,
      unchanged,
      lines: f.steps.map((s) =>
        tag
          ? slubLine(tag, f.name, { label: s.label ?? null, line: s.line })
          : null,
      ),
    };
  }
  return out;
}

function onTop(m: Machine, a: Actor): boolean {
  const c = m.cpus[a.cpu];
  if (!c) return false;
  return (c.nmi ?? c.irq ?? c.current) === a.id;
}

function statusOf(m: Machine, a: Actor): LaneStatus {
  if (a.frames.length === 0) return LANE.idle;
  if (a.wait) return LANE.blocked;
  return onTop(m, a) ? LANE.onCpu : LANE.preempted;
}

function waitText(m: Machine, a: Actor): string | null {
  const w = a.wait;
  if (!w) return null;
  switch (w.kind) {
    case "lock": {
      const what = lockKind(w.ref).waitName(w.ref);
      return `${w.spinning ? "spins on" : "sleeps on"} ${what}`;
    }
    case "work":
      return `waits for the flush work of ${m.actors[w.actor]?.name ?? "?"}`;
    case "ipi":
      return `waits for the IPI of ${m.actors[w.actor]?.name ?? "?"}`;
    case "cpuIdle":
      return `waits until cpu ${w.cpu} is idle`;
  }
}

/**
 * Each actor's position at the cursor: the scenario's actors, and the kernel's while they work.
 * `ranOf` answers the line an actor's last step ran (the timeline keeps it per step).
 */
export function actorCode(
  m: Machine,
  ranOf: (actor: number) => RanLine | null = () => null,
): ActorCode[] {
  return m.actors
    .filter((a) => !a.system || a.frames.length > 0 || a.op < a.ops.length)
    .map((a) => {
      const top = a.frames[a.frames.length - 1];
      let state: ActorState;
      if (a.status === "crashed") state = "crashed";
      else if (a.frames.length === 0)
        state = a.op < a.ops.length ? "ready" : "done";
      else if (a.wait)
        state =
          a.wait.kind === "lock" && a.wait.spinning ? "spinning" : "blocked";
      else state = onTop(m, a) ? "running" : "preempted";
      return {
        id: a.id,
        name: a.name,
        kind: a.kind,
        cpu: a.cpu,
        state,
        op: opText(a.ops[a.op]),
        stack: a.frames.map((f) => ({ fn: f.fn, pc: f.pc })),
        waiting: waitText(m, a),
        ran: ranOf(a.id),
        locals: top ? localsOf(m, top.fn, top.L) : [],
      };
    });
}

/**
 * Records, step by step, the lane status of every actor and the SLUB_STATS totals; `history()`
 * answers them folded to at most LANE_COLUMNS columns.
 */
export class HistoryRecorder {
  private readonly actors: number;
  private readonly columns: number;
  private readonly lanes: Uint8Array;
  private readonly stats = new Map<string, StatSeries>();
  private readonly totals: Record<string, number> = {};
  private readonly total: number;
  private readonly steps: Uint16Array;
  private readonly sites: StepSite[] = [];
  private readonly siteIds = new Map<string, number>();

  constructor(m0: Machine, total: number) {
    this.steps = new Uint16Array(total);
    this.actors = m0.actors.length;
    this.columns = Math.min(total, LANE_COLUMNS);
    this.lanes = new Uint8Array(this.actors * this.columns);
    this.total = total;
    this.record(m0, 0);
  }

  /** After step `ev.step` (which leads to cursor ev.step + 1). */
  step(m: Machine, ev: StepEvent): void {
    const col = Math.floor((ev.step * this.columns) / Math.max(this.total, 1));
    const spun = ev.outcome === "spun" || ev.outcome === "blocked";
    if (ev.step < this.steps.length)
      this.steps[ev.step] = this.site(ev.fn, ev.line) | (spun ? STEP_SPUN : 0);
    for (let i = 0; i < this.actors && i < m.actors.length; i++) {
      const a = m.actors[i]!;
      let s: LaneStatus;
      if (i === ev.actor) s = spun ? LANE.spun : LANE.ran;
      else s = statusOf(m, a);
      const k = i * this.columns + col;
      if (RANK[s]! > RANK[this.lanes[k]!]!) this.lanes[k] = s;
    }
    // Only a step that bumped a counter can change a total.
    if (ev.stats.length > 0) this.record(m, ev.step + 1);
  }

  private record(m: Machine, cursor: number): void {
    const now: Record<string, number> = {};
    for (const per of m.stats)
      for (const k in per) now[k] = (now[k] ?? 0) + per[k]!;
    for (const k in now) {
      if (now[k] === (this.totals[k] ?? 0) && cursor > 0) continue;
      if (now[k] === 0) continue;
      this.totals[k] = now[k]!;
      let s = this.stats.get(k);
      if (!s) {
        s = { name: k, cursors: [], values: [] };
        this.stats.set(k, s);
      }
      // Long traces keep one point per lane column (the last one), so a series stays small.
      const n = s.cursors.length;
      if (
        this.total > LANE_COLUMNS &&
        n > 0 &&
        this.column(s.cursors[n - 1]!) === this.column(cursor)
      ) {
        s.cursors[n - 1] = cursor;
        s.values[n - 1] = now[k]!;
      } else {
        s.cursors.push(cursor);
        s.values.push(now[k]!);
      }
    }
  }

  private site(fn: string, line: string): number {
    const key = `${fn}\n${line}`;
    let id = this.siteIds.get(key);
    if (id === undefined) {
      // The index must stay below the spin bit; a variant has far fewer lines than that.
      if (this.sites.length >= STEP_SPUN) return STEP_SPUN - 1;
      id = this.sites.length;
      this.sites.push({ fn, line });
      this.siteIds.set(key, id);
    }
    return id;
  }

  private column(cursor: number): number {
    return Math.floor((cursor * this.columns) / (this.total + 1));
  }

  history(): TraceHistory {
    return {
      columns: this.columns,
      lanes: this.lanes,
      stats: [...this.stats.values()].sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
      steps: this.steps,
      sites: this.sites,
    };
  }
}

/** A counter's total at `cursor` (0 before its first change; exact when the trace is not folded). */
export function statAt(s: StatSeries, cursor: number): number {
  let lo = 0;
  let hi = s.cursors.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s.cursors[mid]! <= cursor) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : s.values[lo - 1]!;
}
