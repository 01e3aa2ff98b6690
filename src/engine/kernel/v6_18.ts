/**
 * SLUB of mainline v6.18: opt-in percpu sheaves over the kmem_cache_cpu of 6.8. Follows the
 * series "SLUB percpu sheaves" (Vlastimil Babka, v8 of September 2025, merged for 6.18: "slab:
 * add opt-in caching layer of percpu sheaves", "slab: add sheaf support for batching
 * kfree_rcu() operations", "slab: sheaf prefilling for guaranteed allocations", "slab:
 * determine barn status racily outside of lock") on top of "slub: Delay freezing of CPU partial
 * slabs" (6.8).
 *
 * Data structures (digest):
 * - `struct kmem_cache_cpu` as in 6.8: `freelist` + `tid`, the frozen cpu slab `c->slab`, the
 *   unfrozen cpu partial list `c->partial`, under `s->cpu_slab->lock`.
 * - a cache that passed `kmem_cache_args.sheaf_capacity` also has `s->cpu_sheaves`: per CPU a
 *   local_trylock_t, a `main` sheaf and a `spare` (empty, full or NULL); per node a `node_barn`
 *   of full and empty sheaves under its spinlock. Other caches have neither.
 *
 * Paths:
 * - slab_alloc_node: when the cache has sheaves, alloc_from_pcs first (the sheaf functions of
 *   kernel/v7_0.ts: trylock, pop from main, __pcs_replace_empty_main swapping with the spare or a
 *   barn sheaf, or refilling with the lock dropped). When that gives NULL (trylock failed, a
 *   remote node asked for, no blocking allowed), __slab_alloc_node: the 6.8 lockless c->freelist
 *   fast path and ___slab_alloc with the cpu slab, cpu partial list and node partial list.
 * - refill_sheaf: __kmem_cache_alloc_bulk, i.e. the kmem_cache_cpu path once per object.
 * - slab_free: when the cache has sheaves and the object is of the local node, free_to_pcs
 *   (push on main, __pcs_replace_full_main, flushing the spare with the lock dropped); a remote
 *   object or a failed trylock goes to do_slab_free (the 6.8 fast path onto the cpu slab, or
 *   __slab_free with its cpu partial and node list work).
 * - flushes: the flush work does pcs_flush_all and then the 6.8 flush of the cpu slab and cpu
 *   partial list; flush_all_cpus_locked queues it where has_cpu_slab() or has_pcs_used();
 *   slub_cpu_dead flushes the dead CPU's kmem_cache_cpu and then its sheaves;
 *   __kmem_cache_shutdown shrinks the barns before freeing the node partial lists.
 *
 * Simplified: the sheaf functions are those of kernel/v7_0.ts (7.0's "keep empty main sheaf as
 * spare" is in __pcs_replace_empty_main; 6.18 gives an empty main to the barn), except that a
 * sheaf hit counts 6.18's ALLOC_PCS / FREE_PCS (7.0 folded them into ALLOC_FASTPATH /
 * FREE_FASTPATH, which count the cpu slab's fast path here); refill_sheaf takes one object at a
 * time through __slab_alloc_node (the kernel's bulk loop takes c->freelist under the local lock
 * and calls ___slab_alloc when it runs dry); sheaf flushes free each object through __slab_free,
 * counting FREE_SLOWPATH for each (the kernel builds detached freelists and frees one into the
 * cpu slab by its fast path, FREE_FASTPATH); no strict_numa, no per-node check of the popped
 * object; what 6.8 simplifies. Not modelled: the rcu sheaves on caches without sheaves.
 *
 * kfree_rcu() sheaves ("slab: add sheaf support for batching kfree_rcu() operations"):
 * kvfree_call_rcu() of an object of a cache with sheaves goes to __kfree_rcu_sheaf(): under the
 * CPU's trylock, the object is pushed onto `pcs->rcu_free` (taken from an empty spare, or newly
 * allocated); a sheaf that becomes full is detached and handed to call_rcu(), whose callback
 * rcu_free_sheaf() frees its objects after a grace period. kvfree_rcu_barrier() runs
 * flush_all_rcu_sheaves() (a flush_rcu_sheaf work item on every online CPU hands each
 * `rcu_free` to call_rcu(), under the CPU's lock) and then rcu_barrier(). As merged, a full
 * sheaf is handed to call_rcu() before the lock is dropped, so that a flush_rcu_sheaf() that
 * got the lock knows the call_rcu() was made; the v8 posting dropped the lock first (variant
 * v6.18-rcu-sheaf-v8), leaving a window in which the barrier misses the sheaf.
 * Simplified there: a grace period is the `rcuGracePeriod` operation, and rcu_barrier() runs the
 * callbacks queued so far in its caller's context (no RCU kthread, no softirq); rcu_free_sheaf
 * always flushes the objects to their slabs (the kernel puts a full sheaf into the barn when it
 * has room); the rcu_free sheaf is never taken from the barn, and alloc_empty_sheaf runs without
 * dropping the lock; the fallback when the sheaf path fails (kfree_rcu's own batching) is a
 * one-object callback; kfree_rcu of a cache without sheaves is not modelled; no cpus_read_lock /
 * slab_mutex in flush_all_rcu_sheaves beyond the flush_lock.
 * The flushes: pcs_flush_all() takes `rcu_free` with the spare under the CPU's lock and hands it
 * to call_rcu() (rcu_free_sheaf_nobarn), __pcs_flush_all_cpu() does the same for a dead CPU, and
 * has_pcs_used() counts an rcu_free sheaf. The call_rcu() is a step where the kernel makes it
 * (`rcu_free`: in pcs_flush_all() after the spare and before main, in __pcs_flush_all_cpu() at
 * the end) and only when there is an rcu_free sheaf, so that a flush without one runs the steps
 * it always ran.
 *
 * kmalloc_nolock() / kfree_nolock() ("slab: Introduce kmalloc_nolock() and kfree_nolock().",
 * Alexei Starovoitov, merged for 6.18; the v1 digest is kernel/nolock.ts): kmalloc_nolock tests
 * the bucket's cpu_slab lock before __slab_alloc_node (an NMI that finds it held gets -EBUSY and
 * retries once in the next bucket); a cache with slub_debug goes to the debug branches of
 * ___slab_alloc, which only trylock n->list_lock (`___slab_alloc_debug`). kfree_nolock calls
 * do_slab_free with cnt == 0: an object whose slab is not c->slab, or whose CPU lock is held under
 * an NMI (or on PREEMPT_RT), is deferred: defer_free() links it into the CPU's llist through its
 * free pointer word and queues the irq_work, free_deferred_objects(), which clears the link and
 * __slab_free()s each object. Variants: `v6.18-defer-rawfp` (6.18-rc1, the link cleared with a
 * raw NULL: "slab: fix clearing freelist in free_deferred_objects()" fixed it) and
 * `v6.18-nolock-loop` (6.18-rc, the endless new_objects loop: "slab: prevent infinite loop in
 * kmalloc_nolock() with debugging").
 * Simplified there: one deferred list (the kernel has one per CPU; the irq_work is queued on the
 * CPU that deferred), the slow paths under kmalloc_nolock are the 6.8 ones (no trylock of
 * list_lock, no alloc_frozen_pages_nolock, no -EBUSY in __slab_alloc, no deferred slab
 * deactivation) except in the debug branches; the free pointer check of slub_debug is modelled
 * only in free_deferred_objects; the irq_work runs in ipi/N (!RT) or kworker/N (RT).
 *
 * Memoryless nodes ("slab: fix NULL pointer when trying to access barn", Vlastimil Babka, Oct
 * 2025, after the report "Boot fails with 59faa4da7cd4 and 3accabda4da1"): a CPU of a node
 * without memory has no kmem_cache_node for numa_mem_id(), so get_barn() is NULL. v6.18's
 * __pcs_replace_empty_main and __pcs_replace_full_main then drop the lock and return NULL (the
 * caller falls back to the kmem_cache_cpu path); `v6.18-barn-null`, the series as merged before
 * that fix, dereferences it. Simplified: the other get_barn() callers of the fix (prefill,
 * return, rcu_free_sheaf, __kfree_rcu_sheaf, the bulk paths) are not modelled or never reach
 * the barn here; a memoryless node still shows a (never used) barn in the state.
 */
