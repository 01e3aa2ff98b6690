/**
 * The timeline of one scenario: every step's choice, keyframes every K steps, and the frames the
 * UI draws. Seeking restores the nearest keyframe at or before the step and replays the recorded
 * choices, so any step costs at most K micro-steps however long the trace.
 *
 * A fork lets a chosen actor take the step at the cursor: the steps after the cursor are dropped
 * and the rest is regenerated round-robin (the scenario's own schedule no longer applies once
 * history differs from it). The previous traces are kept on a stack for undo.
 *
 * Pure (no DOM, no worker APIs): the worker serves it, the tests and the benchmarks call it.
 */
import type { ActorKind } from "../engine/types";
import {
  applyChoice,
  choicesFor,
  completed,
  deadlockFinding,
  enabled,
  NarrationAnchors,
  Scheduler,
  start,
  stuck,
  type Finding,
  type Narration,
  type FindingCode,
  type Machine,
  type Scenario,
  type Session,
  type StepEvent,
  type Choice,
} from "../engine";
import {
  buildView,
  diffViews,
  eventView,
  FRAME_FINDINGS,
  type Frame,
  type StateView,
} from "./frame";
import {
  decodeKeyframe,
  encodeKeyframe,
  FLAG_FINDING,
  FLAG_OP_END,
  FLAG_OP_START,
  keyframeChars,
  NO_FN,
  shareOps,
  StepLog,
  type Keyframe,
  type SharedOps,
} from "./trace";
import {
  actorCode,
  HistoryRecorder,
  type RanLine,
  type TraceHistory,
} from "./panes";

export type StopReason =
  | "done"
  | "deadlock"
  | "schedule-ended"
  | "step-limit"
  | "crashed"
  /** The engine threw: the trace ends before the step that failed. */
  | "engine-error";

/** A finding as a marker on the scrubber: the cursor where it first shows. */
export interface FindingMark {
  cursor: number;
  code: FindingCode;
  actor: string | null;
  message: string;
}

/** What the scrubber needs about the whole trace, posted on load, fork and undo. */
export interface TimelineSummary {
  total: number;
  stopReason: StopReason;
  /** The engine's message when it threw, else null. */
  error: string | null;
  skippedEntries: number;
  actors: { id: number; name: string; kind: ActorKind; cpu: number }[];
  /** The actor id that takes each step (step j leads from cursor j to j + 1). */
  actorOfStep: Uint8Array;
  /** Cursors where an operation starts or has just ended, ascending. */
  opBoundaries: number[];
  findings: FindingMark[];
  /** Cursors where a user's choice took the step, for the forks still in this history. */
  forks: number[];
  /** How many forks undo can take back. */
  undoDepth: number;
  /** Per-step actor lane statuses and SLUB_STATS series (see panes.ts). */
  history: TraceHistory;
}

export interface TimelineOptions {
  /** Steps between keyframes (32 to 64 keeps seeks short and memory small). */
  keyframeEvery?: number;
  maxSteps?: number;
}

interface Trace {
  log: StepLog;
  keyframes: Keyframe[];
  marks: FindingMark[];
  stop: StopReason;
  error: string | null;
  skipped: number;
  /** Anchored schedule entries that could not be followed, with why. */
  problems: string[];
  /** The step a user's choice took; null for the scenario's own schedule. */
  forkedAt: number | null;
  /** The deadlock finding added once nothing can run (not the effect of any step). */
  deadlock: Finding | null;
}

export type ForkResult = { ok: true } | { ok: false; message: string };

export const KEYFRAME_EVERY = 64;

export class Timeline {
  readonly session: Omit<Session, "machine">;
  private trace: Trace;
  private readonly undone: Trace[] = [];
  private readonly histories = new WeakMap<Trace, TraceHistory>();
  private readonly shared: SharedOps;
  private readonly K: number;
  private readonly maxSteps: number;
  private readonly fnLines = (fn: string, pc: number) =>
    this.session.variant.fns[fn]?.steps[pc]?.line ?? "";
  /** The variant's functions by index, for the kernel line each step ran (StepLog.fn). */
  private readonly fnNames: string[];
  private readonly fnIds: Map<string, number>;
  /**
   * The scenario's narration with every entry on its step (anchored entries placed where the
   * scenario's own run reaches them), in step order.
   */
  readonly narrationEntries: Narration[];
  /** Anchored narration the scenario's own run never reaches (left out), with why. */
  readonly narrationMissed: string[] = [];

