/**
 * Tearing caches down and taking memory away: the paths whose sleeping locks met CPU hotplug in
 * the local_lock thread (seed 002 L4378-4700, L5400-5555, L5588-5825).
 *
 *   kmem_cache_destroy (mm/slab_common.c) -> __kmem_cache_shutdown -> free_partial
 *   offline_pages (mm/memory_hotplug.c) -> memory_notify(MEM_GOING_OFFLINE) ->
 *     slab_memory_callback -> slab_mem_going_offline_callback -> __kmem_cache_shrink
 *
 * Two flavours, by who takes cpus_read_lock():
 *   unlocked     v5.14 and the v4 series as posted: kmem_cache_destroy takes only slab_mutex, and
 *                both paths call flush_all(), which takes cpu_hotplug_lock itself (v4) or needs
 *                none (v5.14's IPIs).
 *   cpusLocked   v5.15 (the fix-up of L5448-5555): kmem_cache_destroy takes cpus_read_lock()
 *                before slab_mutex, and both paths call flush_all_cpus_locked() under the
 *                cpu_hotplug_lock their caller holds.
 * Simplified: one cache on slab_caches; no refcount (a destroy always destroys), no RCU barrier,
 * sysfs or debugfs; offline_pages is its lock sequence around the MEM_GOING_OFFLINE notifier
 * (no page isolation or migration, no mem_hotplug_lock, no MEM_OFFLINE callback).
 */
import {
  call,
  fn,
  goto,
  num,
  ret,
  RETRY,
  table,
  type K,
  type KernelFn,
  type StepDef,
} from "../program";
import {
  acquire,
  fmtObj,
  mutexLock,
  mutexUnlock,
  note,
  ownSlab,
  pageOf,
  release,
  report,
  slabPage,
  spinLockNode,
  spinUnlockNode,
  nodeAt,
} from "../prims";
import { discardEach, listOps } from "./common";

export type TeardownFlavour = "unlocked" | "cpusLocked";

const cpusReadLock: StepDef = {
  line: "cpus_read_lock()",
  run: (k) =>
    acquire(k, { kind: "cpuHotplug", write: false }, "sleep")
      ? undefined
      : RETRY,
};

const cpusReadUnlock: StepDef = {
  line: "cpus_read_unlock()",
  run: (k) => {
    release(k, { kind: "cpuHotplug", write: false });
    return ret();
  },
};

function kmemCacheDestroy(flavour: TeardownFlavour): KernelFn {
  const locked = flavour === "cpusLocked";
  return fn("kmem_cache_destroy", [
    ...(locked ? [cpusReadLock] : []),
    {
      line: "mutex_lock(&slab_mutex)",
      run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
    },
    {
      line: "s->refcount--; shutdown_cache(s): __kmem_cache_shutdown(s)",
      run: () => call("__kmem_cache_shutdown"),
      after: (k, busy) => {
        k.L.busy = busy === true;
        return undefined;
      },
    },
    {
      line: 'if (err) pr_err("Slab cache still has objects"); else list_del(&s->list); mutex_unlock(&slab_mutex)',
      site: "destroyReport",
      run: (k) => {
        if (k.L.busy === true) {
          note(k, "cache still has objects");
          k.a.note = `kmem_cache_destroy ${k.m.cache.name}: Slab cache still has objects; it stays`;
        } else {
          // A new record rather than a write to it: the record is never changed in place,
          // so that copies of the machine (the explorer's) can share it.
          k.m.cache = { ...k.m.cache, destroyed: true };
        }
        mutexUnlock(k, { kind: "slabMutex" });
        return locked ? undefined : ret();
      },
    },
    ...(locked ? [cpusReadUnlock] : []),
  ]);
}

function kmemCacheShutdown(flavour: TeardownFlavour): KernelFn {
  const flush =
    flavour === "cpusLocked" ? "flush_all_cpus_locked" : "flush_all";
  return fn("__kmem_cache_shutdown", [
    {
      line: `${flush}(s)`,
      calls: [flush],
      run: (k) => {
        k.L.i = 0;
        return call(flush);
      },
    },
    {
      label: "node",
      line: "for_each_kmem_cache_node(s, node, n): free_partial(s, n)",
      run: (k) => {
        const i = num(k.L, "i");
        if (i >= k.m.nodes.length) return ret(false);
        return call("free_partial", { node: i });
      },
    },
    {
      line: "if (n->nr_partial || slabs_node(s, node)) return 1",
      run: (k) => {
        const m = k.m;
        const i = num(k.L, "i");
        const left = m.pages.filter(
          (p) => p.use === "slab" && p.node === i,
        ).length;
        if (nodeAt(m, i)!.nrPartial > 0 || left > 0) return ret(true);
        k.L.i = i + 1;
        return goto("node");
      },
    },
  ]);
}

/** free_partial(): discard the node's empty partial slabs; a slab with objects is reported and kept. */
const freePartial = fn("free_partial", [
  {
    line: "spin_lock_irq(&n->list_lock)",
    run: (k) => (spinLockNode(k, num(k.L, "node"), true) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry_safe(page, &n->partial): if (!page->inuse) { remove_partial(n, page); list_add(page, &discard); } else list_slab_objects()",
    run: (k) => {
      const node = num(k.L, "node");
      const n = nodeAt(k.m, node)!;
      const discard: number[] = [];
      for (const pid of [...n.partial]) {
        const p = slabPage(k, pid, "free_partial");
        if (p.inuse === 0) {
          listOps.removePartial(k, node, pid);
          ownSlab(k, pid);
          discard.push(pid);
        } else {
          note(k, `objects remaining in P${pid} on __kmem_cache_shutdown()`);
        }
      }
      k.L.discard = discard;
      return undefined;
    },
  },
  {
    line: "spin_unlock_irq(&n->list_lock)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "node"), true);
      return undefined;
    },
  },
  discardEach(() => ret()),
]);