import {
  call,
  fn,
  goto,
  num,
  ret,
  RETRY,
  table,
  type FnTable,
  type K,
  type KernelFn,
  type StepDef,
} from "../program";
import {
  countTrylockFail,
  cpuSlab,
  disownObject,
  disownSlab,
  fmtObj,
  kernelLog,
  lockAvailable,
  lockOwners,
  modelOnly,
  mutexLock,
  mutexUnlock,
  note,
  ownObject,
  pageOf,
  report,
  setFreepointer,
  stat,
} from "../prims";
import { schedWrites } from "../schedWrites";
import { newSheaf } from "../features/sheaves";
import type { RcuSheaves } from "../types";
import type { VariantName } from "../variants";
import { allocPage, freeToPageAllocator, makeSlab, pageNode } from "./common";
import { flushAll, flushAllCpusLocked, hasCpuSlab } from "./v5_15";
import { v68Fns } from "./v6_8";
import {
  inNmi,
  isolateMigratepagesBlock,
  kfreeNolock,
  kmallocNolockFn,
  localLockIsLocked,
} from "./nolock";
import {
  barnLock,
  barnUnlock,
  getBarn,
  hasPcsUsed,
  localNode,
  pcsLock,
  pcsTrylock,
  pcsReplaceEmptyMainFn,
  pcsReplaceFullMainFn,
  pcsUnlock,
  pushObject,
  sheaf,
  v70Tables,
} from "./v7_0";

const v70 = v70Tables["v7.0"];

/**
 * 7.0's alloc_from_pcs / free_to_pcs with the stat item 6.18 counts a sheaf hit under: 6.18 still
 * has the cpu slab, whose fast path keeps ALLOC_FASTPATH / FREE_FASTPATH, so sheaf hits have
 * items of their own (sysfs alloc_cpu_sheaf / free_cpu_sheaf) until 7.0 removes the cpu slab.
 */
function withPcsStat(
  name: "alloc_from_pcs" | "free_to_pcs",
  item: "ALLOC_PCS" | "FREE_PCS",
): KernelFn {
  const steps = v70[name]!.steps;
  const last = steps[steps.length - 1]!;
  const seven = item === "ALLOC_PCS" ? "ALLOC_FASTPATH" : "FREE_FASTPATH";
  if (!last.line.includes(`stat(s, ${seven})`))
    throw new Error(`${name}: its last step no longer counts ${seven}`);
  return fn(name, [
    ...steps.slice(0, -1),
    {
      ...last,
      line: last.line.replace(seven, item),
      run: (k) => {
        pcsUnlock(k);
        stat(k, item);
        return ret(item === "ALLOC_PCS" ? num(k.L, "object") : true);
      },
    },
  ]);
}

/** A function of another table under another name (the kernel renamed or split it). */
function renamed(from: FnTable, name: string, as: string) {
  return fn(as, [...from[name]!.steps]);
}

/** `s->cpu_sheaves`: the cache opted in to sheaves. */
function hasSheaves(k: K): boolean {
  return k.m.sheaves !== undefined;
}

// --- allocation -------------------------------------------------------------------------------

/** slab_alloc_node(): the sheaves when the cache has them, then the kmem_cache_cpu path. */
const slabAllocNode = fn("slab_alloc_node", [
  {
    line: "if (s->cpu_sheaves) object = alloc_from_pcs(s, gfpflags, node)",
    run: (k) =>
      hasSheaves(k)
        ? call("alloc_from_pcs", {
            gfp: k.L.gfp ?? null,
            node: k.L.node ?? null,
          })
        : undefined,
    after: (_k, v) => (typeof v === "number" ? ret(v) : undefined),
  },
  {
    line: "if (!object) object = __slab_alloc_node(s, gfpflags, node, addr, orig_size)",
    run: (k) =>
      call("__slab_alloc_node", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
      }),
    after: (_k, v) => ret(v),
  },
]);

/**
 * refill_sheaf(): __kmem_cache_alloc_bulk(s, gfp, to_fill, objects) over the kmem_cache_cpu
 * path, one object at a time; the sheaf is held by the actor, the CPU's sheaves are unlocked.
 */
const refillSheaf = fn("refill_sheaf", [
  {
    label: "next",
    line: "to_fill = s->sheaf_capacity - sheaf->size; __kmem_cache_alloc_bulk(s, gfp, to_fill, &sheaf->objects[sheaf->size]): next object",
    run: (k) => {
      k.L.filled ??= 0;
      const sh = sheaf(k, k.L.sheaf as number);
      if (sh.objects.length >= k.m.sheaves!.capacity) return goto("done");
      return call("__slab_alloc_node", { gfp: "GFP_KERNEL", node: null });
    },
    after: (k, v) => {
      if (typeof v !== "number") return goto("done");
      pushObject(k, sheaf(k, k.L.sheaf as number), v);
      k.L.filled = (k.L.filled as number) + 1;
      return goto("next");
    },
  },
  {
    label: "done",
    line: "sheaf->size += filled; stat_add(s, SHEAF_REFILL, filled); return filled ? 0 : -ENOMEM",
    run: (k) => {
      const filled = (k.L.filled as number | undefined) ?? 0;
      for (let i = 0; i < filled; i++) stat(k, "SHEAF_REFILL");
      return ret(filled);
    },
  },
]);

