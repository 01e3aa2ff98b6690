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
 * Writes that change what the scheduler reads of one CPU and its actors only mark that CPU
 * (`touchCpu`); a lock changing hands marks the CPUs of the actors waiting for a lock
 * (`touchLockWaiters`); a write other actors may read in other ways (an operation finished that
 * someone waits for, hotplug, work queued) bumps `n`, and everything is recounted.
 *
 * One count for every machine: a write to any machine makes every machine's counts recounted,
 * which is only slower, never wrong.
 */
import type { Machine } from "./types";

export const schedWrites = { n: 0, cpus: 0 };

/**
 * A write that changes only what the scheduler reads of CPU `cpu` and of the actors whose CPU it
 * is (its irq state, its current task, their preempt depth or wait): the scheduler recounts just
 * those actors, unless the CPUs a task could migrate to changed too.
 */
export function touchCpu(cpu: number): void {
  schedWrites.cpus |= 1 << cpu;
}

/**
 * A lock changed hands: only the actors waiting for a lock read its owner (whether their wait
 * is satisfied, and so whether they and their CPU's current task can go on).
 */
export function touchLockWaiters(m: Machine): void {
  const actors = m.actors;
  for (let i = 0; i < actors.length; i++) {
    const a = actors[i]!;
    if (a.wait !== null && a.wait.kind === "lock")
      schedWrites.cpus |= 1 << a.cpu;
  }
}
