/**
 * Who may take the next micro-step. `enabled` is the single source of truth.
 *
 * Execution contexts (kernel/sched, kernel/softirq, arch irq entry): each CPU runs a task, with a
 * hardirq above it and an NMI above that; only the top context runs. An IRQ enters only while its
 * CPU's irqs are on; a task is preempted only while preemption is on (and irqs on); an unpinned task
 * migrates only while both preemption and migration are on; an NMI enters anywhere.
 * On PREEMPT_RT, device interrupts are threaded: an `irq` actor is scheduled like a pinned
 * high-priority task and preempts whatever task is preemptible.
 * Simplified: no priorities or fairness (any runnable context may be picked); softirqs are not
 * modelled separately from hardirqs; CPU hotplug waits for tasks on a dying CPU to be migratable.
 * CONFIG_PREEMPT (full preemption) is assumed on !RT: a task can be switched out at any micro-step
 * where preemption and irqs are on. On CONFIG_PREEMPT_NONE or _VOLUNTARY kernels a task gives up
 * its CPU only where it sleeps or reschedules, so most same-CPU task interleavings shown here
 * could not happen there (interrupts, and everything between CPUs, still can).
 */
import {
  isHardContext as isHardContextImport,
  lockAvailable as lockAvailableImport,
} from "./prims";
import { schedWrites } from "./schedWrites";
import type { Actor, Choice, Machine, Wait } from "./types";

// Read once: under CommonJS (tsx, vitest, the CLI) every call through an imported binding is a
// getter call, which costs more than the call itself on this per-step path.
const isHardContext = isHardContextImport;
const lockAvailable = lockAvailableImport;

/** A waiter that busy-waits (and so keeps its CPU) rather than sleeping. */
export function spins(w: Wait): boolean {
  return w.kind === "ipi" || (w.kind === "lock" && w.spinning);
}

export function hasWork(a: Actor): boolean {
  return a.status === "ready" && (a.frames.length > 0 || a.op < a.ops.length);
}

export function waitSatisfied(m: Machine, w: Wait, who: number): boolean {
  switch (w.kind) {
    case "lock":
      return lockAvailable(m, w.ref, who);
    case "work":
    case "ipi": {
      const t = m.actors[w.actor]!;
      return t.op > w.op;
    }
    case "cpuIdle":
      return canTakeDown(m, w.cpu, who);
  }
}

/**
 * A CPU can go offline once every context on it is idle or a task that can be moved away
 * (takedown_cpu / balance_push: a migrate-disabled or atomic task holds it up).
 */
export function canTakeDown(m: Machine, cpu: number, who: number): boolean {
  const c = m.cpus[cpu]!;
  if (c.irq !== null || c.nmi !== null) return false;
  for (const a of m.actors) {
    if (a.id === who || a.frames.length === 0 || a.status !== "ready") continue;
    // stop_machine(): every online CPU must reach a preemptible point first.
    const ac = m.cpus[a.cpu]!;
    if (a.cpu !== cpu) {
      if (!ac.online) continue;
      if (a.kind === "irq" || a.kind === "nmi" || a.preemptCount > 0)
        return false;
      if (ac.current === a.id && ac.irqsOff) return false;
      continue;
    }
    // Interrupts finish on their CPU. A task with affinity only for the dying CPU is moved
    // anyway (its affinity is broken), unless it disabled migration; so is a per-CPU kworker:
    // workqueue_offline_cpu() unbinds its pool's workers, which may then run on any online CPU.
    if (a.kind === "irq" || a.kind === "nmi") return false;
    if (a.migrateDisable > 0 || a.preemptCount > 0) return false;
    if (c.current === a.id && c.irqsOff) return false;
    if (a.wait && spins(a.wait)) return false;
  }
  return true;
}

/** A task is switched out only at a preemption point: preemption and irqs on, or asleep. */
function taskYields(m: Machine, t: Actor): boolean {
  if (t.status !== "ready" || !hasWork(t)) return true;
  if (t.frames.length === 0) return true;
  if (t.wait && !spins(t.wait) && !waitSatisfied(m, t.wait, t.id)) return true; // asleep
  return t.preemptCount === 0 && !m.cpus[t.cpu]!.irqsOff;
}

function isTaskLike(m: Machine, a: Actor): boolean {
  return !isHardContext(m, a);
}