// --- free -------------------------------------------------------------------------------------

/** slab_free(): a local object to the sheaves when the cache has them, else do_slab_free. */
const slabFree = fn("slab_free", [
  {
    line: "if (s->cpu_sheaves && slab_nid(slab) == numa_mem_id() && free_to_pcs(s, object)) return",
    run: (k) =>
      hasSheaves(k) && pageNode(k, k.L.page as number) === localNode(k)
        ? call("free_to_pcs", { object: k.L.head as number })
        : undefined,
    after: (_k, v) => (v === true ? ret() : undefined),
  },
  {
    line: "do_slab_free(s, slab, object, object, 1, addr)",
    run: (k) =>
      call("do_slab_free", {
        page: k.L.page as number,
        head: k.L.head as number,
        tail: k.L.tail as number,
        cnt: 1,
      }),
    after: () => ret(),
  },
]);

// --- flushing ---------------------------------------------------------------------------------

/** flush_cpu_slab(): the work item; the sheaves first, then the 6.8 cpu slab and partials. */
const flushCpuSlabWork = fn("flush_cpu_slab", [
  {
    line: "if (s->cpu_sheaves) pcs_flush_all(s)",
    run: (k) => (hasSheaves(k) ? call("pcs_flush_all") : undefined),
  },
  ...v68Fns["flush_cpu_slab"]!.steps,
]);

/** flush_all_cpus_locked(): queue the work where has_cpu_slab() or has_pcs_used(). */
const flushAllCpusLockedBoth = fn("flush_all_cpus_locked", [
  flushAllCpusLocked.steps[0]!,
  {
    label: "queue",
    line: "for_each_online_cpu(cpu): if (!has_cpu_slab(cpu, s) && !has_pcs_used(cpu, s)) skip; else queue_work_on(cpu, flushwq, &sfw->work)",
    run: (k) => {
      const m = k.m;
      let cpu = k.L.cpu as number;
      while (cpu < m.cpus.length && !m.cpus[cpu]!.online) cpu++;
      if (cpu >= m.cpus.length) return goto("wait");
      k.L.cpu = cpu + 1;
      if (!hasCpuSlab(k, cpu) && !hasPcsUsed618(k, cpu)) return goto("queue");
      const w = m.actors.find(
        (a) =>
          a.kind === "kworker" && a.system && (a.unboundFrom ?? a.cpu) === cpu,
      )!;
      w.ops.push({ kind: "flushCpuSlabWork", requester: k.a.id });
      schedWrites.n++;
      (k.L.queued as number[]).push(w.id, w.ops.length - 1);
      return goto("queue");
    },
  },
  ...flushAllCpusLocked.steps.slice(2),
]);

/** slub_cpu_dead(): the dead CPU's kmem_cache_cpu, then its sheaves. */
const slubCpuDead = fn("slub_cpu_dead", [
  v68Fns["slub_cpu_dead"]!.steps[0]!,
  v68Fns["slub_cpu_dead"]!.steps[1]!,
  {
    line: "if (s->cpu_sheaves) __pcs_flush_all_cpu(s, cpu)",
    run: (k) =>
      hasSheaves(k)
        ? call("__pcs_flush_all_cpu", { cpu: k.L.cpu as number })
        : undefined,
  },
  ...v68Fns["slub_cpu_dead"]!.steps.slice(2),
]);

/** barn_shrink(), for the caches that have barns (`if (n->barn)`). */
const barnShrink = fn("barn_shrink", [
  {
    line: "if (!n->barn) return  (the cache has no sheaves)",
    run: (k) => (hasSheaves(k) ? undefined : ret()),
  },
  ...v70["barn_shrink"]!.steps,
]);

// --- kfree_rcu sheaves -----------------------------------------------------------------------

function rcu(k: K): RcuSheaves {
  return k.m.sheaves!.rcu!;
}
/** call_rcu(&sheaf->rcu_head, ...): the callback is queued; the sheaf is nobody's to touch. */
function callRcu(k: K, id: number): void {
  sheaf(k, id).owner = null;
  rcu(k).pending.push(id);
}

// --- the flushes hand rcu_free to call_rcu() --------------------------------------------------

/** has_pcs_used() of 6.18: a spare, an rcu_free sheaf or objects in main. */
function hasPcsUsed618(k: K, cpu: number): boolean {
  return hasPcsUsed(k, cpu) || (k.m.sheaves?.rcu?.free[cpu] ?? null) !== null;
}

/** Detach `cpu`'s rcu_free sheaf into the frame (`rcuFree`), held by this context. */
function takeRcuFree(k: K, cpu: number): void {
  const r = k.m.sheaves?.rcu;
  const id = r?.free[cpu] ?? null;
  k.L.rcuFree = id;
  if (r === undefined || id === null) return;
  r.free[cpu] = null;
  sheaf(k, id).owner = k.a.id;
}

/** `sd` with `redirect` applied to what its `run` and `after` return. */
function redirected(
  sd: StepDef,
  redirect: (k: K, n: ReturnType<StepDef["run"]>) => ReturnType<StepDef["run"]>,
): StepDef {
  const after = sd.after;
  return {
    ...sd,
    run: (k) => redirect(k, sd.run(k)),
    ...(after ? { after: (k, v) => redirect(k, after(k, v)) } : {}),
  };
}

/**
 * A step whose return goes to `rcu_free` first when the frame took an rcu_free sheaf; `calls`
 * names what the wrapped step calls (the listing reads calls from a step's own code).
 */
function thenRcuFree(sd: StepDef, calls: readonly string[]): StepDef {
  return {
    ...redirected(sd, (k, n) =>
      n?.kind === "return" && (k.L.rcuFree ?? null) !== null
        ? goto("rcu_free")
        : n,
    ),
    calls: [...(sd.calls ?? []), ...calls],
  };
}

/** The detached rcu_free sheaf goes to call_rcu() (the end of __pcs_flush_all_cpu()). */
const RCU_FREE_TO_CALL_RCU: StepDef = {
  label: "rcu_free",
  line: "if (rcu_free) call_rcu(&rcu_free->rcu_head, rcu_free_sheaf_nobarn)  (rcu_free = pcs->rcu_free; pcs->rcu_free = NULL was taken with the spare, above)",
  run: (k) => {
    callRcu(k, num(k.L, "rcuFree"));
    k.L.rcuFree = null;
    return ret();
  },
};

/**
 * A step that, where it would go on to the next one, skips the call_rcu() step when the frame
 * took no rcu_free sheaf (`if (rcu_free)` reads a local: no micro-step of its own).
 */
