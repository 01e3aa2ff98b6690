/**
 * Running a scenario: its scripted schedule first, then (by default) round-robin until every
 * actor is done, nothing can make progress (a deadlock), or a step limit. Also random schedules
 * from a seed, for exploration and property tests.
 *
 * A scripted entry names an actor that cannot run at that point (for example when the scenario
 * is replayed on another kernel whose code takes a different number of steps) is skipped and
 * counted, so a schedule replays as far as it applies.
 */
import { buildVariant } from "./kernel";
import { applyChoice, configOf, load } from "./machine";
import type { Variant } from "./program";
import { actorName, lockName, lockOwners } from "./prims";
import { rng, type Rng } from "./random";
import {
  anchorStep,
  ArrivalCounter,
  NarrationAnchors,
  type ResolvedNarration,
} from "./anchor";
import {
  anchorText,
  parseEntry,
  type Anchor,
  type ParsedEntry,
  type Scenario,
} from "./scenario";
import {
  choicesFor,
  hasWork as hasWorkImport,
  nthChoice as nthChoiceImport,
  pickProgressing as pickProgressingImport,
  progressCount as progressCountImport,
  progressing as progressingImport,
  scanCpus as scanCpusImport,
  stuck,
} from "./scheduler";
import type { Actor, Choice, Finding, Machine, StepEvent } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every call through an imported binding is a
// getter call, which costs more than the call itself on this per-step path.
const hasWork = hasWorkImport;
const nthChoice = nthChoiceImport;
const progressCount = progressCountImport;
const scanCpus = scanCpusImport;
const progressing = progressingImport;
const pickProgressing = pickProgressingImport;
const applyOne = applyChoice;

export interface Session {
  scenario: Scenario;
  variant: Variant;
  machine: Machine;
}

/**
 * A session at step 0. `variant` replaces the kernel the scenario names with a table built by the
 * caller (tests that refine a kernel function and check what moves).
 */
export function start(
  s: Scenario,
  opts: { checks?: boolean; variant?: Variant } = {},
): Session {
  const variant = opts.variant ?? buildVariant(configOf(s));
  return { scenario: s, variant, machine: load(s, variant, opts) };
}

export type Policy =
  { kind: "scripted" } | { kind: "roundRobin" } | { kind: "random"; rng: Rng };

/**
 * Picks the next choice; null when nobody can make progress.
 *
 * A counted entry (`A*N`) gives A up to N steps; a step A cannot take there is skipped and
 * counted in `skipped`. An anchored entry (`A>fn:label#N`) gives A steps until it is at that
 * point of the code for the N-th time (see anchor.ts; the point it is at when the entry starts
 * counts, so an entry whose anchor is already reached takes no step). Only A runs meanwhile, so
 * A must get there by itself. When it cannot, the entry ends where A got to, counts as one
 * skipped entry, and `problems` records why, naming the entry; the schedule goes on with the next
 * entry (as counted entries replay as far as they apply, so a scenario still replays on a kernel
 * whose code differs, e.g. its fixed kernel). An entry cannot be followed when:
 * - the variant has no such function or label, or no actor has that name;
 * - A finishes its operations (or stops at a BUG) without getting there;
 * - A cannot run (it sleeps on a lock, its CPU is taken by another context...);
 * - A would only spin: it busy-waits on a lock that nobody else can release while only A runs.
 *   The step in which A first finds the lock taken is a step like any other and is counted.
 */
export class Scheduler {
  private entries: ParsedEntry[] = [];
  private entryIndex = 0;
  private left = 0;
  private rrLast = -1;
  /** The random scheduler's choice, rewritten on every pick (see `next`). */
  private readonly picked: Choice = {
    actor: 0,
    cpu: 0,
    progress: true,
    via: "running",
  };
  /** Arrivals at the current anchored entry's point, created when the entry starts. */
  private counter: ArrivalCounter | null = null;
  skipped = 0;
  /** Why anchored entries could not be followed, one message per entry. */
  readonly problems: string[] = [];
  constructor(
    private readonly s: Scenario,
    private readonly random: Rng | null,
    private readonly variant: Variant | null = null,
  ) {
    for (const e of s.schedule?.steps ?? []) {
      const p = parseEntry(e);
      if (typeof p === "string") throw new Error(p);
      this.entries.push(p);
    }
    this.left = this.entries[0]?.times ?? 0;
  }

  private advance(): void {
    this.entryIndex++;
    this.left = this.entries[this.entryIndex]?.times ?? 0;
    this.counter = null;
  }

