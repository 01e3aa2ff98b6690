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
import { parseEntry, type Scenario } from "./scenario";
import {
  choicesFor,
  hasWork,
  nthChoice,
  progressCount,
  scanCpus,
  stuck,
} from "./scheduler";
import type { Choice, Finding, Machine, StepEvent } from "./types";

export interface Session {
  scenario: Scenario;
  variant: Variant;
  machine: Machine;
}

export function start(s: Scenario, opts: { checks?: boolean } = {}): Session {
  const config = configOf(s);
  const variant = buildVariant(config);
  return { scenario: s, variant, machine: load(s, variant, opts) };
}

export type Policy =
  { kind: "scripted" } | { kind: "roundRobin" } | { kind: "random"; rng: Rng };

/** Picks the next choice; null when nobody can make progress. */
export class Scheduler {
  private entries: { actor: string; cpu: number | null; times: number }[] = [];
  private entryIndex = 0;
  private left = 0;
  private rrLast = -1;
  skipped = 0;
  constructor(
    private readonly s: Scenario,
    private readonly random: Rng | null,
  ) {
    for (const e of s.schedule?.steps ?? []) {
      const p = parseEntry(e);
      if (typeof p === "string") throw new Error(p);
      this.entries.push(p);
    }
    this.left = this.entries[0]?.times ?? 0;
  }

  private scripted(m: Machine): Choice | null | "exhausted" {
    while (this.entryIndex < this.entries.length) {
      const e = this.entries[this.entryIndex]!;
      if (this.left <= 0) {
        this.entryIndex++;
        this.left = this.entries[this.entryIndex]?.times ?? 0;
        continue;
      }
      this.left--;
      const a = m.actors.find((x) => x.name === e.actor);
      const cs = a ? choicesFor(m, a) : [];
      const pick =
        e.cpu === null
          ? (cs.find((c) => c.cpu === a!.cpu) ?? cs[0])
          : cs.find((c) => c.cpu === e.cpu);
      if (pick) return pick;
      this.skipped++;
    }
    return "exhausted";
  }

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
    const withMigrations = r.next() >= 0.85;
    scanCpus(m);
    let total = progressing(m, withMigrations);
    if (total === 0 && !withMigrations) total = progressing(m, true);
    if (total === 0) return null;
    // The pick among every actor's progressing choices, in actor order (as `enabled` lists them).
    let pick = r.int(total);
    const n = m.actors.length;
    for (let i = 0; i < n; i++) {
      const c = counts[i]!;
      if (pick < c) return nthChoice(m, m.actors[i]!, pick);
      pick -= c;
    }
    throw new Error("the progressing choices changed while picking one");
  }
}

/** Progressing choices per actor, from the last `progressing` call. */
let counts = new Int32Array(64);

/** How many choices make progress, over every actor (after `scanCpus`); fills `counts`. */
function progressing(m: Machine, migrations: boolean): number {
  let total = 0;
  const actors = m.actors;
  if (counts.length < actors.length) counts = new Int32Array(actors.length * 2);
  for (let i = 0; i < actors.length; i++) {
    const c = progressCount(m, actors[i]!, migrations);
    counts[i] = c;
    total += c;
  }
  return total;
}

/** Describes who waits for whom when nothing can progress. */
export function deadlockReport(m: Machine): string {
  const parts: string[] = [];
  for (const a of m.actors) {
    if (!hasWork(a) || !a.wait) continue;
    const w = a.wait;
    if (w.kind === "lock")
      parts.push(
        `${a.name} waits for ${lockName(w.ref)} held by ${
          lockOwners(m, w.ref)
            .map((o) => actorName(m, o))
            .join(", ") || "nobody"
        }`,
      );
    else if (w.kind === "cpuIdle")
      parts.push(`${a.name} waits for cpu ${w.cpu} to become idle`);
    else
      parts.push(
        `${a.name} waits for ${actorName(m, w.actor)} to finish its work`,
      );
  }
  for (const a of m.actors) {
    if (!hasWork(a) || a.wait) continue;
    const c = m.cpus[a.cpu]!;
    const top = c.nmi ?? c.irq ?? c.current;
    parts.push(
      `${a.name} cannot get cpu ${a.cpu}${c.online ? "" : " (offline)"}${top !== null && top !== a.id ? ` from ${actorName(m, top)}` : ""}`,
    );
  }
  return parts.length > 0 ? parts.join("; ") : "no context can run";
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
  );
  const max = opts.maxSteps ?? 100_000;
  let stopReason: RunResult["stopReason"];
  const stepOpts = { checks: opts.checks ?? true };
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
        const f: Finding = {
          code: "deadlock",
          step: m.step,
          actor: null,
          slabs: [],
          objects: [],
          message: `deadlock: ${deadlockReport(m)}`,
          form: "detail",
        };
        if (!m.findings.some((x) => x.code === "deadlock")) m.findings.push(f);
      } else stopReason = "schedule-ended";
      break;
    }
    const ev = applyChoice(m, sess.variant, ch, stepOpts);
    opts.onStep?.(ev, m);
  }
  return {
    machine: m,
    steps: m.step,
    completed: completed(m),
    stopReason,
    skippedEntries: sched.skipped,
    findings: m.findings,
  };
}

/** Sums the per-CPU SLUB_STATS counters. */
export function totalStats(m: Machine): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of m.stats) for (const k in s) out[k] = (out[k] ?? 0) + s[k]!;
  return Object.fromEntries(
    Object.entries(out).sort(([a], [b]) => a.localeCompare(b)),
  );
}
