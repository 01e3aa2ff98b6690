/**
 * The cache sizes a scenario implies, computed in one place for the machine, the sheaves and the
 * era comparison (which runs on the main thread too: this module imports only types).
 */
import type { Scenario } from "./scenario";

/**
 * `s->cpu_partial` in objects: the scenario's, or two slabs' worth by default; 0 without
 * CONFIG_SLUB_CPU_PARTIAL.
 */
export function cpuPartialObjects(s: Scenario): number {
  return (s.kernel.cpuPartial ?? true)
    ? (s.cache.cpuPartial ?? 2 * s.cache.objects)
    : 0;
}

/**
 * calculate_sheaf_capacity(): the kernel halves what the cpu partial lists used to hold, as
 * there are two sheaves per CPU. The model does the same with `cpuPartial` (without one: two
 * slabs' worth, so a sheaf holds a slab's worth of objects).
 */
export function sheafCapacityFor(cpuPartial: number, objects: number): number {
  const cp = cpuPartial > 0 ? cpuPartial : 2 * objects;
  return Math.max(1, Math.floor(cp / 2));
}