function skipCallRcuIfNone(sd: StepDef): StepDef {
  return redirected(sd, (k, n) =>
    n === undefined && (k.L.rcuFree ?? null) === null ? goto("flush_main") : n,
  );
}

/**
 * pcs_flush_all() of 6.18: 7.0's, which also takes rcu_free under the lock and hands it to
 * call_rcu() after flushing the spare, before flushing main (the order of the merged code).
 */
const pcsFlushAll618 = (() => {
  const steps = v70["flush_cpu_slab"]!.steps;
  return fn("pcs_flush_all", [
    {
      ...steps[0]!,
      run: (k) => {
        const n = steps[0]!.run(k);
        if (n !== RETRY) takeRcuFree(k, k.cpu);
        return n;
      },
    },
    skipCallRcuIfNone(steps[1]!),
    // The same call_rcu() step, going on to flush main instead of returning.
    {
      ...RCU_FREE_TO_CALL_RCU,
      run: (k) => {
        RCU_FREE_TO_CALL_RCU.run(k);
        return undefined;
      },
    },
    { ...steps[2]!, label: "flush_main" },
  ]);
})();

/** __pcs_flush_all_cpu() of 6.18: a dead CPU's rcu_free goes to call_rcu() too. */
const pcsFlushAllCpu618 = (() => {
  const steps = v70["__pcs_flush_all_cpu"]!.steps;
  return fn("__pcs_flush_all_cpu", [
    {
      ...steps[0]!,
      run: (k) => {
        const n = steps[0]!.run(k);
        takeRcuFree(k, num(k.L, "cpu"));
        return n;
      },
    },
    thenRcuFree(steps[1]!, ["__slab_free"]),
    RCU_FREE_TO_CALL_RCU,
  ]);
})();

/** kvfree_call_rcu(): the sheaf path for a cache with sheaves, else kfree_rcu's own batching. */
const kvfreeCallRcu = fn("kvfree_call_rcu", [
  {
    line: "if (s->cpu_sheaves && __kfree_rcu_sheaf(s, obj)) return",
    run: (k) =>
      hasSheaves(k)
        ? call("__kfree_rcu_sheaf", { object: num(k.L, "head") })
        : undefined,
    after: (k, v) => (v === true ? ret(num(k.L, "head")) : undefined),
  },
  {
    line: "kfree_rcu's own batching (kvfree_rcu_bulk): the object waits for a grace period on its own",
    run: (k) => {
      const o = num(k.L, "head");
      const sh = newSheaf(k.m.sheaves!, k.a.id);
      pushObject(k, sh, o);
      callRcu(k, sh.id);
      return ret(o);
    },
  },
]);

/** The end of __kfree_rcu_sheaf() as merged: call_rcu() of a full sheaf before the unlock. */
const CALL_RCU_THEN_UNLOCK: StepDef[] = [
  {
    label: "call_rcu",
    line: "if (rcu_sheaf) call_rcu(&rcu_sheaf->rcu_head, rcu_free_sheaf)  (before local_unlock: a racing flush_all_rcu_sheaves() must not miss it)",
    run: (k) => {
      const id = k.L.rcuSheaf as number | null;
      if (id !== null) callRcu(k, id);
      return undefined;
    },
  },
  {
    line: "local_unlock(&s->cpu_sheaves->lock); stat(s, FREE_RCU_SHEAF); return true",
    run: (k) => {
      pcsUnlock(k);
      stat(k, "FREE_RCU_SHEAF");
      return ret(true);
    },
  },
];

/** The end as posted in v8: the lock is dropped first, then call_rcu(). */
const UNLOCK_THEN_CALL_RCU: StepDef[] = [
  {
    line: "local_unlock(&s->cpu_sheaves->lock)",
    run: (k) => {
      pcsUnlock(k);
      return undefined;
    },
  },
  {
    label: "call_rcu",
    line: "if (rcu_sheaf) call_rcu(&rcu_sheaf->rcu_head, rcu_free_sheaf); stat(s, FREE_RCU_SHEAF); return true",
    run: (k) => {
      const id = k.L.rcuSheaf as number | null;
      if (id !== null) callRcu(k, id);
      stat(k, "FREE_RCU_SHEAF");
      return ret(true);
    },
  },
];

function kfreeRcuSheaf(end: StepDef[]) {
  return fn("__kfree_rcu_sheaf", [
    {
      line: "if (!local_trylock(&s->cpu_sheaves->lock)) goto fail; pcs = this_cpu_ptr(s->cpu_sheaves)",
      run: (k) => {
        if (pcsTrylock(k)) return undefined;
        stat(k, "FREE_RCU_SHEAF_FAIL");
        return ret(false);
      },
    },
    {
      line: "if (!pcs->rcu_free) { if (pcs->spare && !pcs->spare->size) { rcu_free = spare; spare = NULL } else rcu_free = alloc_empty_sheaf(s, GFP_NOWAIT) }",
      run: (k) => {
        const cpu = num(k.L, "pcs");
        const r = rcu(k);
        if (r.free[cpu] !== null) return undefined;
        const p = k.m.sheaves!.pcs[cpu]!;
        if (p.spare !== null && sheaf(k, p.spare).objects.length === 0) {
          r.free[cpu] = p.spare;
          p.spare = null;
        } else {
          r.free[cpu] = newSheaf(k.m.sheaves!, null).id;
          stat(k, "SHEAF_ALLOC");
        }
        return undefined;
      },
    },
    {
      line: "rcu_sheaf = pcs->rcu_free; rcu_sheaf->objects[rcu_sheaf->size++] = obj; if (size == s->sheaf_capacity) pcs->rcu_free = NULL; else rcu_sheaf = NULL",
      run: (k) => {
        const cpu = num(k.L, "pcs");
        const r = rcu(k);
        const id = r.free[cpu]!;
        const sh = sheaf(k, id);
        pushObject(k, sh, num(k.L, "object"));
        k.L.rcuSheaf = null;
        if (sh.objects.length >= k.m.sheaves!.capacity) {
          r.free[cpu] = null;
          // Detached: this context holds it until call_rcu().
          sh.owner = k.a.id;
          k.L.rcuSheaf = id;
        }
        return undefined;
      },
    },
    ...end,
  ]);
}

/** rcu_free_sheaf(): after the grace period, the sheaf's objects go back to their slabs. */
const rcuFreeSheaf = fn("rcu_free_sheaf", [
  {
    line: "rcu_free_sheaf(head): sheaf = container_of(head, ...); the objects are freed from here on",
    run: (k) => {
      const r = rcu(k);
      const sh = sheaf(k, num(k.L, "sheaf"));
      sh.owner = k.a.id;
      r.queued = r.queued.filter((o) => !sh.objects.includes(o));
      return call("sheaf_flush_unused", { sheaf: sh.id });
    },
  },
  {
    line: "free_empty_sheaf(s, sheaf)",
    run: (k) => {
      const sh = sheaf(k, num(k.L, "sheaf"));
      sh.owner = null;
      sh.freed = true;
      stat(k, "SHEAF_FREE");
      return ret();
    },
  },
]);

