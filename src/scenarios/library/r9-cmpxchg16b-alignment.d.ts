import type { LibraryEntry } from "./entry";
/**
 * R9, Sven Eckelmann's boot crash (seed 002 L6902-7083): patch 35 put `local_lock_t lock` first
 * in kmem_cache_cpu; with CONFIG_LOCK_STAT it is 56 bytes, so {freelist, tid} starts at offset 56
 * and the fast path's cmpxchg16b faults. Fixed by moving the lock after `partial` (L7776-7897).
 */
export declare const r9Cmpxchg16bAlignment: LibraryEntry;