  constructor(scenario: Scenario, opts: TimelineOptions = {}) {
    this.K = opts.keyframeEvery ?? KEYFRAME_EVERY;
    this.maxSteps = opts.maxSteps ?? 100_000;
    const sess = start(scenario);
    this.session = { scenario, variant: sess.variant };
    this.fnNames = Object.keys(sess.variant.fns);
    this.fnIds = new Map(this.fnNames.map((f, i) => [f, i]));
    const m = sess.machine;
    this.shared = shareOps(m);
    this.trace = {
      log: new StepLog(),
      keyframes: [encodeKeyframe(m, this.shared, null)],
      marks: m.findings.map((f) => mark(f, 0)),
      stop: "done",
      error: null,
      skipped: 0,
      problems: [],
      forkedAt: null,
      deadlock: null,
    };
    const sched = new Scheduler(scenario, null, sess.variant);
    const anchors = scenario.anchoredNarration?.length
      ? new NarrationAnchors(scenario, sess.variant)
      : null;
    anchors?.observe(m);
    this.extend(this.trace, m, sched, anchors);
    this.trace.skipped = sched.skipped;
    this.trace.problems = sched.problems;
    if (anchors) {
      const r = anchors.result();
      this.narrationEntries = r.narration;
      this.narrationMissed = r.missed.map((x) => x.message);
    } else this.narrationEntries = scenario.narration ?? [];
  }

  get total(): number {
    return this.trace.log.length;
  }

  get undoDepth(): number {
    return this.undone.length;
  }

  /** The choice that took step `i` (0 <= i < total): a share link rebuilds its schedule from them. */
  choiceAt(i: number): Choice {
    return this.trace.log.choice(i);
  }

  /** The machine after `i` steps, a copy the caller owns. */
  machineAt(i: number): Machine {
    return this.restore(this.clamp(i), false).m;
  }

  /**
   * Replays the trace from the start up to cursor `upTo` (clamped), calling `visit` after every
   * step with the machine (mutated in place: read it, do not keep it) and the step's event.
   */
  replay(upTo: number, visit: (m: Machine, ev: StepEvent) => void): void {
    const n = this.clamp(upTo);
    const m = decodeKeyframe(this.trace.keyframes[0]!, this.shared);
    for (let j = 0; j < n; j++)
      visit(m, applyChoice(m, this.session.variant, this.trace.log.choice(j)));
  }

  /** The machine at cursor 0, a copy the caller owns. */
  initial(): Machine {
    return decodeKeyframe(this.trace.keyframes[0]!, this.shared);
  }

  /** The frame at cursor `i` (clamped to the trace). */
  frame(step: number): Frame {
    const i = this.clamp(step);
    const { m, ev, before } = this.restore(i, true);
    const view = buildView(m, this.fnLines);
    const t = this.trace;
    const next = i < t.log.length ? t.log.choice(i) : null;
    return {
      step: i,
      total: t.log.length,
      event: ev && eventView(m, ev),
      ...view,
      changed: diffViews(before, view),
      enabled: enabled(m).map((c) => ({
        actor: c.actor,
        name: m.actors[c.actor]!.name,
        cpu: c.cpu,
        via: c.via,
        progress: c.progress,
        scheduled:
          next !== null && next.actor === c.actor && next.cpu === c.cpu,
      })),
      findings: m.findings.slice(-FRAME_FINDINGS),
      findingsTotal: m.findings.length,
      narration: this.narration(i),
      code: actorCode(m, this.ranAt(i)),
      stop:
        i === t.log.length
          ? {
              reason: t.stop,
              message:
                t.error ??
                t.deadlock?.message ??
                (t.problems.length > 0 ? t.problems.join("; ") : null),
            }
          : null,
    };
  }