/** How task-like `a` could run on `cpu` now, or null. */
function taskVia(m: Machine, a: Actor, cpu: number): Choice["via"] | null {
  const c = m.cpus[cpu]!;
  if (!c.online) return null;
  if (c.irq !== null || c.nmi !== null) return null;
  if (c.current === a.id) return "running";
  if (c.current === null) return "switch";
  const t = m.actors[c.current]!;
  if (!taskYields(m, t)) return null;
  return t.frames.length > 0 && t.status === "ready" ? "preempt" : "switch";
}

/** Every choice for one actor (without migrations when `migrations` is false: they are the costly part). */
export function choicesFor(m: Machine, a: Actor, migrations = true): Choice[] {
  if (!hasWork(a)) return [];
  let progress = true;
  if (a.wait) {
    const ok = waitSatisfied(m, a.wait, a.id);
    if (!ok && !spins(a.wait)) return []; // asleep
    progress = ok;
  }
  const out: Choice[] = [];
  const c = m.cpus[a.cpu]!;
  if (!isTaskLike(m, a)) {
    if (!c.online) return [];
    if (a.kind === "nmi") {
      if (c.nmi === a.id)
        out.push({ actor: a.id, cpu: a.cpu, progress, via: "running" });
      else if (c.nmi === null && a.frames.length === 0)
        out.push({ actor: a.id, cpu: a.cpu, progress, via: "nmi-entry" });
      return out;
    }
    if (c.nmi !== null) return [];
    if (c.irq === a.id)
      out.push({ actor: a.id, cpu: a.cpu, progress, via: "running" });
    else if (c.irq === null && !c.irqsOff && a.frames.length === 0)
      out.push({ actor: a.id, cpu: a.cpu, progress, via: "irq-entry" });
    return out;
  }
  const here = taskVia(m, a, a.cpu);
  if (here) out.push({ actor: a.id, cpu: a.cpu, progress, via: here });
  // Migration: only an unpinned task at a point where it could be switched out.
  const movable =
    !a.pinned &&
    a.migrateDisable === 0 &&
    a.preemptCount === 0 &&
    (c.current !== a.id || a.frames.length === 0 || !c.irqsOff || !c.online);
  if (migrations && movable && !(a.wait && spins(a.wait))) {
    for (let cpu = 0; cpu < m.cpus.length; cpu++) {
      if (cpu === a.cpu) continue;
      if (taskVia(m, a, cpu))
        out.push({ actor: a.id, cpu, progress, via: "migrate" });
    }
  }
  return out;
}

// --- Counting and picking without building the lists -------------------------------------------
//
// The runner asks every step for the choices that make progress, and picks one: these give the
// number of an actor's progressing choices and the n-th of them, in exactly the order
// `choicesFor` lists them, with no array or object built on the way (scratch arrays per CPU).

const NONE = 0;
const RUNNING = 1;
const SWITCH = 2;
const PREEMPT = 3;
const VIA_NAME: readonly (Choice["via"] | null)[] = [
  null,
  "running",
  "switch",
  "preempt",
];

/** Per CPU, for this scan: online with no irq or nmi on it (1), and how a task that is not its current one gets it. */
let cpuFree = new Uint8Array(8);
let cpuOther = new Uint8Array(8);
/** Per CPU, its current task's id (-1: none). */
let cpuCurrent = new Int32Array(8);
/** Whether hardirqs are hard contexts (not threaded): !PREEMPT_RT, for this scan. */
let hardIrqs = true;
/** CPUs a task that is not their current one could take now (`cpuOther` not NONE), for this scan. */
let otherTargets = 0;
/**
 * Some CPU's current task has another CPU as its own (`a.cpu`): then a task may be current on a
 * CPU other than its own, and migrations are counted CPU by CPU.
 */
let stray = false;

/**
 * Fills the per-CPU scratch for `m` as it is now (taskVia's answer for an actor that is not the
 * CPU's current task). Must be called before `progressCount` / `nthChoice` on a changed machine.
 */
