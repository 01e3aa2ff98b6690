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
import { isHardContext, lockAvailable } from "./prims";
import type { Actor, Choice, Machine, Wait } from "./types";

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