  /**
   * The line each actor's last step ran, at cursor `i`: one walk back over the step log, which
   * stops once every actor has been seen.
   */
  private ranAt(i: number): (actor: number) => RanLine | null {
    const log = this.trace.log;
    const found = new Map<number, RanLine | null>();
    let left = -1;
    return (actor) => {
      const known = found.get(actor);
      if (known !== undefined) return known;
      if (left === -1) left = i;
      while (left > 0) {
        const j = --left;
        const a = log.actor[j]!;
        if (found.has(a)) continue;
        const fn = log.fn[j]!;
        found.set(
          a,
          fn === NO_FN
            ? null
            : { fn: this.fnNames[fn]!, pc: log.pc[j]!, step: j },
        );
        if (a === actor) return found.get(a)!;
      }
      found.set(actor, null);
      return null;
    };
  }

  summary(): TimelineSummary {
    const t = this.trace;
    const n = t.log.length;
    const opBoundaries: number[] = [];
    const push = (c: number) => {
      if (opBoundaries[opBoundaries.length - 1] !== c) opBoundaries.push(c);
    };
    for (let j = 0; j < n; j++) {
      const f = t.log.flags[j]!;
      if (f & FLAG_OP_START) push(j);
      if (f & FLAG_OP_END) push(j + 1);
    }
    const m0 = this.restore(0, false).m;
    return {
      total: n,
      stopReason: t.stop,
      error: t.error,
      skippedEntries: t.skipped,
      actors: m0.actors.map((a) => ({
        id: a.id,
        name: a.name,
        kind: a.kind,
        cpu: a.cpu,
      })),
      actorOfStep: t.log.actor.slice(0, n),
      opBoundaries,
      findings: t.deadlock ? [...t.marks, mark(t.deadlock, n)] : t.marks,
      forks: this.forkPoints(),
      undoDepth: this.undone.length,
      history: this.history(),
    };
  }

  /** The lanes and counters of the current trace, from one replay without the checks; cached per trace. */
  history(): TraceHistory {
    const t = this.trace;
    let h = this.histories.get(t);
    if (!h) {
      const m = decodeKeyframe(t.keyframes[0]!, this.shared);
      const rec = new HistoryRecorder(m, t.log.length);
      const v = this.session.variant;
      for (let j = 0; j < t.log.length; j++)
        rec.step(m, applyChoice(m, v, t.log.choice(j), { checks: false }));
      h = rec.history();
      this.histories.set(t, h);
    }
    return h;
  }

  /**
   * Lets `actor` take the step at cursor `step`, on `cpu` (another CPU than its own migrates
   * it), drops the steps after it and regenerates them round-robin.
   */
  fork(step: number, actor: number, cpu: number): ForkResult {
    const i = this.clamp(step);
    const m = this.machineAt(i);
    const a = m.actors[actor];
    const ch = a ? choicesFor(m, a).find((c) => c.cpu === cpu) : undefined;
    if (!a || !ch)
      return {
        ok: false,
        message: `${a?.name ?? `actor ${actor}`} may not take a step on cpu ${cpu} at step ${i}`,
      };
    const cur = this.trace;
    const t: Trace = {
      log: cur.log.prefix(i),
      keyframes: cur.keyframes.slice(0, Math.floor(i / this.K) + 1),
      marks: cur.marks.filter((f) => f.cursor <= i),
      stop: "done",
      error: null,
      skipped: 0,
      problems: [],
      forkedAt: i,
      deadlock: null,
    };
    if (this.apply(t, m, ch)) {
      const rest: Scenario = {
        ...this.session.scenario,
        schedule: { steps: [], rest: "round-robin" },
      };
      this.extend(t, m, new Scheduler(rest, null, this.session.variant));
    }
    this.undone.push(cur);
    this.trace = t;
    return { ok: true };
  }

  /** Returns to the trace before the last fork; answers the cursor of that fork, or null. */
  undo(): number | null {
    const prev = this.undone.pop();
    if (!prev) return null;
    const at = this.trace.forkedAt ?? 0;
    this.trace = prev;
    return at;
  }

  /** Memory the trace's own data holds (keyframe text and step arrays), in bytes. */
  bytes(): number {
    return keyframeChars(this.trace.keyframes) + this.trace.log.bytes();
  }

  private clamp(i: number): number {
    if (!Number.isFinite(i)) return i > 0 ? this.trace.log.length : 0;
    return Math.max(0, Math.min(Math.floor(i), this.trace.log.length));
  }

