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
 * spare" is in __pcs_replace_empty_main; 6.18 gives an empty main to the barn), and their stat
 * items keep 7.0's names (ALLOC_FASTPATH / FREE_FASTPATH where 6.18 counts ALLOC_PCS /
 * FREE_PCS); refill_sheaf takes one object at a time through __slab_alloc_node (the kernel's
 * bulk loop takes c->freelist under the local lock and calls ___slab_alloc when it runs dry);
 * sheaf flushes free each object through __slab_free (the kernel builds detached freelists and
 * may use the cpu slab's fast path); no kfree_rcu sheaf, no prefill API, no
 * strict_numa, no per-node check of the popped object; what 6.8 simplifies.
 */
import { call, fn, goto, ret, table, type FnTable, type K } from "../program";
import { disownObject, indexOf, pageOf, stat } from "../prims";
import { USER_DATA, type Sheaf } from "../types";
import type { VariantName } from "../variants";
import { pageNode } from "./common";
import { flushAllCpusLocked, hasCpuSlab } from "./v5_15";
import { v68Fns } from "./v6_8";
import { v70Tables } from "./v7_0";

const v70 = v70Tables["v7.0"];

/** A function of another table under another name (the kernel renamed or split it). */
function renamed(from: FnTable, name: string, as: string) {
  return fn(as, [...from[name]!.steps]);
}

/** `s->cpu_sheaves`: the cache opted in to sheaves. */
function hasSheaves(k: K): boolean {
  return k.m.sheaves !== undefined;
}

function localNode(k: K): number {
  return k.m.cpus[k.cpu]!.node;
}

function sheaf(k: K, id: number): Sheaf {
  return k.m.sheaves!.sheaves[id]!;
}

/** Puts an object the actor holds into a sheaf: the slab sees it as allocated. */
function pushObject(k: K, sh: Sheaf, o: number): void {
  sh.objects.push(o);
  disownObject(k, o);
  k.m.pages[pageOf(k.m, o)]!.fp[indexOf(k.m, o)] = USER_DATA;
}

/** has_pcs_used(): an unlocked look at another CPU's sheaves. */
function hasPcsUsed(k: K, cpu: number): boolean {
  const st = k.m.sheaves;
  if (st === undefined) return false;
  const p = st.pcs[cpu]!;
  return p.spare !== null || st.sheaves[p.main]!.objects.length > 0;
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
      if (!hasCpuSlab(k, cpu) && !hasPcsUsed(k, cpu)) return goto("queue");
      const w = m.actors.find(
        (a) =>
          a.kind === "kworker" && a.system && (a.unboundFrom ?? a.cpu) === cpu,
      )!;
      w.ops.push({ kind: "flushCpuSlabWork", requester: k.a.id });
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

const v618: FnTable = {
  ...v68Fns,
  ...table([
    renamed(v68Fns, "slab_alloc_node", "__slab_alloc_node"),
    slabAllocNode,
    refillSheaf,
    slabFree,
    flushCpuSlabWork,
    renamed(v70, "flush_cpu_slab", "pcs_flush_all"),
    flushAllCpusLockedBoth,
    slubCpuDead,
    barnShrink,
  ]),
  // The sheaf functions of 7.0, unchanged (see the header for what differs).
  ...Object.fromEntries(
    [
      "alloc_from_pcs",
      "__pcs_replace_empty_main",
      "free_to_pcs",
      "__pcs_replace_full_main",
      "sheaf_flush_unused",
      "sheaf_flush_main",
      "__pcs_flush_all_cpu",
      "__kmem_cache_shutdown",
    ].map((name) => [name, v70[name]!]),
  ),
};

export const v618Tables = {
  "v6.18": v618,
} satisfies Partial<Record<VariantName, FnTable>>;
