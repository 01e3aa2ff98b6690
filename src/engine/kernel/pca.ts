/**
 * The opt-in percpu array cache: "[PATCH RFC v3 5/9] mm/slub: add opt-in percpu array cache of
 * objects" (Vlastimil Babka, Nov 2023; seed 003, reviewed by Suren Baghdasaryan on 15 Dec 2023).
 * It was never merged in this form; it grew into the percpu sheaves that went upstream in 6.18
 * (outside the seed).
 *
 * Functions (mm/slub.c of the RFC): slab_alloc_node (the array first unless a node is given),
 * alloc_from_pca, alloc_from_pca_bulk, slab_free, free_to_pca, free_to_pca_bulk, refill_pca,
 * flush_pca, kmem_cache_alloc_bulk, kmem_cache_free_bulk, kmem_cache_prefill_percpu_array, and
 * pcpu_spin_trylock (pcpu_task_pin: preempt_disable on !RT, migrate_disable on RT, then
 * spin_trylock on this CPU's array, unpinning again when it fails).
 *
 * Two variants:
 *   v6.7-pca-rfc3        the patch as posted: slab_free ignores free_to_pca's false (Suren's first
 *                        comment: the object is lost), refill_pca drops its on-stack objects[]
 *                        when its trylock fails (analysis), kmem_cache_alloc_bulk returns objects
 *                        it has just freed when the slab part fails (analysis), and nothing
 *                        flushes the arrays on CPU offline or kmem_cache_destroy (analysis, and
 *                        Suren's third comment: cpu_array is never freed).
 *   v6.7-pca-rfc3-fixed  the same with those four holes closed the obvious way (our reading, not a
 *                        posted patch): slab_free falls back to do_slab_free, refill_pca bulk-frees
 *                        what it cannot push, kmem_cache_alloc_bulk returns 0 after giving the
 *                        objects back, and slub_cpu_dead and __kmem_cache_shutdown empty the
 *                        arrays (flush_pca_cpu). kmem_cache_shrink still leaves them alone.
 *
 * Simplified: the RFC sits on a v6.7-rc SLUB (struct slab, __slab_alloc_node); here it is
 * composed over the v5.15 core of this engine (struct page, the same fast path, renamed
 * __slab_alloc_node as 6.x calls it): the array only calls into the fast path, the bulk paths
 * and do_slab_free, which behave the same towards it in both. The array's spinlock is only
 * ever trylocked (its holder is shown; lockdep does not track it). SMP only: the UP branch of
 * pcp_trylock_prepare (local_irq_save) is not modelled. __kmem_cache_alloc_bulk is a loop of the
 * single-object allocation path, and __kmem_cache_free_bulk / the detached freelists free one
 * object per do_slab_free (the kernel groups objects of one slab and holds the local lock with
 * irqs off around its loop). slab_free_hook (KASAN, slub_debug) and the memcg hooks are a step
 * without effect: whether a stale write is caught is decided at the write (user_write, at the
 * end). Each pinned section (trylock to unlock) is a few steps: nobody else can take the lock.
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
  type FnTable,
  type StepDef,
} from "../program";
import type { VariantName } from "../variants";
import {
  disownObject,
  fmtObj,
  indexOf,
  inHardirq,
  note,
  ownObject,
  pageOf,
  report,
  stat,
  kernelLog,
  countTrylockFail,
  pageAt,
} from "../prims";
import type { StatItem } from "../stats";
import type { ObjRef, PercpuArray, Value } from "../types";
import { USER_DATA } from "../types";
import { destroyReportsStranded, teardownCpusLocked } from "./teardown";
import { slotToWrite } from "../slots";
import {
  pinTask,
  slabAllocNode,
  slubCpuDead,
  unpinTask,
  v515Fns,
} from "./v5_15";

/** The on-stack `void *objects[32]` of refill_pca and flush_pca: batches are at most this big. */
export const PCA_BATCH = 32;

// --- helpers ------------------------------------------------------------------------------------

/** pcpu_task_pin() / pcpu_task_unpin(). */
const pin = pinTask;
const unpin = unpinTask;

/**
 * pca_spin_trylock(s->cpu_array) as a step of its own: on failure the caller bypasses the array
 * and returns `failed`.
 */