/** rcu_do_batch(): the callbacks queued so far run, oldest first. */
function runCallbacks(
  label: string,
  done: (k: K) => ReturnType<StepDef["run"]>,
): StepDef {
  return {
    label,
    line: "for each callback queued before: rcu_free_sheaf(&sheaf->rcu_head)",
    run: (k) => {
      const left = num(k.L, "left");
      const id = rcu(k).pending[0];
      if (left <= 0 || id === undefined) return done(k);
      rcu(k).pending.shift();
      // Off the callback list and into the callback's hands.
      sheaf(k, id).owner = k.a.id;
      k.L.left = left - 1;
      return call("rcu_free_sheaf", { sheaf: id });
    },
    after: () => goto(label),
  };
}

const rcuDoBatch = fn("rcu_do_batch", [
  {
    line: "a grace period has ended: the callbacks queued so far are ready",
    run: (k) => {
      if (!hasSheaves(k)) return ret();
      k.L.left = rcu(k).pending.length;
      return undefined;
    },
  },
  runCallbacks("next", () => ret()),
]);

/** flush_rcu_sheaf(): the work item: the CPU's rcu_free sheaf to call_rcu(), whatever its size. */
const flushRcuSheaf = fn("flush_rcu_sheaf", [
  {
    line: "local_lock(&s->cpu_sheaves->lock); rcu_free = pcs->rcu_free; pcs->rcu_free = NULL; local_unlock(&s->cpu_sheaves->lock)",
    run: (k) => {
      if (!pcsLock(k)) return RETRY;
      const r = rcu(k);
      const id = r.free[k.cpu] ?? null;
      r.free[k.cpu] = null;
      if (id !== null) sheaf(k, id).owner = k.a.id;
      k.L.rcuSheaf = id;
      pcsUnlock(k);
      return undefined;
    },
  },
  {
    line: "if (rcu_free) call_rcu(&rcu_free->rcu_head, rcu_free_sheaf_nobarn)",
    run: (k) => {
      const id = k.L.rcuSheaf as number | null;
      if (id !== null) callRcu(k, id);
      return ret();
    },
  },
]);

/** flush_all_rcu_sheaves(): the flush_rcu_sheaf work on every online CPU, then wait for it. */
const flushAllRcuSheaves = fn("flush_all_rcu_sheaves", [
  flushAll.steps[0]!,
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
    label: "queue",
    line: "for_each_online_cpu(cpu): INIT_WORK(&sfw->work, flush_rcu_sheaf); queue_work_on(cpu, flushwq, &sfw->work)  (no check: a racing __kfree_rcu_sheaf may just have taken it)",
    run: (k) => {
      const m = k.m;
      let cpu = num(k.L, "cpu");
      while (cpu < m.cpus.length && !m.cpus[cpu]!.online) cpu++;
      if (cpu >= m.cpus.length) return goto("wait");
      k.L.cpu = cpu + 1;
      const w = m.actors.find(
        (a) =>
          a.kind === "kworker" && a.system && (a.unboundFrom ?? a.cpu) === cpu,
      )!;
      w.ops.push({
        kind: "flushCpuSlabWork",
        requester: k.a.id,
        work: "rcuSheaf",
      });
      schedWrites.n++;
      (k.L.queued as number[]).push(w.id, w.ops.length - 1);
      return goto("queue");
    },
  },
  ...flushAllCpusLocked.steps.slice(2, 3),
  {
    line: "mutex_unlock(&flush_lock)",
    run: (k) => {
      mutexUnlock(k, { kind: "flushLock" });
      return undefined;
    },
  },
  { ...flushAll.steps[2]! },
]);

/** kvfree_rcu_barrier(): every object kfree_rcu()'d before it returns is freed when it returns. */
const kvfreeRcuBarrier = fn("kvfree_rcu_barrier", [
  {
    line: "kvfree_rcu_barrier(): (the objects whose kfree_rcu() has returned must be freed by its end)",
    run: (k) => {
      k.L.expect = hasSheaves(k) ? [...rcu(k).queued] : [];
      return hasSheaves(k) ? call("flush_all_rcu_sheaves") : undefined;
    },
  },
  {
    line: "rcu_barrier(): wait for every callback queued so far",
    run: (k) => {
      k.L.left = hasSheaves(k) ? rcu(k).pending.length : 0;
      return undefined;
    },
  },
  runCallbacks("cb", () => undefined),
  {
    label: "done",
    line: "return  (every sheaf kfree_rcu() filled before the call has been freed)",
    run: (k) => {
      if (!hasSheaves(k)) return ret();
      const q = rcu(k).queued;
      const missed = (k.L.expect as number[]).filter((o) => q.includes(o));
      if (missed.length > 0)
        report(
          k,
          "object-leak",
          modelOnly(
            `slabscope: kvfree_rcu_barrier() returned, but ${missed.map((o) => fmtObj(k.m, o)).join(", ")}, kfree_rcu()'d before it, ${missed.length === 1 ? "is" : "are"} still waiting for RCU: a sheaf handed to call_rcu() after the barrier's flush and rcu_barrier() (kmem_cache_destroy() would now find objects remaining)`,
          ),
          missed.map((o) => pageOf(k.m, o)),
          missed,
        );
      return ret();
    },
  },
]);

const rcuFns = table([
  kvfreeCallRcu,
  rcuFreeSheaf,
  rcuDoBatch,
  flushRcuSheaf,
  flushAllRcuSheaves,
  kvfreeRcuBarrier,
]);

// --- kmalloc_nolock() / kfree_nolock() ----------------------------------------------------------

/**
 * do_slab_free() of 6.18: the 6.8 function, with kfree_nolock's caller (cnt == 0, !allow_spin)
 * deferred where it may not take the slow path or the lock it finds held. The test sits in the
 * step that compares the slab with c->slab, and the deferral is a step at the end (`defer`), so
 * every other free runs the 6.8 steps unchanged.
 */
const doSlabFree618 = fn("do_slab_free", [
  ...v68Fns["do_slab_free"]!.steps.map((sd, i): StepDef => {
    if (i !== 2) return sd;
    return {
      ...sd,
      run: (k) => {
        if (k.L.cnt === 0 && k.m.nolock) {
          const onCpuSlab = cpuSlab(k, num(k.L, "c")).page === num(k.L, "page");
          if (!onCpuSlab) return goto("defer");
          if ((inNmi(k) || k.m.config.preemptRt) && localLockIsLocked(k))
            return goto("defer");
          // kfree_nolock frees one object at a time: cnt goes back to 1.
          k.L.cnt = 1;
        }
        return sd.run(k);
      },
    };
  }),
  {
    label: "defer",
    line: "kfree_nolock (cnt == 0, !allow_spin): if the slab is not c->slab, or (in_nmi() || !USE_LOCKLESS_FAST_PATH()) && local_lock_is_locked(&s->cpu_slab->lock): defer_free(s, head); return  (else cnt = 1 and the fast path)",
    run: (k) => {
      deferFree618(k);
      return ret();
    },
  },
]);