export function scanCpus(m: Machine): void {
  // The scratch is shared: a scan of any machine ends what the memo below knew.
  memoM = null;
  const cpus = m.cpus;
  const n = cpus.length;
  if (cpuFree.length < n) {
    cpuFree = new Uint8Array(n);
    cpuOther = new Uint8Array(n);
    cpuCurrent = new Int32Array(n);
  }
  hardIrqs = !m.config.preemptRt;
  let targets = 0;
  let strayCurrent = false;
  for (let i = 0; i < n; i++) {
    const c = cpus[i]!;
    cpuCurrent[i] = c.current === null ? -1 : c.current;
    if (c.current !== null && m.actors[c.current]!.cpu !== i)
      strayCurrent = true;
    if (!c.online || c.irq !== null || c.nmi !== null) {
      cpuFree[i] = 0;
      cpuOther[i] = NONE;
      continue;
    }
    cpuFree[i] = 1;
    if (c.current === null) {
      cpuOther[i] = SWITCH;
      targets++;
      continue;
    }
    const t = m.actors[c.current]!;
    const other = !taskYields(m, t)
      ? NONE
      : t.frames.length > 0 && t.status === "ready"
        ? PREEMPT
        : SWITCH;
    cpuOther[i] = other;
    if (other !== NONE) targets++;
  }
  otherTargets = targets;
  stray = strayCurrent;
}

/** taskVia from the scratch. */
function viaAt(a: Actor, cpu: number): number {
  if (cpuFree[cpu] === 0) return NONE;
  return cpuCurrent[cpu] === a.id ? RUNNING : cpuOther[cpu]!;
}

/**
 * How many choices `choicesFor(m, a, migrations)` gives that make progress (an actor's choices
 * all make progress or none does). `scanCpus(m)` must describe `m`.
 */
export function progressCount(
  m: Machine,
  a: Actor,
  migrations: boolean,
): number {
  if (a.status !== "ready" || (a.frames.length === 0 && a.op >= a.ops.length))
    return 0;
  const w = a.wait;
  if (w && !waitSatisfied(m, w, a.id)) return 0;
  const c = m.cpus[a.cpu]!;
  // isHardContext(m, a), with the config read once per scan.
  if (a.kind === "nmi" || (a.kind === "irq" && hardIrqs)) {
    if (!c.online) return 0;
    if (a.kind === "nmi")
      return c.nmi === a.id || (c.nmi === null && a.frames.length === 0)
        ? 1
        : 0;
    if (c.nmi !== null) return 0;
    return c.irq === a.id ||
      (c.irq === null && !c.irqsOff && a.frames.length === 0)
      ? 1
      : 0;
  }
  let n = viaAt(a, a.cpu) !== NONE ? 1 : 0;
  if (migrations && movable(a, c) && !(w && spins(w))) {
    // Unless a task is current away from its own CPU, `a` is current on no other CPU, so
    // viaAt(a, cpu) there is cpuOther: the CPUs counted in the scan, less `a`'s own.
    if (!stray) n += otherTargets - (cpuOther[a.cpu] !== NONE ? 1 : 0);
    else {
      const cpus = m.cpus.length;
      for (let cpu = 0; cpu < cpus; cpu++)
        if (cpu !== a.cpu && viaAt(a, cpu) !== NONE) n++;
    }
  }
  return n;
}

function movable(a: Actor, c: Machine["cpus"][number]): boolean {
  return (
    !a.pinned &&
    a.migrateDisable === 0 &&
    a.preemptCount === 0 &&
    (c.current !== a.id || a.frames.length === 0 || !c.irqsOff || !c.online)
  );
}

/** The `n`-th progressing choice of `a` (0 <= n < progressCount), as `choicesFor` orders them. */
export function nthChoice(m: Machine, a: Actor, n: number): Choice {
  const c = m.cpus[a.cpu]!;
  if (isHardContext(m, a)) {
    const via: Choice["via"] =
      a.kind === "nmi"
        ? c.nmi === a.id
          ? "running"
          : "nmi-entry"
        : c.irq === a.id
          ? "running"
          : "irq-entry";
    return { actor: a.id, cpu: a.cpu, progress: true, via };
  }
  const here = viaAt(a, a.cpu);
  if (here !== NONE) {
    if (n === 0)
      return { actor: a.id, cpu: a.cpu, progress: true, via: VIA_NAME[here]! };
    n--;
  }
  const cpus = m.cpus.length;
  for (let cpu = 0; cpu < cpus; cpu++) {
    if (cpu === a.cpu || viaAt(a, cpu) === NONE) continue;
    if (n === 0) return { actor: a.id, cpu, progress: true, via: "migrate" };
    n--;
  }
  throw new Error(`${a.name} has fewer progressing choices than asked`);
}