  private scripted(m: Machine): Choice | null | "exhausted" {
    while (this.entryIndex < this.entries.length) {
      const e = this.entries[this.entryIndex]!;
      if (e.anchor) {
        const r = this.anchored(m, e, e.anchor);
        if (r !== "reached") return r;
        this.advance();
        continue;
      }
      if (this.left <= 0) {
        this.advance();
        continue;
      }
      this.left--;
      const a = m.actors.find((x) => x.name === e.actor);
      const cs = a ? choicesFor(m, a) : [];
      const pick = pickOn(cs, a, e.cpu);
      if (pick) return pick;
      this.skipped++;
    }
    return "exhausted";
  }

  private fail(m: Machine, why: string): "reached" {
    const text = this.s.schedule!.steps[this.entryIndex]!;
    this.problems.push(
      `schedule entry ${this.entryIndex + 1}, "${text}" (step ${m.step}): ${why}`,
    );
    this.skipped++;
    return "reached";
  }

  /**
   * The run ended (every actor done, a deadlock, the step limit) during an anchored entry:
   * reports the entry when its actor did not get there.
   */
  end(m: Machine): void {
    if (this.random) return;
    const e = this.entries[this.entryIndex];
    if (!e?.anchor) return;
    const r = this.anchored(m, e, e.anchor);
    if (r !== "reached")
      this.fail(
        m,
        `the run ended before ${e.actor} reached ${anchorText(e.anchor)}`,
      );
    this.advance();
  }

  /** The next step of an anchored entry; "reached" when the entry is over. */
  private anchored(
    m: Machine,
    e: ParsedEntry,
    anchor: Anchor,
  ): Choice | "reached" {
    const fail = (why: string) => this.fail(m, why);
    const v = this.variant;
    if (!v) return fail("anchored entries need the kernel variant");
    const a = m.actors.find((x) => x.name === e.actor);
    if (!a) return fail(`no actor named ${e.actor}`);
    if (!this.counter) {
      const at = anchorStep(v, anchor);
      if (typeof at === "string") return fail(at);
      this.counter = new ArrivalCounter(at.fn, at.pc);
    }
    this.counter.observe(a, v);
    if (this.counter.arrivals >= anchor.occurrence) return "reached";
    const where = `${anchorText(anchor)} (got there ${this.counter.arrivals} of ${anchor.occurrence} times)`;
    if (!hasWork(a))
      return fail(
        a.status === "crashed"
          ? `${a.name} stopped at a BUG before reaching ${where}`
          : `${a.name} finished its operations without reaching ${where}`,
      );
    const pick = pickOn(choicesFor(m, a), a, e.cpu);
    if (!pick)
      return fail(
        `${a.name} cannot run${e.cpu === null ? "" : ` on cpu ${e.cpu}`} before reaching ${where}: ${actorReport(m, a)}`,
      );
    if (!pick.progress)
      return fail(
        `${a.name} would spin forever before reaching ${where}: ${actorReport(m, a)}, and only ${a.name} runs in this entry`,
      );
    return pick;
  }

  /** The next choice; a random scheduler's is valid until the next call (one object, rewritten). */
  next(m: Machine): Choice | null {
    if (!this.random) {
      const sc = this.scripted(m);
      if (sc !== "exhausted") return sc;
      if ((this.s.schedule?.rest ?? "round-robin") === "stop") return null;
    }
    return this.random ? this.randomChoice(m, this.random) : this.roundRobin(m);
  }

  private roundRobin(m: Machine): Choice | null {
    scanCpus(m);
    const actors = m.actors;
    const n = actors.length;
    for (let i = 1; i <= n; i++) {
      const a = actors[(this.rrLast + i) % n]!;
      // Stay on the actor's CPU when it can; migrate only when it cannot (its CPU went offline).
      if (progressCount(m, a, false) === 0 && progressCount(m, a, true) === 0)
        continue;
      this.rrLast = a.id;
      return nthChoice(m, a, 0);
    }
    return null;
  }

  private randomChoice(m: Machine, r: Rng): Choice | null {
    // Migrations are possible at almost every point: offer them in one draw out of seven.
    let migrations = r.next() >= 0.85;
    let total = progressing(m, migrations);
    if (total === 0 && !migrations) {
      migrations = true;
      total = progressing(m, true);
    }
    if (total === 0) return null;
    // The pick among every actor's progressing choices, in actor order (as `enabled` lists them).
    return pickProgressing(m, migrations, r.int(total), this.picked);
  }
}

/** The actor's choice on `cpu` (its own CPU first when null), as counted entries pick. */
function pickOn(
  cs: Choice[],
  a: Actor | undefined,
  cpu: number | null,
): Choice | undefined {
  return cpu === null
    ? (cs.find((c) => c.cpu === a!.cpu) ?? cs[0])
    : cs.find((c) => c.cpu === cpu);
}

/** Describes who waits for whom when nothing can progress. */
/** The finding a run ends with when nobody can make progress and some actor still has work. */
export function deadlockFinding(m: Machine): Finding {
  return {
    code: "deadlock",
    step: m.step,
    actor: null,
    slabs: [],
    objects: [],
    message: `deadlock: ${deadlockReport(m)}`,
    form: "detail",
  };
}

