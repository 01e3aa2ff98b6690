import type { LibraryEntry } from "./entry";
/**
 * Seed 000, R0-3: with memcg, discarding a slab frees its obj_cgroups vector with kfree(), which
 * can come back into __slab_free() -> put_cpu_partial(). A fix that holds the local lock around
 * the whole of put_cpu_partial, unfreezing included, then waits for a lock its own task holds.
 */
export declare const r03MemcgRecursion: LibraryEntry;
