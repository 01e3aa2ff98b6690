/**
 * Same workload, every era: a scenario's operations replayed on each kernel asked for (by
 * default every mainline release, `mainlineEras`), with what each operation cost there: micro-
 * steps, this_cpu_cmpxchg_double on kmem_cache_cpu and cmpxchg_double on a slab (succeeded and
 * failed), `n->list_lock` and `barn->lock` taken, failed trylocks, and the slabs it touched. These
 * are the numbers the cover letters argue with (the sheaves series: no cmpxchg and no list_lock
 * on the fast paths).
 *
 * The counts come from each step's `StepCost` (recorded by the primitives, kept out of the
 * trace's identity), plus a look at the slabs' struct fields after every step for writes made
 * without an accessor. Nothing here changes how a step runs.
 *
 * The replay schedule ("serial"): the scenario's own schedule is not used (its counted and
 * anchored entries are pinned to one kernel's steps). At every step the first actor in the
 * scenario's order that can make progress on its CPU runs (failing that, the first that can by
 * migrating), so each actor runs its operations to completion in turn, and a later actor (or a
 * kworker the kernel created) runs only while the earlier ones wait. Its prepared state is
 * applied as in the scenario.
 *
 * Simplified: a slab counts as touched when a step reads or writes its struct through the
 * model's accessors (slabPage, the free pointers, cmpxchg_double) or changes one of its struct
 * fields; a read of a field straight off the page (a handful of flag tests) is not seen. Steps of
 * a kworker or IPI handler count for its own operation, not for the one that queued it.
 */
import { applyChoice, StepRefused } from "./machine";
import { start } from "./run";
import { OP_KINDS } from "./opKinds";
import type { Scenario } from "./scenario";
import { choicesFor, hasWork } from "./scheduler";
import {
  COST_METRICS,
  eraCache,
  onEra,
  REPLAY_SCHEDULE,
  zeroCounts,
  type CostCounts,
  type EraComparison,
  type EraRun,
  type OpCost,
} from "./costMetrics";
import type { Choice, Machine, Page, StepCost } from "./types";
import { mainlineEras, VARIANTS, type VariantName } from "./variants";

export * from "./costMetrics";

/** Why `variant` cannot run the scenario's operations, or null. */
export function cannotRun(s: Scenario, variant: VariantName): string | null {
  const spec = VARIANTS[variant];
  if (s.kernel.preemptRt && !spec.rtCapable)
    return `${variant} cannot be built with PREEMPT_RT`;
  if (s.cache.percpuArray && !spec.features.percpuArray)
    return `${variant} has no percpu array cache`;
  const ops = [
    ...s.actors.flatMap((a) => a.ops),
    ...(s.prepare ?? []).map((p) => p.op),
  ];
  for (const op of ops) {
    const needs = OP_KINDS[op.kind].needs;
    if (needs !== null && !spec.features[needs])
      return `${variant} has no ${op.kind} (it needs ${needs})`;
  }
  return null;
}

/** The serial policy's next choice (see the header); null when nobody can make progress. */
function serialChoice(m: Machine): Choice | null {
  let migrate: Choice | null = null;
  for (const a of m.actors) {
    if (!hasWork(a)) continue;
    for (const c of choicesFor(m, a)) {
      if (!c.progress) continue;
      if (c.cpu === a.cpu) return c;
      migrate ??= c;
    }
  }
  return migrate;
}

/** The struct fields of a slab page, as one comparable string. */
function structKey(p: Page): string {
  return `${p.use}|${p.gen}|${p.freelist}|${p.inuse}|${p.frozen}|${p.next}|${p.pages}|${p.pobjects}|${p.objcgs}|${p.nodePartial}`;
}

