import type { LibraryEntry } from "./entry";
/**
 * Seed 000, R0-6(b) (analysis): Mike's "bent up half" replaces unfreeze_partials(), whose
 * cmpxchg would notice a concurrent change, by a plain this_cpu_write(partial, NULL) on every
 * configuration. On !RT that write runs with only preemption disabled, so an interrupt can take
 * the head of the list in between.
 */
export declare const r06BentUpHalfIrq: LibraryEntry;