export function deadlockReport(m: Machine): string {
  const parts: string[] = [];
  for (const a of m.actors)
    if (hasWork(a) && a.wait) parts.push(actorReport(m, a));
  for (const a of m.actors)
    if (hasWork(a) && !a.wait) parts.push(actorReport(m, a));
  return parts.length > 0 ? parts.join("; ") : "no context can run";
}

/** What holds one actor up: the lock, context or CPU it waits for. */
function actorReport(m: Machine, a: Actor): string {
  const w = a.wait;
  if (w) {
    if (w.kind === "lock")
      return `${a.name} waits for ${lockName(w.ref)} held by ${
        lockOwners(m, w.ref)
          .map((o) => actorName(m, o))
          .join(", ") || "nobody"
      }`;
    if (w.kind === "cpuIdle")
      return `${a.name} waits for cpu ${w.cpu} to become idle`;
    return `${a.name} waits for ${actorName(m, w.actor)} to finish its work`;
  }
  const c = m.cpus[a.cpu]!;
  const top = c.nmi ?? c.irq ?? c.current;
  return `${a.name} cannot get cpu ${a.cpu}${c.online ? "" : " (offline)"}${top !== null && top !== a.id ? ` from ${actorName(m, top)}` : ""}`;
}

export interface RunOptions {
  checks?: boolean;
  maxSteps?: number;
  seed?: number | null;
  /** Called after every step (the trace builder records events here). */
  onStep?: (ev: StepEvent, m: Machine) => void;
}

export interface RunResult {
  machine: Machine;
  steps: number;
  completed: boolean;
  stopReason: "done" | "deadlock" | "schedule-ended" | "step-limit" | "crashed";
  skippedEntries: number;
  /** Anchored schedule entries that could not be followed (each also counts as skipped). */
  scheduleProblems: string[];
  findings: Finding[];
}

export function completed(m: Machine): boolean {
  const actors = m.actors;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (hasWork(a) && a.status === "ready") return false;
  }
  return true;
}

/** Runs a session to its end under the scenario's schedule (or a seeded random one). */
export function runSession(sess: Session, opts: RunOptions = {}): RunResult {
  const m = sess.machine;
  const sched = new Scheduler(
    sess.scenario,
    opts.seed === undefined || opts.seed === null ? null : rng(opts.seed),
    sess.variant,
  );
  const max = opts.maxSteps ?? 100_000;
  let stopReason: RunResult["stopReason"];
  // Without a step callback nobody reads the events: one is reused.
  const stepOpts = {
    checks: opts.checks ?? true,
    reuseEvent: opts.onStep === undefined,
  };
  // An actor that had work at the last look: most steps it still has, which settles `completed`.
  let busy = 0;
  for (;;) {
    const b = m.actors[busy];
    if (!(b !== undefined && hasWork(b)) && completed(m)) {
      stopReason = m.actors.some((a) => a.status === "crashed")
        ? "crashed"
        : "done";
      break;
    }
    if (m.step >= max) {
      stopReason = "step-limit";
      break;
    }
    const ch = sched.next(m);
    if (ch) busy = ch.actor;
    if (!ch) {
      if (stuck(m)) {
        stopReason = "deadlock";
        const f = deadlockFinding(m);
        if (!m.findings.some((x) => x.code === "deadlock")) m.findings.push(f);
      } else stopReason = "schedule-ended";
      break;
    }
    const ev = applyOne(m, sess.variant, ch, stepOpts);
    opts.onStep?.(ev, m);
  }
  sched.end(m);
  return {
    machine: m,
    steps: m.step,
    completed: completed(m),
    stopReason,
    skippedEntries: sched.skipped,
    scheduleProblems: sched.problems,
    findings: m.findings,
  };
}

/**
 * Places a scenario's narration on steps: anchored entries where the scenario's own run (its
 * schedule, then its `rest`) reaches them. Runs the scenario once (checks off).
 */
export function resolveNarration(
  s: Scenario,
  opts: { maxSteps?: number } = {},
): ResolvedNarration {
  const sess = start(s, { checks: false });
  const anchors = new NarrationAnchors(s, sess.variant);
  anchors.observe(sess.machine);
  if (anchors.pending)
    runSession(sess, {
      checks: false,
      maxSteps: opts.maxSteps,
      onStep: (_ev, m) => {
        if (anchors.pending) anchors.observe(m);
      },
    });
  return anchors.result();
}

/** Sums the per-CPU SLUB_STATS counters. */
export function totalStats(m: Machine): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of m.stats) for (const k in s) out[k] = (out[k] ?? 0) + s[k]!;
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => a.localeCompare(b)),
  );
}