/** Runs the scenario's operations on one era and counts what each cost. */
export function runEra(
  s: Scenario,
  variant: VariantName,
  opts: { maxSteps?: number } = {},
): EraRun {
  const why = cannotRun(s, variant);
  if (why !== null) return { kind: "skipped", variant, reason: why };
  const sc = onEra(s, variant);
  let sess: ReturnType<typeof start>;
  try {
    sess = start(sc);
  } catch (e) {
    if (e instanceof StepRefused)
      return { kind: "skipped", variant, reason: e.message };
    throw e;
  }
  const { machine: m, variant: v } = sess;
  const max = opts.maxSteps ?? 20_000;
  const ops = new Map<string, OpCost & { touched: Set<number> }>();
  const costOf = (actor: number, index: number) => {
    const a = m.actors[actor]!;
    const key = `${actor}:${index}`;
    let o = ops.get(key);
    if (!o) {
      o = {
        actor: a.name,
        index,
        kind: a.ops[index]!.kind,
        system: a.system,
        completed: false,
        counts: zeroCounts(),
        touched: new Set(),
      };
      ops.set(key, o);
    }
    return o;
  };
  let keys = m.pages.map(structKey);
  // The choices made, run-length encoded as counted schedule entries (`name@cpu*n`).
  const taken: { entry: string; n: number }[] = [];
  let stop: Extract<EraRun, { kind: "ran" }>["stop"];
  for (;;) {
    if (m.actors.every((a) => !hasWork(a))) {
      stop = m.actors.some((a) => a.status === "crashed") ? "crashed" : "done";
      break;
    }
    if (m.step >= max) {
      stop = "step-limit";
      break;
    }
    const ch = serialChoice(m);
    if (!ch) {
      stop = "deadlock";
      break;
    }
    const a = m.actors[ch.actor]!;
    const o = costOf(a.id, a.op);
    const entry = `${a.name}@${ch.cpu}`;
    const last = taken[taken.length - 1];
    if (last?.entry === entry) last.n++;
    else taken.push({ entry, n: 1 });
    const ev = applyChoice(m, v, ch, { checks: true });
    o.counts.steps++;
    addCost(o.counts, ev.cost);
    for (const pid of ev.cost?.slabs ?? []) o.touched.add(pid);
    const now = m.pages.map(structKey);
    for (let i = 0; i < now.length; i++)
      if (now[i] !== keys[i]) o.touched.add(i);
    keys = now;
    if (ev.opEnd) o.completed = true;
  }
  const list: OpCost[] = [];
  const totals = zeroCounts();
  for (const { touched, ...o } of ops.values()) {
    o.counts.slabs = touched.size;
    for (const k of COST_METRICS) totals[k] += o.counts[k];
    list.push(o);
  }
  return {
    kind: "ran",
    variant,
    stop,
    steps: m.step,
    findings: m.findings.map((f) => f.code),
    ops: list,
    totals,
    schedule: taken.map((t) => (t.n === 1 ? t.entry : `${t.entry}*${t.n}`)),
  };
}

function addCost(c: CostCounts, s: StepCost | undefined): void {
  if (!s) return;
  c.cpuCmpxchg += s.cpuCmpxchg;
  c.cpuCmpxchgFail += s.cpuCmpxchgFail;
  c.slabCmpxchg += s.slabCmpxchg;
  c.slabCmpxchgFail += s.slabCmpxchgFail;
  c.listLock += s.listLock;
  c.barnLock += s.barnLock;
  c.trylockFail += s.trylockFail;
}

/** The scenario's operations on every era asked for (default: every mainline release). */
export function compareEras(
  s: Scenario,
  variants: readonly VariantName[] = mainlineEras(),
  opts: { maxSteps?: number } = {},
): EraComparison {
  const notes = variants.flatMap((v) => {
    const cap = eraCache(s, v).sheafCapacity;
    return cap !== s.cache.sheafCapacity
      ? [
          `${v}: sheaves are opt-in there; the cache opts in with sheaf_capacity ${cap}`,
        ]
      : [];
  });
  return {
    title: s.title,
    schedule: REPLAY_SCHEDULE,
    eras: variants.map((v) => runEra(s, v, opts)),
    notes,
  };
}
