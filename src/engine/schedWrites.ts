/**
 * A count of the writes to what the scheduler reads (scheduler.ts): the CPUs (online, current,
 * irq, nmi, irqs off), every actor's status, operations, wait, cpu, preempt and migrate depth
 * and whether it is inside an operation, and the lock owners. The random scheduler recounts the
 * actors' choices only when the count moved since it last counted: most micro-steps (reads,
 * cmpxchgs, steps on locals) write none of it.
 *
 * Every writer of that state bumps it: the primitives (prims.ts, locks), the step runner
 * (machine.ts: giving an actor its CPU, starting and finishing an operation, a crash) and the few
 * kernel steps that write it themselves (CPU hotplug, queueing work, waits written by hand). A
 * writer that forgot to would make the scheduler pick from stale counts: the scheduler's own
 * self-check (`checkSchedulerCounts`, run by src/bench/schedulerCounts.test.ts over every
 * library scenario and random schedules) catches it.
 *
 * Most writes mark only what they wrote: a CPU (`touchCpu`: its irq state, which contexts are
 * on it, or its current task), an actor (`touchActor`: the actor that steps, and whoever waits
 * for a lock that changed hands or an operation that ended). The scheduler rescans the marked
 * CPUs and recounts the marked actors, and every actor of a CPU whose rescan changed what they
 * all read of it. A write other actors may read in other ways (hotplug, work queued, a crash)
 * bumps `n`, and everything is recounted.
 *
 * One count for every machine: a write to any machine makes every machine's counts recounted,
 * which is only slower, never wrong.
 */
import type { Machine } from "./types";

export const schedWrites = {
  n: 0,
  /** CPUs written, as bits. */
  cpus: 0,
  /** Actors written, as bits (32 to a word), and whether any is set. */
  actors: new Int32Array(64),
  any: false,
};

/**
 * A write to what the scheduler reads of CPU `cpu` (its irq state, which contexts are on it) or
 * of its current task (its preempt depth, wait, whether it is inside an operation): the
 * scheduler rescans the CPU, and recounts its actors when what they read of it changed.
 */
export function touchCpu(cpu: number): void {
  schedWrites.cpus |= 1 << cpu;
}

/**
 * A write to what the scheduler reads of actor `id` itself (its wait, depths, operations): the
 * scheduler recounts it. The actor that takes a step is always recounted (machine.ts); other
 * actors are written only where a wait of theirs ends. A write to a task that may be current on
 * its CPU touches that CPU too.
 */
export function touchActor(id: number): void {
  const w = id >> 5;
  if (w >= schedWrites.actors.length) schedWrites.n++;
  else {
    schedWrites.actors[w]! |= 1 << (id & 31);
    schedWrites.any = true;
  }
}

/**
 * A lock changed hands: only the actors waiting for a lock read its owner (whether their wait
 * is satisfied, and so whether they and, through them, their CPU's current task can go on).
 */
export function touchLockWaiters(m: Machine): void {
  const actors = m.actors;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (a.wait !== null && a.wait.kind === "lock") {
      touchActor(a.id);
      schedWrites.cpus |= 1 << a.cpu;
    }
  }
}