/** offline_pages(): the locks it holds when the MEM_GOING_OFFLINE notifier runs. */
const offlinePages = fn("offline_pages", [
  {
    ...cpusReadLock,
    line: "mem_hotplug_begin(): cpus_read_lock()",
  },
  {
    line: "zone_pcp_disable(zone): mutex_lock(&pcp_batch_high_lock)",
    run: (k) => (mutexLock(k, { kind: "pcpBatchHigh" }) ? undefined : RETRY),
  },
  {
    line: "memory_notify(MEM_GOING_OFFLINE): blocking_notifier_call_chain(): down_read(&memory_chain.rwsem)",
    run: (k) =>
      acquire(k, { kind: "memoryChain", write: false }, "sleep")
        ? undefined
        : RETRY,
  },
  {
    line: "slab_memory_callback(MEM_GOING_OFFLINE): slab_mem_going_offline_callback()",
    run: () => call("slab_mem_going_offline_callback"),
  },
  {
    line: "up_read(&memory_chain.rwsem)",
    run: (k) => {
      release(k, { kind: "memoryChain", write: false });
      return undefined;
    },
  },
  {
    line: "(the pages are isolated and migrated) zone_pcp_enable(zone): mutex_unlock(&pcp_batch_high_lock)",
    run: (k) => {
      mutexUnlock(k, { kind: "pcpBatchHigh" });
      return undefined;
    },
  },
  { ...cpusReadUnlock, line: "mem_hotplug_done(): cpus_read_unlock()" },
]);

function slabMemGoingOffline(flavour: TeardownFlavour): KernelFn {
  const slabMutexLock: StepDef = {
    line: "mutex_lock(&slab_mutex)",
    run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
  };
  const unlock: StepDef = {
    label: "unlock",
    line: "mutex_unlock(&slab_mutex)",
    run: (k) => {
      mutexUnlock(k, { kind: "slabMutex" });
      return ret();
    },
  };
  if (flavour === "unlocked")
    return fn("slab_mem_going_offline_callback", [
      slabMutexLock,
      {
        line: "list_for_each_entry(s, &slab_caches, list): __kmem_cache_shrink(s)",
        run: (k) =>
          k.m.cache.destroyed ? undefined : call("__kmem_cache_shrink"),
      },
      unlock,
    ]);
  return fn("slab_mem_going_offline_callback", [
    slabMutexLock,
    {
      line: "list_for_each_entry(s, &slab_caches, list): flush_all_cpus_locked(s)",
      run: (k) =>
        k.m.cache.destroyed ? goto("unlock") : call("flush_all_cpus_locked"),
    },
    {
      line: "__kmem_cache_do_shrink(s)",
      run: () => call("__kmem_cache_do_shrink"),
    },
    unlock,
  ]);
}

/** __kmem_cache_shrink() as v5.14 and the v4 series have it: flush_all(), then shrink. */
const kmemCacheShrinkInner = fn("__kmem_cache_shrink", [
  {
    line: "flush_all(s)",
    run: () => call("flush_all"),
  },
  {
    line: "__kmem_cache_do_shrink(s)",
    run: () => call("__kmem_cache_do_shrink"),
    after: () => ret(),
  },
]);

function teardownFns(flavour: TeardownFlavour): Record<string, KernelFn> {
  return table([
    kmemCacheDestroy(flavour),
    kmemCacheShutdown(flavour),
    freePartial,
    offlinePages,
    slabMemGoingOffline(flavour),
    ...(flavour === "unlocked" ? [kmemCacheShrinkInner] : []),
  ]);
}

/** v5.14 and the v4 series as posted. */
export const teardownUnlocked = teardownFns("unlocked");
/** v5.15. */
export const teardownCpusLocked = teardownFns("cpusLocked");

/**
 * kmem_cache_destroy whose "Slab cache still has objects" also names the objects a per-CPU cache
 * still holds (a percpu array, a main sheaf) when the cache is busy: `stranded` lists them and
 * ends the message with where they sit. Used by the mechanisms whose flush can miss objects.
 * `aside`, when given, tells of objects that are the caller's doing rather than the flush's: it
 * goes into the destroying actor's note, next to "still has objects", and is not a finding.
 */
export function destroyReportsStranded(
  base: KernelFn,
  stranded: (k: K) => {
    objects: number[];
    where: () => string;
    aside?: (() => string) | null;
  },
): KernelFn {
  let found = false;
  const steps = base.steps.map((s): StepDef => {
    if (s.site !== "destroyReport") return s;
    found = true;
    return {
      ...s,
      run: (k) => {
        const left = stranded(k);
        const objs = left.objects;
        if (k.L.busy === true && objs.length > 0) {
          const first = objs.slice(0, 4).map((o) => fmtObj(k.m, o));
          report(
            k,
            "object-leak",
            `kmem_cache_destroy ${k.m.cache.name}: Slab cache still has objects: ${objs.length} of them (${first.join(", ")}${objs.length > 4 ? ", ..." : ""}) ${left.where()}`,
            [...new Set(objs.map((o) => pageOf(k.m, o)))],
            objs,
          );
        }
        const next = s.run(k);
        if (k.L.busy === true && left.aside) k.a.note += `; ${left.aside()}`;
        return next;
      },
    };
  });
  if (!found)
    throw new Error("kmem_cache_destroy no longer has the expected shape");
  return fn(base.name, steps);
}
