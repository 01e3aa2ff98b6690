import type { LibraryEntry } from "./entry";
/**
 * R1, Jann Horn's put_cpu_partial race (seed 002 L3364-3381): before patch 33, put_cpu_partial
 * reads c->partial and then the old head's pages/pobjects with irqs on, so an IRQ can discard
 * that page in between and another CPU can reuse it.
 */
export declare const r1PutCpuPartialStalePage: LibraryEntry;