function trylockOrBypass(line: string, failed: Value, label?: string): StepDef {
  return {
    ...(label === undefined ? {} : { label }),
    line,
    run: (k) => {
      if (trylock(k)) return undefined;
      note(k, "pca-bypass: trylock failed");
      return ret(failed);
    },
  };
}

/** `batch = pca->count / 2` and the unlock before a refill or a flush (the step at `label`). */
function halfBatchUnlock(label: string): StepDef {
  return {
    label,
    line: "batch = pca->count / 2; pca_spin_unlock(pca)",
    run: (k) => {
      k.L.batch = Math.floor(locked(k).count / 2);
      unlock(k);
      return undefined;
    },
  };
}

/** The array locked by this frame (`pca` local: the CPU whose array it is). */
function locked(k: K): PercpuArray {
  return k.m.pca![num(k.L, "pca")]!;
}

/**
 * pca_spin_trylock(s->cpu_array): pin, this_cpu_ptr, spin_trylock; on failure unpin and NULL.
 * It fails when the array is held by the context this one interrupted (an IRQ over a task on
 * !RT) or by a preempted task on this CPU (RT, where the holder is only migrate-disabled).
 */
function trylock(k: K): boolean {
  pin(k);
  const arr = k.m.pca![k.cpu]!;
  if (arr.lock !== null) {
    unpin(k);
    note(k, "trylock-fail");
    countTrylockFail(k);
    return false;
  }
  arr.lock = k.a.id;
  k.L.pca = k.cpu;
  return true;
}

/** pca_spin_unlock(pca): spin_unlock, then unpin. */
function unlock(k: K): void {
  locked(k).lock = null;
  unpin(k);
}

/** stat_add(): one counter by `n` (recorded as `n` increments, so a recount of events agrees). */
function statAdd(k: K, item: StatItem, n: number): void {
  for (let i = 0; i < n; i++) stat(k, item);
}

/**
 * Pushes objects the actor owns onto the locked array (they now belong to the cache). For the
 * slabs (and slub_debug) they stay allocated: their free pointer is stale user data.
 */
function push(k: K, arr: PercpuArray, objs: readonly ObjRef[]): void {
  const m = k.m;
  for (const o of objs) {
    arr.objects.push(o);
    disownObject(k, o);
    pageAt(m, pageOf(m, o))!.fp[indexOf(m, o)] = USER_DATA;
  }
  arr.used = arr.objects.length;
}

/** Pops the `n` topmost objects (bottom first); the actor owns them from now on. */
function pop(k: K, arr: PercpuArray, n: number): ObjRef[] {
  const out = arr.objects.splice(arr.objects.length - n, n);
  arr.used = arr.objects.length;
  for (const o of out) ownObject(k, o);
  return out;
}

function objs(v: Value | undefined): ObjRef[] {
  return Array.isArray(v) ? (v.filter((x) => x !== null) as ObjRef[]) : [];
}

function gfpAllowsBlocking(k: K): boolean {
  return k.L.gfp === "GFP_KERNEL";
}

// --- single objects ---------------------------------------------------------------------------

/** slab_alloc_node(): the array first, unless a node was asked for; then the slab fast path. */
const slabAllocNodePca = fn("slab_alloc_node", [
  {
    line: "if (s->cpu_array && node == NUMA_NO_NODE) object = alloc_from_pca(s, gfpflags)",
    run: (k) => {
      if (!k.m.pca) return goto("slab");
      if (k.L.node !== null && k.L.node !== undefined) {
        note(k, "pca-bypass: node-specific allocation");
        return goto("slab");
      }
      return call("alloc_from_pca", { gfp: k.L.gfp ?? null });
    },
    after: (_k, v) => (typeof v === "number" ? ret(v) : undefined),
  },
  {
    label: "slab",
    line: "if (!object) object = __slab_alloc_node(s, gfpflags, node, addr, orig_size)",
    run: (k) =>
      call("__slab_alloc_node", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
      }),
    after: (_k, v) => ret(v),
  },
]);

/** The fast path of v5.15 under the name 6.x gives it once slab_alloc_node wraps it. */
const slabAllocNodeInner = fn("__slab_alloc_node", [...slabAllocNode.steps]);

