import type { LibraryEntry } from "./entry";
/**
 * R5, Clark Williams' VM_BUG_ON (seed 002 L6545-6700, corrected at L6733-6890): since patch 13,
 * ___slab_alloc checks pfmemalloc_match() on c->page before disabling irqs; if the page was freed
 * in between, PageSlabPfmemalloc() asserts PageSlab and CONFIG_DEBUG_VM turns that into a BUG.
 */
export declare const r5PfmemallocVmBugOn: LibraryEntry;