  /** The state at cursor `i`, the event of the step before it and, on request, the view before that step. */
  private restore(
    i: number,
    withBefore: boolean,
  ): { m: Machine; ev: StepEvent | null; before: StateView | null } {
    const t = this.trace;
    // From the keyframe before i (not at i), so the last step is replayed and its event known.
    const k = i === 0 ? 0 : Math.floor((i - 1) / this.K);
    const m = decodeKeyframe(t.keyframes[k]!, this.shared);
    const v = this.session.variant;
    for (let j = k * this.K; j < i - 1; j++) applyChoice(m, v, t.log.choice(j));
    let ev: StepEvent | null = null;
    let before: StateView | null = null;
    if (i > 0) {
      if (withBefore) before = buildView(m, this.fnLines);
      ev = applyChoice(m, v, t.log.choice(i - 1));
    }
    if (i === t.log.length && t.deadlock) m.findings.push({ ...t.deadlock });
    return { m, ev, before };
  }

  /** Executes `ch` on `m` and records it; false when the engine threw (the trace ends there). */
  private apply(t: Trace, m: Machine, ch: Choice): boolean {
    let ev: StepEvent;
    try {
      ev = applyChoice(m, this.session.variant, ch);
    } catch (e) {
      t.stop = "engine-error";
      t.error = `the engine failed at step ${t.log.length}: ${e instanceof Error ? e.message : String(e)}`;
      return false;
    }
    let flags = 0;
    if (ev.opStart) flags |= FLAG_OP_START;
    if (ev.opEnd) flags |= FLAG_OP_END;
    if (ev.findings.length > 0) {
      flags |= FLAG_FINDING;
      for (const f of ev.findings) t.marks.push(mark(f, ev.step + 1));
    }
    t.log.push(ch, flags, this.fnIds.get(ev.fn) ?? NO_FN, ev.pc);
    if (m.step % this.K === 0)
      t.keyframes.push(
        encodeKeyframe(m, this.shared, t.keyframes[t.keyframes.length - 1]!),
      );
    return true;
  }

  /** Runs `sched` from `m` to the end, as runSession does, recording every step. */
  private extend(
    t: Trace,
    m: Machine,
    sched: Scheduler,
    anchors: NarrationAnchors | null = null,
  ): void {
    for (;;) {
      if (completed(m)) {
        t.stop = m.actors.some((a) => a.status === "crashed")
          ? "crashed"
          : "done";
        break;
      }
      if (m.step >= this.maxSteps) {
        t.stop = "step-limit";
        break;
      }
      const ch = sched.next(m);
      if (!ch) {
        if (stuck(m)) {
          t.stop = "deadlock";
          if (!m.findings.some((x) => x.code === "deadlock")) {
            t.deadlock = deadlockFinding(m);
          }
        } else t.stop = "schedule-ended";
        break;
      }
      if (!this.apply(t, m, ch)) break;
      if (anchors?.pending) anchors.observe(m);
    }
    sched.end(m);
    t.log.trim();
  }

  private forkPoints(): number[] {
    const out: number[] = [];
    let limit = Infinity;
    for (const t of [this.trace, ...[...this.undone].reverse()]) {
      if (t.forkedAt !== null && t.forkedAt < limit) {
        out.push(t.forkedAt);
        limit = t.forkedAt;
      }
    }
    return out.reverse();
  }

  /** The scenario's narration, up to the first fork (after it, the story no longer applies). */
  private narration(i: number): string | null {
    const forks = this.forkPoints();
    const diverged = forks.length > 0 ? forks[0]! : Infinity;
    if (i > diverged) return null;
    let text: string | null = null;
    let best = -1;
    for (const n of this.narrationEntries) {
      if (n.step <= i && n.step < diverged && n.step >= best) {
        best = n.step;
        text = n.text;
      }
    }
    // An empty text ends the narration before it: the scenario of a forked timeline (see
    // takenSchedule.ts) ends the story where the fork left it.
    return text === "" ? null : text;
  }
}

function mark(f: Finding, cursor: number): FindingMark {
  return { cursor, code: f.code, actor: f.actor, message: f.message };
}