const allocFromPca = fn("alloc_from_pca", [
  trylockOrBypass(
    "pca = pca_spin_trylock(s->cpu_array)  (pin: preempt_disable on !RT, migrate_disable on RT); if (!pca) return NULL",
    null,
    "retry",
  ),
  {
    line: "if (unlikely(pca->used == 0))",
    run: (k) => (locked(k).used === 0 ? goto("empty") : undefined),
  },
  {
    line: "object = pca->objects[--pca->used]",
    run: (k) => {
      k.L.object = pop(k, locked(k), 1)[0]!;
      return undefined;
    },
  },
  {
    line: "pca_spin_unlock(pca); stat(s, ALLOC_PCA); return object",
    run: (k) => {
      unlock(k);
      stat(k, "ALLOC_PCA");
      return ret(num(k.L, "object"));
    },
  },
  halfBatchUnlock("empty"),
  {
    line: "if (!gfpflags_allow_blocking(gfp) || in_irq()) return NULL",
    run: (k) => {
      if (gfpAllowsBlocking(k) && !inHardirq(k)) return undefined;
      note(k, "pca-bypass: empty array, no refill in this context");
      return ret(null);
    },
  },
  {
    line: "if (refill_pca(s, batch, gfp)) goto retry; return NULL",
    run: (k) =>
      call("refill_pca", { count: num(k.L, "batch"), gfp: k.L.gfp ?? null }),
    after: (_k, v) => (v === true ? goto("retry") : ret(null)),
  },
]);

/** slab_free(): the hooks, then the array or the slab. */
function slabFreeFn(fixed: boolean): KernelFn {
  const steps: StepDef[] = [
    {
      line: "memcg_slab_free_hook(s, slab, &object, 1); if (!slab_free_hook(s, object, init)) return  (KASAN poisons the object here)",
      run: () => undefined,
    },
    {
      line: fixed
        ? "if (!s->cpu_array || !free_to_pca(s, object)) do_slab_free(s, slab, object, object, 1, addr)"
        : "if (s->cpu_array) free_to_pca(s, object); else do_slab_free(s, slab, object, object, 1, addr)",
      run: (k) =>
        k.m.pca
          ? call("free_to_pca", { object: num(k.L, "head") })
          : goto("slab"),
      after: (_k, v) => (v === true ? ret() : goto(fixed ? "slab" : "lost")),
    },
  ];
  if (!fixed)
    steps.push({
      label: "lost",
      line: "(free_to_pca() returned false; its value is ignored, and slab_free() returns)",
      run: (k) => {
        // The hooks ran, the object is in no array and on no freelist: nobody will free it.
        disownObject(k, num(k.L, "head"));
        note(k, "object lost");
        return ret();
      },
    });
  steps.push({
    label: "slab",
    line: "do_slab_free(s, slab, object, object, 1, addr)",
    run: (k) =>
      call("do_slab_free", {
        page: num(k.L, "page"),
        head: num(k.L, "head"),
        tail: num(k.L, "tail"),
        cnt: num(k.L, "cnt"),
      }),
    after: () => ret(),
  });
  return fn("slab_free", steps);
}

const freeToPca = fn("free_to_pca", [
  trylockOrBypass(
    "pca = pca_spin_trylock(s->cpu_array); if (!pca) return false",
    false,
    "retry",
  ),
  {
    line: "if (pca->used == pca->count)",
    run: (k) => {
      const arr = locked(k);
      return arr.used >= arr.count ? goto("full") : undefined;
    },
  },
  {
    line: "pca->objects[pca->used++] = object",
    run: (k) => {
      push(k, locked(k), [num(k.L, "object")]);
      return undefined;
    },
  },
  {
    line: "pca_spin_unlock(pca); stat(s, FREE_PCA); return true",
    run: (k) => {
      unlock(k);
      stat(k, "FREE_PCA");
      return ret(true);
    },
  },
  halfBatchUnlock("full"),
  {
    line: "if (in_irq()) return false",
    run: (k) => {
      if (!inHardirq(k)) return undefined;
      note(k, "pca-bypass: full array in hardirq");
      return ret(false);
    },
  },
  {
    line: "if (!flush_pca(s, batch)) return false; goto retry",
    run: (k) => call("flush_pca", { count: num(k.L, "batch") }),
    after: (_k, v) => (v === true ? goto("retry") : ret(false)),
  },
]);

