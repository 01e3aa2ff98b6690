import type { LibraryEntry } from "./entry";
/**
 * Seed 000, R0-1b: what follows R0-1 with CONFIG_DEBUG_VM. The July 2021 RT tree's pfmemalloc
 * check asserts PageSlab, so the allocation stops at once on the freed page it installed. The
 * stale partial list it leaves (a free page of the page allocator) is never drained by a free:
 * its head's pobjects is half a kernel pointer, a negative number. A flush finds the freed cpu
 * slab instead.
 */
export declare const r01bStalePartialDrain: LibraryEntry;