/**
 * defer_free(): llist_add(head + s->offset, &df->objects) on this CPU's defer_free, whose link
 * overwrites the object's free pointer word; the first object queues the irq_work, which runs
 * free_deferred_objects as a hard interrupt once the CPU takes interrupts again (!RT), or in
 * the CPU's irq_work thread (PREEMPT_RT; here its kworker).
 */
function deferFree618(k: K): void {
  const st = k.m.nolock!;
  const x = num(k.L, "head");
  const wasEmpty = st.deferFreeObjects.length === 0;
  st.deferFreeObjects.unshift(x);
  disownObject(k, x);
  note(k, "deferred");
  if (!wasEmpty) return;
  const kind = k.m.config.preemptRt ? "kworker" : "irq";
  const w = k.m.actors.find(
    (a) => a.system && a.kind === kind && a.cpu === k.cpu,
  )!;
  w.ops.push({
    kind: "flushCpuSlabWork",
    requester: k.a.id,
    work: "deferFree",
  });
  schedWrites.n++;
}

/**
 * free_deferred_objects(), the irq_work: every deferred object through __slab_free. Its first
 * step clears the llist link left in the free pointer word: 6.18-rc1 with a raw store of NULL
 * (`rawStore`), v6.18 with set_freepointer(), which encodes NULL on a hardened kernel. A cache
 * with slub_debug checks that word when the object is freed (free_debug_processing() ->
 * check_object()): a raw NULL there decodes to garbage, "Freepointer corrupt", and the object is
 * not freed.
 */
function freeDeferredObjectsFn(rawStore: boolean): KernelFn {
  return fn("free_deferred_objects", [
    {
      line: "df = container_of(work, struct defer_free, work); if (llist_empty(&df->objects)) return",
      run: (k) =>
        (k.m.nolock?.deferFreeObjects.length ?? 0) === 0 ? ret() : undefined,
    },
    {
      line: "llnode = llist_del_all(&df->objects)  (one xchg of the head)",
      run: (k) => {
        const st = k.m.nolock!;
        const taken = st.deferFreeObjects;
        st.deferFreeObjects = [];
        for (const x of taken) ownObject(k, x);
        k.L.pos = taken;
        return undefined;
      },
    },
    {
      label: "loop",
      line: "llist_for_each_safe(pos, t, llnode) { x = pos; slab = virt_to_slab(x); s = slab->slab_cache;",
      run: (k) => {
        const pos = k.L.pos as number[];
        const x = pos[0];
        if (x === undefined) return ret();
        k.L.pos = pos.slice(1);
        k.L.head = x;
        k.L.page = pageOf(k.m, x);
        k.L.garbage = false;
        return undefined;
      },
    },
    rawStore
      ? {
          line: "*(void **)x = NULL  (x is still the free pointer word, s->offset into the object: a raw store; then x -= s->offset)",
          run: (k) => {
            const x = num(k.L, "head");
            // Unhardened, a raw NULL is what set_freepointer would store.
            if (k.m.config.freelistHardened === true) k.L.garbage = true;
            else setFreepointer(k, x, null);
            return undefined;
          },
        }
      : {
          line: "x -= s->offset; set_freepointer(s, x, NULL)  (encoded, so the debug check reads NULL back)",
          run: (k) => {
            setFreepointer(k, num(k.L, "head"), null);
            return undefined;
          },
        },
    {
      line: "__slab_free(s, slab, x, x, 1, _THIS_IP_): with slub_debug, free_to_partial_list() -> free_debug_processing() -> check_object(): get_freepointer(s, x) must be NULL or an object of the slab",
      run: (k) => {
        if (!k.m.config.slubDebug || k.L.garbage !== true) return undefined;
        const x = num(k.L, "head");
        report(
          k,
          "freelist-corrupt",
          kernelLog(
            `BUG ${k.m.cache.name}: Freepointer corrupt. Object ${fmtObj(k.m, x)}: the raw NULL left by free_deferred_objects() decodes (CONFIG_SLAB_FREELIST_HARDENED) to a pointer outside the slab; the object is not freed`,
          ),
          [pageOf(k.m, x)],
          [x],
        );
        // "Object at ... not freed": the slab keeps counting it as allocated, and nobody has it.
        disownObject(k, x);
        return goto("loop");
      },
    },
    {
      line: "__slab_free(s, slab, x, x, 1, _THIS_IP_) }",
      run: (k) =>
        call("__slab_free", {
          page: num(k.L, "page"),
          head: num(k.L, "head"),
          tail: num(k.L, "head"),
          cnt: 1,
        }),
      after: () => goto("loop"),
    },
  ]);
}

/**
 * The kmem_cache_debug() branches of ___slab_alloc() for kmalloc_nolock's caller (!allow_spin),
 * as a function of their own: a debug cache has no cpu slab, so every allocation takes one
 * object under n->list_lock, from a partial slab (alloc_single_from_partial) or a new one
 * (alloc_single_from_new_slab), and a caller that may not spin only trylocks that lock. When the
 * trylock of a new slab fails, 6.18-rc1 discards the slab and goes back to new_objects
 * (`loops`): if the lock's holder is the context this one interrupted, nothing can change, and
 * the kernel allocates and discards slabs for ever. The fix ("slab: prevent infinite loop in
 * kmalloc_nolock() with debugging") returns NULL there.
 * Simplified: when the trylock succeeds the object comes from the kmem_cache_cpu path
 * (__slab_alloc_node), the model having no alloc_single_from_partial; a discarded slab goes
 * back to the page allocator at once (the kernel defers it to the irq_work); the endless loop
 * is reported on its first pass and the context stopped there.
 */