// --- refill and flush -------------------------------------------------------------------------

function refillPcaFn(fixed: boolean): KernelFn {
  return fn("refill_pca", [
    {
      label: "bulk_alloc",
      line: "batch = min(count, 32U); allocated = __kmem_cache_alloc_bulk(s, gfp, batch, &objects[0])  (no lock, no pin: may migrate)",
      run: (k) =>
        call("__kmem_cache_alloc_bulk", {
          size: Math.min(num(k.L, "count"), PCA_BATCH),
          gfp: k.L.gfp ?? null,
          p: [],
        }),
      after: (k, v) => {
        k.L.objects = objs(v);
        k.L.allocated = objs(v).length;
        return objs(v).length === 0 ? ret(false) : undefined;
      },
    },
    {
      line: "pca = pca_spin_trylock(s->cpu_array)  (this CPU's array, wherever the task runs now)",
      run: (k) => (trylock(k) ? undefined : goto("trylock_failed")),
    },
    {
      line: "batch = min(allocated, pca->count - pca->used); for (i = 0; i < batch; i++) pca->objects[pca->used++] = objects[i]",
      run: (k) => {
        const arr = locked(k);
        const all = objs(k.L.objects);
        const batch = Math.min(all.length, arr.count - arr.used);
        push(k, arr, all.slice(0, batch));
        k.L.batch = batch;
        k.L.objects = all.slice(batch);
        return undefined;
      },
    },
    {
      line: "pca_spin_unlock(pca); stat_add(s, PCA_REFILL, batch)",
      run: (k) => {
        unlock(k);
        statAdd(k, "PCA_REFILL", num(k.L, "batch"));
        return undefined;
      },
    },
    {
      line: "if (batch < allocated) __kmem_cache_free_bulk(s, allocated - batch, &objects[batch])  (migrated, or someone freed to the array meanwhile)",
      run: (k) =>
        num(k.L, "batch") < num(k.L, "allocated")
          ? call("__kmem_cache_free_bulk", { p: k.L.objects ?? [], i: 0 })
          : undefined,
      after: () => ret(true),
    },
    {
      line: "else { count -= batch; if (count > 0) goto bulk_alloc; } return true",
      run: (k) => {
        const left = num(k.L, "count") - num(k.L, "batch");
        k.L.count = left;
        return left > 0 ? goto("bulk_alloc") : ret(true);
      },
    },
    fixed
      ? {
          label: "trylock_failed",
          line: "if (!pca) { __kmem_cache_free_bulk(s, allocated, objects); return false; }  (the fix: give the objects back)",
          run: (k) =>
            call("__kmem_cache_free_bulk", { p: k.L.objects ?? [], i: 0 }),
          after: () => ret(false),
        }
      : {
          label: "trylock_failed",
          line: "if (!pca) { pcp_trylock_finish(UP_flags); return false; }  (objects[] goes out of scope)",
          run: (k) => {
            // The on-stack array dies with the frame: what it held is on no list and owned by nobody.
            const lost = objs(k.L.objects);
            for (const o of lost) disownObject(k, o);
            if (lost.length > 0) note(k, "objects lost");
            return ret(false);
          },
        },
  ]);
}

const flushPca = fn("flush_pca", [
  {
    label: "next_batch",
    line: "batch = min(count, 32); pca = pca_spin_trylock(s->cpu_array); if (!pca) return false",
    run: (k) => {
      k.L.batch = Math.min(num(k.L, "count"), PCA_BATCH);
      return trylock(k) ? undefined : ret(false);
    },
  },
  {
    line: "batch = min(batch, pca->used); for (i = 0; i < batch; i++) objects[i] = pca->objects[--pca->used]; remaining = pca->used",
    run: (k) => {
      const arr = locked(k);
      const batch = Math.min(num(k.L, "batch"), arr.used);
      // The topmost (hottest) objects leave; objects[0] is the top.
      k.L.objects = pop(k, arr, batch).reverse();
      k.L.batch = batch;
      k.L.remaining = arr.used;
      return undefined;
    },
  },
  {
    line: "pca_spin_unlock(pca)",
    run: (k) => {
      unlock(k);
      return undefined;
    },
  },
  {
    line: "__kmem_cache_free_bulk(s, batch, &objects[0])",
    run: (k) => call("__kmem_cache_free_bulk", { p: k.L.objects ?? [], i: 0 }),
  },
  {
    line: "stat_add(s, PCA_FLUSH, batch); if (batch < count && remaining > 0) { count -= batch; goto next_batch; } return true",
    run: (k) => {
      const batch = num(k.L, "batch");
      statAdd(k, "PCA_FLUSH", batch);
      k.L.objects = [];
      if (batch < num(k.L, "count") && num(k.L, "remaining") > 0) {
        k.L.count = num(k.L, "count") - batch;
        return goto("next_batch");
      }
      return ret(true);
    },
  },
]);

