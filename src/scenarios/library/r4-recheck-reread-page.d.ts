import type { LibraryEntry } from "./entry";
/**
 * R4: since patches 13-21, ___slab_alloc peeks at c->page with irqs on and re-checks it under
 * the local lock (seed 002 L1488-1489, L2279-2283, L3896-3899). Here an IRQ replaces c->page in
 * that window, and the re-check sends the task back to reread_page: no bug.
 */
export declare const r4RecheckRereadPage: LibraryEntry;