function slabAllocDebugFn(loops: boolean): KernelFn {
  const listLock = (k: K) => ({
    kind: "listLock" as const,
    node: k.m.cpus[k.cpu]!.node,
  });
  const tryListLock = (k: K) => lockAvailable(k.m, listLock(k), k.a.id);
  return fn("___slab_alloc_debug", [
    {
      label: "new_objects",
      line: "new_objects: slab = get_partial(s, node, &pc): kmem_cache_debug(s): alloc_single_from_partial() under n->list_lock, which !allow_spin only trylocks",
      run: (k) => {
        if (tryListLock(k))
          return call("__slab_alloc_node", {
            gfp: k.L.gfp ?? null,
            node: k.L.node ?? null,
          });
        note(k, "trylock failed");
        countTrylockFail(k);
        return undefined;
      },
      after: (_k, v) => ret(v),
    },
    {
      line: "slab = new_slab(s, pc.flags, node)  (!allow_spin: alloc_frozen_pages_nolock); if (unlikely(!slab)) return NULL",
      run: (k) => {
        const pid = allocPage(k.m, k.m.cpus[k.cpu]!.node);
        if (pid === null) return ret(null);
        makeSlab(k, pid);
        k.L.page = pid;
        stat(k, "ALLOC_SLAB");
        return undefined;
      },
    },
    {
      line: "freelist = alloc_single_from_new_slab(s, slab, orig_size, gfpflags): if (!allow_spin && !spin_trylock_irqsave(&n->list_lock, flags)) { defer_deactivate_slab(slab, NULL); return NULL; }",
      run: (k) => {
        const pid = num(k.L, "page");
        // The slab goes: deferred to the irq_work in the kernel, back at once here.
        disownSlab(k, pid);
        freeToPageAllocator(k.m, pid);
        k.L.page = null;
        if (!tryListLock(k)) {
          note(k, "trylock failed");
          countTrylockFail(k);
          return undefined;
        }
        return call("__slab_alloc_node", {
          gfp: k.L.gfp ?? null,
          node: k.L.node ?? null,
        });
      },
      after: (_k, v) => ret(v),
    },
    loops
      ? {
          line: "if (unlikely(!freelist)) goto new_objects",
          run: (k) => {
            const holder = lockOwners(k.m, listLock(k))[0];
            const h = holder === undefined ? null : k.m.actors[holder]!;
            if (h !== null && h.cpu === k.cpu && h.id !== k.a.id) {
              report(
                k,
                "deadlock",
                modelOnly(
                  `slabscope: kmalloc_nolock() in ${k.a.name} can never make progress: n->list_lock, which every pass trylocks, is held by ${h.name}, the context it interrupted on cpu ${k.cpu}, which cannot run until it returns; every pass allocates a new slab and discards it (the kernel loops until memory runs out). The model stops ${k.a.name} here.`,
                ),
              );
              k.a.status = "crashed";
              schedWrites.n++;
              k.a.note = `${k.a.name} would loop in ___slab_alloc for ever (stopped by the model)`;
              return RETRY;
            }
            return goto("new_objects");
          },
        }
      : {
          line: 'if (unlikely(!freelist)) { if (!allow_spin) return NULL; goto new_objects; }  ("This could cause an endless loop. Fail instead.")',
          run: () => ret(null),
        },
  ]);
}

/** What v6.18's kmalloc_nolock / kfree_nolock add to its table. */
function nolock618(rawStore: boolean, loops = false): FnTable {
  return table([
    kmallocNolockFn({
      guard: true,
      frozenPages: true,
      entry: "__slab_alloc_node",
      debugEntry: "___slab_alloc_debug",
    }),
    slabAllocDebugFn(loops),
    kfreeNolock,
    doSlabFree618,
    freeDeferredObjectsFn(rawStore),
    isolateMigratepagesBlock,
  ]);
}

// --- the prefill / return sheaf API ------------------------------------------------------------

/** The prefilled sheaf the caller holds (kmem_cache_prefill_sheaf's result), if any. */
function callersSheaf(k: K): number | null {
  const sh = k.m.sheaves?.sheaves.find((x) => x.owner === k.a.id && !x.freed);
  return sh === undefined ? null : sh.id;
}

/**
 * kmem_cache_prefill_sheaf(): a sheaf with at least `size` objects for the caller, who then
 * allocates from it without locks (kmem_cache_alloc_from_sheaf) and gives it back
 * (kmem_cache_return_sheaf). Simplified: no oversize sheaves (size above the capacity gives
 * NULL), no SHEAF_PREFILL_* / SHEAF_RETURN_* stat items, and the sheaf the caller holds is found
 * by its owner instead of being passed around.
 */
const kmemCachePrefillSheaf = fn("kmem_cache_prefill_sheaf", [
  {
    line: "if (unlikely(size > s->sheaf_capacity)) { an oversize sheaf: kzalloc() and __kmem_cache_alloc_bulk() }",
    run: (k) => {
      if (k.m.sheaves === undefined) return ret(null);
      if (num(k.L, "size") <= k.m.sheaves.capacity) return undefined;
      k.a.note =
        "prefillSheaf: an oversize sheaf (more than the sheaf capacity) is not modelled";
      return ret(null);
    },
  },
  {
    line: "local_lock(&s->cpu_sheaves->lock); pcs = this_cpu_ptr(s->cpu_sheaves)",
    run: (k) => (pcsLock(k) ? undefined : RETRY),
  },
  {
    line: "if (pcs->spare) { sheaf = pcs->spare; pcs->spare = NULL; } else { barn = get_barn(s); if (barn) sheaf = barn_get_full_or_empty_sheaf(barn) }",
    run: (k) => {
      const p = k.m.sheaves!.pcs[num(k.L, "pcs")]!;
      k.L.sheaf = null;
      if (p.spare !== null) {
        k.L.sheaf = p.spare;
        sheaf(k, p.spare).owner = k.a.id;
        p.spare = null;
        return goto("unlock");
      }
      k.L.barn = getBarn(k);
      return k.L.barn === null ? goto("unlock") : undefined;
    },
  },
  {
    line: "barn_get_full_or_empty_sheaf(barn): spin_lock_irqsave(&barn->lock, flags)",
    run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
  },
  {
    line: "sheaf = first full sheaf (nr_full--), else first empty one (nr_empty--); spin_unlock_irqrestore(&barn->lock, flags); stat(s, sheaf && sheaf->size ? BARN_GET : BARN_GET_FAIL)",
    run: (k) => {
      const node = num(k.L, "barn");
      const b = k.m.sheaves!.barns[node]!;
      const id = b.full.shift() ?? b.empty.shift() ?? null;
      if (id !== null) sheaf(k, id).owner = k.a.id;
      k.L.sheaf = id;
      barnUnlock(k, node);
      stat(
        k,
        id !== null && sheaf(k, id).objects.length > 0
          ? "BARN_GET"
          : "BARN_GET_FAIL",
      );
      return undefined;
    },
  },
  {
    label: "unlock",
    line: "local_unlock(&s->cpu_sheaves->lock); if (!sheaf) sheaf = alloc_empty_sheaf(s, gfp)",
    run: (k) => {
      pcsUnlock(k);
      if (k.L.sheaf === null) {
        k.L.sheaf = newSheaf(k.m.sheaves!, k.a.id).id;
        stat(k, "SHEAF_ALLOC");
      }
      return undefined;
    },
  },
  {
    line: "if (sheaf->size < size) refill_sheaf(s, sheaf, gfp)  (the CPU's sheaves unlocked)",
    run: (k) =>
      sheaf(k, num(k.L, "sheaf")).objects.length < num(k.L, "size")
        ? call("refill_sheaf", { sheaf: num(k.L, "sheaf") })
        : undefined,
  },
  {
    line: "if (the refill failed) { sheaf_flush_unused(s, sheaf); free_empty_sheaf(s, sheaf); return NULL; } return sheaf",
    run: (k) => {
      const sh = sheaf(k, num(k.L, "sheaf"));
      if (sh.objects.length >= num(k.L, "size")) return ret(sh.id);
      return call("sheaf_flush_unused", { sheaf: sh.id });
    },
    after: (k) => {
      const sh = sheaf(k, num(k.L, "sheaf"));
      sh.owner = null;
      sh.freed = true;
      stat(k, "SHEAF_FREE");
      k.a.note = "prefillSheaf: the refill failed, NULL";
      return ret(null);
    },
  },
]);