/**
 * The fix's flush of one CPU's whole array from another context (the hotplug thread after the
 * CPU died, or kmem_cache_destroy). Not in the RFC.
 */
const flushPcaCpu = fn("flush_pca_cpu", [
  {
    label: "next_batch",
    line: "pca = per_cpu_ptr(s->cpu_array, cpu); spin_lock(&pca->lock)",
    run: (k) => {
      const arr = k.m.pca![num(k.L, "cpu")]!;
      if (arr.lock !== null && arr.lock !== k.a.id) return RETRY;
      arr.lock = k.a.id;
      return undefined;
    },
  },
  {
    line: "batch = min(pca->used, 32); for (i = 0; i < batch; i++) objects[i] = pca->objects[--pca->used]; spin_unlock(&pca->lock); stat_add(s, PCA_FLUSH, batch)",
    run: (k) => {
      const arr = k.m.pca![num(k.L, "cpu")]!;
      const batch = Math.min(arr.used, PCA_BATCH);
      k.L.objects = pop(k, arr, batch).reverse();
      arr.lock = null;
      statAdd(k, "PCA_FLUSH", batch);
      return batch === 0 ? ret() : undefined;
    },
  },
  {
    line: "__kmem_cache_free_bulk(s, batch, objects); goto next_batch",
    run: (k) => call("__kmem_cache_free_bulk", { p: k.L.objects ?? [], i: 0 }),
    after: () => goto("next_batch"),
  },
]);

// --- bulk operations --------------------------------------------------------------------------

/** Simplified __kmem_cache_alloc_bulk(): the single-object path, `size` times. */
const kmemCacheAllocBulkInner = fn("__kmem_cache_alloc_bulk", [
  {
    label: "loop",
    line: "for (i = 0; i < size; i++) p[i] = <c->freelist, or ___slab_alloc()>  (one object at a time)",
    run: (k) =>
      objs(k.L.p).length >= num(k.L, "size")
        ? ret(objs(k.L.p))
        : call("__slab_alloc_node", { gfp: k.L.gfp ?? null, node: null }),
    after: (k, v) => {
      if (typeof v !== "number") return goto("error");
      k.L.p = [...objs(k.L.p), v];
      return goto("loop");
    },
  },
  {
    label: "error",
    line: "error: kmem_cache_free_bulk(s, i, p); return 0",
    run: (k) =>
      objs(k.L.p).length === 0
        ? ret([])
        : call("__kmem_cache_free_bulk", { p: objs(k.L.p), i: 0 }),
    after: () => ret([]),
  },
]);

/** Simplified __kmem_cache_free_bulk(): one detached freelist (one do_slab_free) per object. */
const kmemCacheFreeBulkInner = fn("__kmem_cache_free_bulk", [
  {
    label: "loop",
    line: "do { df = build_detached_freelist(s, size, p); do_slab_free(s, df.slab, df.freelist, df.tail, df.cnt); } while (size)",
    run: (k) => {
      const p = objs(k.L.p);
      const i = num(k.L, "i");
      if (i >= p.length) return ret();
      const o = p[i]!;
      return call("do_slab_free", {
        page: pageOf(k.m, o),
        head: o,
        tail: o,
        cnt: 1,
      });
    },
    after: (k) => {
      k.L.i = num(k.L, "i") + 1;
      return goto("loop");
    },
  },
]);

