import type { Scenario } from "../../engine";
/**
 * The scenario the app opens on: two CPUs on v5.15. A task on CPU 0 fills a slab and moves on
 * to a new one; an IRQ on CPU 0 allocates in the middle of the task's slow path; a task on CPU 1
 * frees objects of the full slab, which freezes it onto CPU 1's per-CPU partial list.
 */
export declare const defaultScenario: Scenario;
