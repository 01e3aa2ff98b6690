/**
 * "v4": the SLUB local_lock series v4 as posted by Vlastimil Babka on 2021-08-05 (seed 002), before
 * the fix-ups in its thread. Built from the v5.15 table (the series with those fix-ups) by undoing
 * them, one function each:
 *
 *   ___slab_alloc   the unlocked peek at c->page uses pfmemalloc_match(), whose
 *                   PageSlabPfmemalloc() asserts PageSlab (patch 13; fixed by
 *                   pfmemalloc_match_unsafe(), L6670-6680, L6883). R5.
 *   flush_all       mutex_lock(&flush_lock) before cpus_read_lock() (patch 29, L3007-3008; fixed
 *                   by reversing them and adding flush_all_cpus_locked(), L5420-5428). R6, R7.
 *   kmem_cache_destroy, __kmem_cache_shutdown, slab_mem_going_offline_callback
 *                   slab_mutex without cpus_read_lock(), then flush_all() (fixed L5448-5462,
 *                   L5538-5551). R6, R7.
 *   kmem_cache_cpu  (its cpuSlabOrder in variants.ts) `lock` is the first field (patch 35, L3733-3734; fixed by moving it after
 *                   `partial`, L7876-7888): with LOCK_STAT, {freelist, tid} is not 16-byte aligned
 *                   and the fast paths' cmpxchg16b faults. R9.
 * Not modelled: the lockdep_assert_held() form of patch 35 (R10, an annotation).
 */
import { fn, RETRY, ret, table, type KernelFn, type StepDef } from "../program";
import { acquire, mutexLock, mutexUnlock, release } from "../prims";
import { teardownUnlocked } from "./teardown";
import {
  flushAllCpusLocked,
  pfmemallocPeek,
  slabAllocSlowFn,
  v515Fns,
} from "./v5_15";

/** The queue-and-wait part of v5.15's flush_all_cpus_locked, between its lock and unlock. */
function queueAndWait(): StepDef[] {
  const steps = flushAllCpusLocked.steps;
  const from = flushAllCpusLocked.labels["queue"];
  const last = steps[steps.length - 1];
  if (from === undefined || last?.site !== "flushLockUnlock")
    throw new Error("flush_all_cpus_locked no longer has the expected shape");
  return steps.slice(from, steps.length - 1);
}

/** flush_all() as posted in patch 29: flush_lock first, then cpu_hotplug_lock. */
const flushAllAsPosted = fn("flush_all", [
  {
    line: "mutex_lock(&flush_lock)",
    run: (k) => {
      if (!mutexLock(k, { kind: "flushLock" })) return RETRY;
      k.L.cpu = 0;
      k.L.queued = [];
      return undefined;
    },
  },
  {
    line: "cpus_read_lock()",
    run: (k) =>
      acquire(k, { kind: "cpuHotplug", write: false }, "sleep")
        ? undefined
        : RETRY,
  },
  ...queueAndWait(),
  {
    line: "cpus_read_unlock()",
    run: (k) => {
      release(k, { kind: "cpuHotplug", write: false });
      return undefined;
    },
  },
  {
    line: "mutex_unlock(&flush_lock)",
    run: (k) => {
      mutexUnlock(k, { kind: "flushLock" });
      return ret();
    },
  },
]);

export const v4Fns: Record<string, KernelFn> = {
  ...v515Fns,
  ...teardownUnlocked,
  ...table([slabAllocSlowFn(pfmemallocPeek.asserting), flushAllAsPosted]),
};
// As posted there is no flush_all_cpus_locked(): nothing may call it.
delete v4Fns["flush_all_cpus_locked"];