const allocFromPcaBulk = fn("alloc_from_pca_bulk", [
  trylockOrBypass(
    "pca = pca_spin_trylock(s->cpu_array); if (!pca) return 0",
    [],
  ),
  {
    line: "if (pca->used < size) size = pca->used; for (i = size; i > 0;) p[--i] = pca->objects[--pca->used]",
    run: (k) => {
      const arr = locked(k);
      k.L.p = pop(k, arr, Math.min(num(k.L, "size"), arr.used));
      return undefined;
    },
  },
  {
    line: "pca_spin_unlock(pca); stat_add(s, ALLOC_PCA, size); return size",
    run: (k) => {
      unlock(k);
      statAdd(k, "ALLOC_PCA", objs(k.L.p).length);
      return ret(objs(k.L.p));
    },
  },
]);

const freeToPcaBulk = fn("free_to_pca_bulk", [
  trylockOrBypass(
    "pca = pca_spin_trylock(s->cpu_array); if (!pca) return 0",
    0,
  ),
  {
    line: "if (pca->count - pca->used < size) size = pca->count - pca->used; for (i = 0; i < size; i++) if (slab_free_hook(s, p[i], init)) pca->objects[pca->used++] = p[i]",
    run: (k) => {
      const arr = locked(k);
      const p = objs(k.L.p);
      const size = Math.min(p.length, arr.count - arr.used);
      push(k, arr, p.slice(0, size));
      k.L.size = size;
      return undefined;
    },
  },
  {
    line: "pca_spin_unlock(pca); stat_add(s, FREE_PCA, size); return size",
    run: (k) => {
      unlock(k);
      statAdd(k, "FREE_PCA", num(k.L, "size"));
      return ret(num(k.L, "size"));
    },
  },
]);

/** kmem_cache_alloc_bulk(s, flags, size, p): the array, then the slabs for the rest. */
function kmemCacheAllocBulkFn(fixed: boolean): KernelFn {
  return fn("kmem_cache_alloc_bulk", [
    {
      line: "if (s->cpu_array) from_pca = alloc_from_pca_bulk(s, size, p)",
      run: (k) => {
        k.L.p = [];
        return k.m.pca
          ? call("alloc_from_pca_bulk", { size: num(k.L, "size") })
          : goto("rest");
      },
      after: (k, v) => {
        k.L.p = objs(v);
        return undefined;
      },
    },
    {
      label: "rest",
      line: "if (from_pca < size) allocated = __kmem_cache_alloc_bulk(s, flags, size - from_pca, p + from_pca)",
      run: (k) => {
        const from = objs(k.L.p).length;
        k.L.fromPca = from;
        k.L.got = [];
        if (from >= num(k.L, "size")) return goto("done");
        return call("__kmem_cache_alloc_bulk", {
          size: num(k.L, "size") - from,
          gfp: k.L.gfp ?? null,
          p: [],
        });
      },
      after: (k, v) => {
        k.L.got = objs(v);
        return undefined;
      },
    },
    {
      line: "if (allocated == 0 && from_pca > 0) __kmem_cache_free_bulk(s, from_pca, p)",
      run: (k) =>
        objs(k.L.got).length === 0 && num(k.L, "fromPca") > 0
          ? call("__kmem_cache_free_bulk", { p: objs(k.L.p), i: 0 })
          : goto("done"),
      after: (k) => {
        // The fix forgets them; the RFC goes on to return them (allocated += from_pca).
        if (fixed) k.L.p = [];
        return undefined;
      },
    },
    {
      label: "done",
      line: fixed
        ? "allocated += from_pca  (0 when they went back); slab_post_alloc_hook(s, objcg, flags, size, p, ...); return allocated"
        : "allocated += from_pca; slab_post_alloc_hook(s, objcg, flags, size, p, ...); return allocated",
      run: (k) => {
        const m = k.m;
        const slot = slotToWrite(m, String(k.L.slot))!;
        const all = [...objs(k.L.p), ...objs(k.L.got)];
        for (const o of all) {
          slot.push(o);
          // The caller writes its data over the free pointer of the objects it really owns; an
          // object the RFC already gave back stays on its freelist, and in the caller's hands.
          if (k.a.ownedObjects.includes(o)) {
            disownObject(k, o);
            pageAt(m, pageOf(m, o))!.fp[indexOf(m, o)] = USER_DATA;
          }
        }
        if (all.length < num(k.L, "size"))
          k.a.note = `kmem_cache_alloc_bulk returned ${all.length} of ${num(k.L, "size")} objects`;
        return ret(all.length);
      },
    },
  ]);
}