/** kmem_cache_alloc_from_sheaf(): the caller's sheaf, no lock. */
const kmemCacheAllocFromSheaf = fn("kmem_cache_alloc_from_sheaf", [
  {
    line: "if (sheaf->size == 0) return NULL; ret = sheaf->objects[--sheaf->size]  (no lock: the sheaf is the caller's)",
    run: (k) => {
      const id = callersSheaf(k);
      if (id === null) {
        k.a.note = "allocFromSheaf: no prefilled sheaf (prefillSheaf first)";
        return ret(null);
      }
      const o = sheaf(k, id).objects.pop();
      if (o === undefined) return ret(null);
      ownObject(k, o);
      return ret(o);
    },
  },
]);

/** kmem_cache_return_sheaf(): to the spare, else refilled into the barn, else flushed and freed. */
const kmemCacheReturnSheaf = fn("kmem_cache_return_sheaf", [
  {
    line: "local_lock(&s->cpu_sheaves->lock); pcs = this_cpu_ptr(s->cpu_sheaves); barn = get_barn(s)",
    run: (k) => {
      const id = callersSheaf(k);
      if (id === null) {
        k.a.note = "returnSheaf: no prefilled sheaf (prefillSheaf first)";
        return ret();
      }
      if (!pcsLock(k)) return RETRY;
      k.L.sheaf = id;
      k.L.barn = getBarn(k);
      return undefined;
    },
  },
  {
    line: "if (!pcs->spare) { pcs->spare = sheaf; sheaf = NULL; } local_unlock(&s->cpu_sheaves->lock); if (!sheaf) return",
    run: (k) => {
      const p = k.m.sheaves!.pcs[num(k.L, "pcs")]!;
      const id = num(k.L, "sheaf");
      const free = p.spare === null;
      if (free) {
        p.spare = id;
        sheaf(k, id).owner = null;
      }
      pcsUnlock(k);
      return free ? ret() : undefined;
    },
  },
  {
    line: "if (!barn || data_race(barn->nr_full) >= MAX_FULL_SHEAVES) goto flush",
    run: (k) => {
      const node = k.L.barn as number | null;
      return node === null ||
        k.m.sheaves!.barns[node]!.full.length >= k.m.sheaves!.maxFull
        ? goto("flush")
        : undefined;
    },
  },
  {
    line: "if (refill_sheaf(s, sheaf, gfp)) goto flush",
    run: (k) => call("refill_sheaf", { sheaf: num(k.L, "sheaf") }),
    after: (k) =>
      sheaf(k, num(k.L, "sheaf")).objects.length < k.m.sheaves!.capacity
        ? goto("flush")
        : undefined,
  },
  {
    line: "barn_put_full_sheaf(barn, sheaf): spin_lock_irqsave(&barn->lock, flags)",
    run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
  },
  {
    line: "list_add(&sheaf->barn_list, &barn->sheaves_full); barn->nr_full++; spin_unlock_irqrestore(&barn->lock, flags); stat(s, BARN_PUT)",
    run: (k) => {
      const node = num(k.L, "barn");
      const id = num(k.L, "sheaf");
      k.m.sheaves!.barns[node]!.full.push(id);
      sheaf(k, id).owner = null;
      barnUnlock(k, node);
      stat(k, "BARN_PUT");
      return ret();
    },
  },
  {
    label: "flush",
    line: "flush: sheaf_flush_unused(s, sheaf); free_empty_sheaf(s, sheaf)",
    run: (k) => call("sheaf_flush_unused", { sheaf: num(k.L, "sheaf") }),
    after: (k) => {
      const sh = sheaf(k, num(k.L, "sheaf"));
      sh.owner = null;
      sh.freed = true;
      stat(k, "SHEAF_FREE");
      return ret();
    },
  },
]);

const v618: FnTable = {
  ...v68Fns,
  ...table([
    renamed(v68Fns, "slab_alloc_node", "__slab_alloc_node"),
    slabAllocNode,
    refillSheaf,
    slabFree,
    flushCpuSlabWork,
    pcsFlushAll618,
    pcsFlushAllCpu618,
    flushAllCpusLockedBoth,
    slubCpuDead,
    barnShrink,
  ]),
  // The sheaf functions of 7.0, unchanged (see the header for what differs).
  ...Object.fromEntries(
    [
      "__pcs_replace_empty_main",
      "__pcs_replace_full_main",
      "sheaf_flush_unused",
      "sheaf_flush_main",
      "__kmem_cache_shutdown",
    ].map((name) => [name, v70[name]!]),
  ),
  ...table([
    withPcsStat("alloc_from_pcs", "ALLOC_PCS"),
    withPcsStat("free_to_pcs", "FREE_PCS"),
  ]),
  ...rcuFns,
  ...table([kfreeRcuSheaf(CALL_RCU_THEN_UNLOCK)]),
  ...nolock618(false),
  ...table([
    kmemCachePrefillSheaf,
    kmemCacheAllocFromSheaf,
    kmemCacheReturnSheaf,
  ]),
};

export const v618Tables = {
  "v6.18": v618,
  "v6.18-defer-rawfp": { ...v618, ...nolock618(true) },
  "v6.18-nolock-loop": { ...v618, ...nolock618(false, true) },
  "v6.18-barn-null": {
    ...v618,
    ...table([pcsReplaceEmptyMainFn(false), pcsReplaceFullMainFn(false)]),
  },
  "v6.18-rcu-sheaf-v8": {
    ...v618,
    ...table([kfreeRcuSheaf(UNLOCK_THEN_CALL_RCU)]),
  },
} satisfies Partial<Record<VariantName, FnTable>>;
