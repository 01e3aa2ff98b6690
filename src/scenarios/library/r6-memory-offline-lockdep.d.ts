import type { LibraryEntry } from "./entry";
/**
 * R6, Qian Cai's lockdep splat on memory offline (seed 002 L4378-4700): patch 29's flush_all()
 * took flush_lock before cpus_read_lock(), and memory offline reaches flush_all() under
 * slab_mutex, which closes a five-lock cycle. Fixed by taking cpus_read_lock() first and by
 * flush_all_cpus_locked() on the offline path (L5400-5555).
 */
export declare const r6MemoryOfflineLockdep: LibraryEntry;