/** kmem_cache_free_bulk(s, size, p): the array (unless kmemcg is on), then detached freelists. */
const kmemCacheFreeBulk = fn("kmem_cache_free_bulk", [
  {
    line: "if (s && s->cpu_array && !memcg_kmem_online()) pca_freed = free_to_pca_bulk(s, size, p)",
    run: (k) => {
      if (!k.m.pca) return goto("rest");
      if (k.m.config.memcg) {
        note(k, "pca-bypass: kmemcg bulk free");
        return goto("rest");
      }
      return call("free_to_pca_bulk", { p: k.L.p ?? [] });
    },
    after: (k, v) => {
      const p = objs(k.L.p);
      const n = typeof v === "number" ? v : 0;
      k.L.p = p.slice(n);
      return n >= p.length ? ret() : undefined;
    },
  },
  {
    label: "rest",
    line: "do { df = build_detached_freelist(s, size, p); do_slab_free(s, df.slab, df.freelist, df.tail, df.cnt); } while (size)",
    run: (k) => call("__kmem_cache_free_bulk", { p: k.L.p ?? [], i: 0 }),
    after: () => ret(),
  },
]);

const ENOMEM = -12;
const EINVAL = -22;

const prefillPercpuArray = fn("kmem_cache_prefill_percpu_array", [
  {
    line: "lockdep_assert_no_hardirq(); if (!s->cpu_array) return -EINVAL",
    run: (k) => {
      if (k.m.pca) return undefined;
      k.a.note = `kmem_cache_prefill_percpu_array: -EINVAL (${k.m.cache.name} has no percpu array)`;
      return ret(EINVAL);
    },
  },
  {
    line: "pca = raw_cpu_ptr(s->cpu_array)  (racy but we don't care); used = READ_ONCE(pca->used); if (used >= count) return 0",
    run: (k) => {
      k.L.pca = k.cpu;
      const used = locked(k).used;
      k.L.used = used;
      return used >= num(k.L, "count") ? ret(0) : undefined;
    },
  },
  {
    line: "if (pca->count < count) return -EINVAL; count -= used",
    run: (k) => {
      if (locked(k).count < num(k.L, "count")) {
        k.a.note = `kmem_cache_prefill_percpu_array: -EINVAL (the array holds at most ${locked(k).count})`;
        return ret(EINVAL);
      }
      k.L.count = num(k.L, "count") - num(k.L, "used");
      return undefined;
    },
  },
  {
    line: "if (!refill_pca(s, count, gfp)) return -ENOMEM; return 0",
    run: (k) =>
      call("refill_pca", { count: num(k.L, "count"), gfp: k.L.gfp ?? null }),
    after: (_k, v) => (v === true ? ret(0) : goto("enomem")),
  },
  {
    label: "enomem",
    line: "return -ENOMEM",
    run: (k) => {
      k.a.note = "kmem_cache_prefill_percpu_array: -ENOMEM";
      return ret(ENOMEM);
    },
  },
]);

// --- teardown -----------------------------------------------------------------------------------

/** RFC: kmem_cache_destroy's "still has objects" names the objects stranded in the arrays. */
function destroyReportsArrays(base: KernelFn): KernelFn {
  return destroyReportsStranded(base, (k) => ({
    objects: (k.m.pca ?? []).flatMap((a) => a.objects),
    where: () =>
      `sit in percpu arrays that nothing flushes (${(k.m.pca ?? [])
        .map((a, cpu) => (a.used > 0 ? `cpu${cpu}: ${a.used}` : ""))
        .filter((x) => x !== "")
        .join(", ")}); s->cpu_array is never freed`,
  }));
}

/** Fixed: __kmem_cache_shutdown empties every CPU's array before looking for objects. */
function shutdownFlushesArrays(base: KernelFn): KernelFn {
  return fn(base.name, [
    {
      label: "pca",
      line: "for_each_possible_cpu(cpu) flush_pca_cpu(s, cpu)  (the fix: empty the arrays first)",
      run: (k) => {
        const cpu = typeof k.L.pcaCpu === "number" ? k.L.pcaCpu : 0;
        if (!k.m.pca || cpu >= k.m.pca.length) return undefined;
        k.L.pcaCpu = cpu + 1;
        return call("flush_pca_cpu", { cpu });
      },
      after: () => goto("pca"),
    },
    ...base.steps,
  ]);
}