// --- Counting every actor's progressing choices, remembered between steps ----------------------
//
// The random scheduler counts every actor's progressing choices before each pick. Most
// micro-steps write nothing those counts read (schedWrites.ts), so the counts of the step before
// are reused while the write count has not moved: same counts, same picks, same schedules.

/** Per actor, its progressing choices without migrations ([0]) and with them ([1]). */
const counts = [new Int32Array(64), new Int32Array(64)];
/** Their totals; -1: not counted since the memo was last valid. */
const totals = [-1, -1];
/** The machine, step and write count the counts describe (memoM null: none). */
let memoM: Machine | null = null;
let memoStep = -1;
let memoWrites = -1;
/** When on, every reuse is recounted and compared (tests: a writer that forgot to bump). */
let checkCounts = false;

/** Turns the self-check of reused counts on or off (src/bench/schedulerCounts.test.ts). */
export function checkSchedulerCounts(on: boolean): void {
  checkCounts = on;
}

/**
 * How many progressing choices every actor has, in all (with or without migrations), counting
 * them again only when something the scheduler reads was written since the last count of `m`.
 * `pickProgressing` then finds the n-th of them.
 */
export function progressing(m: Machine, migrations: boolean): number {
  const i = migrations ? 1 : 0;
  const valid =
    memoM === m &&
    memoWrites === schedWrites.n &&
    (m.step === memoStep || m.step === memoStep + 1);
  if (valid) {
    memoStep = m.step;
    if (totals[i]! >= 0) {
      if (checkCounts) recheck(m, migrations);
      return totals[i]!;
    }
  } else {
    scanCpus(m);
    totals[0] = -1;
    totals[1] = -1;
    memoM = m;
    memoStep = m.step;
    memoWrites = schedWrites.n;
  }
  return count(m, migrations);
}

function count(m: Machine, migrations: boolean): number {
  const i = migrations ? 1 : 0;
  const actors = m.actors;
  if (counts[i]!.length < actors.length)
    counts[i] = new Int32Array(actors.length * 2);
  const out = counts[i]!;
  let total = 0;
  for (let j = 0; j < actors.length; j++) {
    const c = progressCount(m, actors[j]!, migrations);
    out[j] = c;
    total += c;
  }
  totals[i] = total;
  return total;
}

function recheck(m: Machine, migrations: boolean): void {
  const i = migrations ? 1 : 0;
  const kept = counts[i]!.slice(0, m.actors.length);
  const total = totals[i];
  scanCpus(m);
  count(m, migrations);
  const now = counts[i]!;
  for (let j = 0; j < m.actors.length; j++)
    if (now[j] !== kept[j] || totals[i] !== total)
      throw new Error(
        `step ${m.step}: ${m.actors[j]!.name} has ${now[j]} progressing choices but the scheduler kept ${kept[j]}: a write to scheduler state did not bump schedWrites`,
      );
  // The recount left the memo (and the other mode's counts) as they were.
  memoM = m;
}

/** The `pick`-th progressing choice over every actor, in actor order (after `progressing`). */
export function pickProgressing(
  m: Machine,
  migrations: boolean,
  pick: number,
): Choice {
  const cs = counts[migrations ? 1 : 0]!;
  const n = m.actors.length;
  for (let i = 0; i < n; i++) {
    const c = cs[i]!;
    if (pick < c) return nthChoice(m, m.actors[i]!, pick);
    pick -= c;
  }
  throw new Error("the progressing choices changed while picking one");
}

export function enabled(m: Machine): Choice[] {
  const out: Choice[] = [];
  for (const a of m.actors) {
    const cs = choicesFor(m, a);
    for (const c of cs) out.push(c);
  }
  return out;
}

/** True when some actor still has work but none can make progress. */
export function stuck(m: Machine): boolean {
  let work = false;
  for (const a of m.actors) {
    if (!hasWork(a)) continue;
    // Idle contexts bound to an offline CPU wait for it to come back: not a deadlock.
    if (
      a.frames.length === 0 &&
      !m.cpus[a.cpu]!.online &&
      (a.pinned || a.kind !== "task")
    )
      continue;
    work = true;
    if (choicesFor(m, a).some((c) => c.progress)) return false;
  }
  return work;
}