/** Fixed: slub_cpu_dead also empties the dead CPU's array. */
function cpuDeadFlushesArray(base: KernelFn): KernelFn {
  const at = base.steps.findIndex((s) => s.site === "cpuDeadFlush");
  if (at < 0) throw new Error("slub_cpu_dead no longer has the expected shape");
  return fn(base.name, [
    ...base.steps.slice(0, at),
    {
      line: "flush_pca_cpu(s, cpu)  (the fix: the dead CPU's array goes back to the slabs)",
      run: (k) =>
        k.m.pca ? call("flush_pca_cpu", { cpu: num(k.L, "cpu") }) : undefined,
    },
    ...base.steps.slice(at),
  ]);
}

// --- the variants -----------------------------------------------------------------------------

function pcaFns(fixed: boolean): Record<string, KernelFn> {
  const base: Record<string, KernelFn> = { ...v515Fns, ...teardownCpusLocked };
  return {
    ...base,
    ...table([
      slabAllocNodePca,
      slabAllocNodeInner,
      allocFromPca,
      slabFreeFn(fixed),
      freeToPca,
      refillPcaFn(fixed),
      flushPca,
      kmemCacheAllocBulkInner,
      kmemCacheFreeBulkInner,
      allocFromPcaBulk,
      freeToPcaBulk,
      kmemCacheAllocBulkFn(fixed),
      kmemCacheFreeBulk,
      prefillPercpuArray,
      ...(fixed
        ? [
            flushPcaCpu,
            shutdownFlushesArrays(base["__kmem_cache_shutdown"]!),
            cpuDeadFlushesArray(slubCpuDead),
          ]
        : [destroyReportsArrays(base["kmem_cache_destroy"]!)]),
    ]),
  };
}

export const PCA_RFC3 = "v6.7-pca-rfc3" satisfies VariantName;
export const PCA_FIXED = "v6.7-pca-rfc3-fixed" satisfies VariantName;

/** The function tables of this file's variants, by name (kernel/index.ts collects them). */
export const pcaTables = {
  [PCA_RFC3]: pcaFns(false),
  [PCA_FIXED]: pcaFns(true),
} satisfies Partial<Record<VariantName, FnTable>>;

// --- a write by the cache's user --------------------------------------------------------------

/**
 * Not a kernel function: the caller writes through its pointer. When the object was freed and
 * not allocated again, KASAN reports the write wherever the object sits (its free hook poisoned
 * it even on the way into a percpu array), while slub_debug=P only sees objects that went back
 * to their slab. Simplified: slub_debug's "Poison overwritten" is reported at the write, not at
 * the later check that finds it; the write changes no modelled state.
 */
export const userWrite = fn("user_write", [
  {
    line: "*object = data  (the caller writes through its pointer)",
    run: (k) => {
      const m = k.m;
      const obj = num(k.L, "obj");
      const live = Object.values(m.slots).some((s) => s.includes(obj));
      if (live) return ret();
      const cpu = (m.pca ?? []).findIndex((a) => a.objects.includes(obj));
      const where =
        cpu >= 0 ? `cached in cpu${cpu}'s percpu array` : "free in its slab";
      if (m.config.kasan) {
        report(
          k,
          "use-after-free",
          kernelLog(
            `BUG: KASAN: slab-use-after-free: write to object ${fmtObj(m, obj)}, freed and ${where}`,
          ),
          [pageOf(m, obj)],
          [obj],
        );
      } else if (m.config.slubDebug && cpu < 0) {
        report(
          k,
          "use-after-free",
          `slub_debug: Poison overwritten: object ${fmtObj(m, obj)} was written after it was freed (found when it is next checked)`,
          [pageOf(m, obj)],
          [obj],
        );
      } else
        note(
          k,
          cpu >= 0 && m.config.slubDebug
            ? "undetected: slub_debug counts objects in a percpu array as allocated"
            : "undetected",
        );
      return ret();
    },
  },
]);
