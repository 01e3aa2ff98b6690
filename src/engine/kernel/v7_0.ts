/**
 * SLUB of v7.0: percpu sheaves for every cache and no `struct kmem_cache_cpu`. Follows the series
 * "slab: replace cpu (partial) slabs with sheaves" (Vlastimil Babka, v3 of January 2026: "slab:
 * add sheaves to most caches", "slab: add optimized sheaf refill from partial list", "slab:
 * remove cpu (partial) slabs usage from allocation paths", "slab: remove struct
 * kmem_cache_cpu", "mm/slub: cleanup and repurpose some stat items") on top of the opt-in
 * sheaves of 6.18, and "slub: keep empty main sheaf as spare in __pcs_replace_empty_main()".
 *
 * Data structures (digest):
 * - per CPU `struct slub_percpu_sheaves`: a local_trylock_t, a `main` sheaf (never NULL while
 *   unlocked) and a `spare` that is empty, full or NULL. A sheaf is a stack of object pointers.
 * - per node `struct node_barn` (reached from kmem_cache_node): a spinlock, a list of full and a
 *   list of empty sheaves, bounded by MAX_FULL_SHEAVES / MAX_EMPTY_SHEAVES.
 * - slabs have no cpu owner any more: a slab is on its node's partial list, or on no list (full,
 *   or isolated by a refill that is taking its objects). `frozen` only marks an inconsistent
 *   slab of a debug cache.
 *
 * Paths:
 * - alloc_from_pcs: trylock this CPU's sheaves (failure: slow path), pop from main. An empty
 *   main goes to __pcs_replace_empty_main: swap with a non-empty spare; else exchange it for a
 *   full sheaf of the barn; else (a context that may block) take the spare or an empty barn
 *   sheaf, drop the lock, refill it from slabs, take the lock again (possibly on another CPU,
 *   re-reading this CPU's sheaves) and install it: as main if main is still empty, else as the
 *   spare, else into the barn remembered before the lock was dropped.
 * - free_to_pcs: a local object is pushed onto main. A full main goes to
 *   __pcs_replace_full_main: an empty barn sheaf as new main (the full one becomes the spare);
 *   swap with a spare that has room; exchange the full main for an empty barn sheaf unless the
 *   barn has its limit of full ones; else flush the spare to slabs with the lock dropped and use
 *   it as the empty one. A remote object, or a failed trylock, goes to __slab_free.
 * - ___slab_alloc: no cpu slab to install. One object, straight from the first slab of the
 *   node's partial list (a cmpxchg under list_lock, removing the slab when it runs out), or from a
 *   new slab (the rest of it goes onto the partial list).
 * - __slab_free: cmpxchg onto the slab's freelist; list work only when the slab was full (it is
 *   added) or becomes empty (discarded when the node has enough partial slabs), and none for a
 *   slab that a refill has isolated (not full and not on the node list).
 * - flushes: a work item per CPU (flush_all, shrink, destroy) flushes its spare and main to
 *   slabs; slub_cpu_dead flushes a dead CPU's sheaves; cache destroy shrinks the barns too.
 *   As posted, sheaf_flush_main takes each batch under local_trylock and gives up when it fails,
 *   which on PREEMPT_RT happens when a preempted task on that CPU holds the lock: destroy then
 *   leaves the main sheaf's objects behind (kmem_cache_destroy names them). The variant
 *   `v7.0-flush-lock` has the fix ("slab: distinguish lock and trylock for sheaf_flush_main()"):
 *   the flush work takes local_lock. The kernel prints the same "still has objects" for objects
 *   a flush gave up on and for objects freed into main after the flush (a free racing the
 *   destroy, the caller's bug); the model tells them apart by a flag of its own
 *   (`PercpuSheaves.flushGaveUp`) and reports only the first as a finding.
 *
 * Simplified: refill_sheaf isolates partial slabs under list_lock and takes from each only the
 * objects that fit the sheaf with one cmpxchg (the kernel takes whole freelists and gives the
 * surplus back through __slab_free); a freed sheaf's memory is not modelled; the barn limits
 * are 2 (kernel: 10); no kfree_rcu sheaf, no prefill API, no bulk operations, no pfmemalloc, no
 * debug caches; sheaf_flush_main frees its batch
 * object by object; the flush work runs pcs_flush_all on the CPU's kworker.
 * Memoryless nodes (`kernel.memorylessNodes`): get_barn() is NULL there (no kmem_cache_node),
 * and __pcs_replace_empty_main / __pcs_replace_full_main drop the lock and return NULL, as
 * "slab: fix NULL pointer when trying to access barn" (Oct 2025) made them; the check is a step
 * at the end of each function (`no_barn`). kernel/v6_18.ts builds the unchecked form for the
 * kernel before that fix.
 */
import {
  call,
  fn,
  goto,
  num,
  ref,
  ret,
  RETRY,
  table,
  type FnTable,
  type K,
  type KernelFn,
  type Next,
  type StepDef,
} from "../program";
import {
  acquire,
  cmpxchgDoubleSlab,
  counters,
  disownObject,
  disownSlab,
  getFreepointer,
  indexOf,
  irqRestore,
  irqSave,
  lockAvailable,
  migrateDisable,
  migrateEnable,
  note,
  ownObject,
  ownSlab,
  packCounters,
  pageOf,
  preemptDisable,
  preemptEnable,
  release,
  setFreepointer,
  slabPage,
  spinLockNode,
  spinUnlockNode,
  stat,
  unpackCounters,
  mutexLock,
  mutexUnlock,
  countTrylockFail,
  pageAt,
  setLockOwner,
  nodeAt,
} from "../prims";
import { schedWrites } from "../schedWrites";
import { newSheaf } from "../features/sheaves";
import type {
  LockRef,
  NodeBarn,
  PercpuSheaves,
  Sheaf,
  SheavesState,
} from "../types";
import { USER_DATA } from "../types";
import type { VariantName } from "../variants";
import {
  allocPage,
  commonFns,
  listOps,
  makeSlab,
  mightSleep,
  pageNode,
} from "./common";
import { destroyReportsStranded, teardownCpusLocked } from "./teardown";
import { flushAll, flushAllCpusLocked, pinTask, unpinTask } from "./v5_15";

// --- helpers ----------------------------------------------------------------------------------

function st(k: K): SheavesState {
  return k.m.sheaves!;
}
export function sheaf(k: K, id: number): Sheaf {
  return st(k).sheaves[id]!;
}
/** The sheaves of the CPU this frame locked (`pcs` local). */
function pcs(k: K): PercpuSheaves {
  return st(k).pcs[num(k.L, "pcs")]!;
}
function barn(k: K, node: number): NodeBarn {
  return st(k).barns[node]!;
}
/** numa_mem_id(): the node of the CPU the context runs on. */
export function localNode(k: K): number {
  return k.m.cpus[k.cpu]!.node;
}
/**
 * get_barn(s): get_node(s, numa_mem_id())->barn, or NULL on a memoryless node, whose
 * kmem_cache_node does not exist (the node id stands for its barn in the locals).
 */
export function getBarn(k: K): number | null {
  const node = localNode(k);
  return (k.m.config.memorylessNodes ?? []).includes(node) ? null : node;
}
export const pcsRef = (cpu: number): LockRef => ({ kind: "pcsLock", cpu });
const barnRef = (node: number): LockRef => ({ kind: "barnLock", node });

/**
 * local_trylock(&s->cpu_sheaves->lock): !RT disables preemption, RT disables migration; fails
 * when the lock is held (an interrupted context on !RT, a preempted task on RT).
 */
export function pcsTrylock(k: K): boolean {
  pinTask(k);
  const r = pcsRef(k.cpu);
  if (!lockAvailable(k.m, r, k.a.id)) {
    unpinTask(k);
    note(k, "trylock-fail");
    countTrylockFail(k);
    return false;
  }
  setLockOwner(k.m, r, k.a.id);
  k.a.held.push({ cls: "cpu_sheaves->lock", ref: r });
  k.L.pcs = k.cpu;
  return true;
}

/** local_lock(&s->cpu_sheaves->lock): waits for the lock (RT: sleeps on it). */
export function pcsLock(k: K): boolean {
  const r = pcsRef(k.cpu);
  if (k.m.config.preemptRt) {
    if (!k.a.wait) migrateDisable(k);
    if (!acquire(k, r, "sleep")) return false;
  } else {
    if (!k.a.wait) preemptDisable(k);
    if (!acquire(k, r, "spin")) return false;
  }
  k.L.pcs = k.cpu;
  return true;
}

/** local_unlock(&s->cpu_sheaves->lock). */
export function pcsUnlock(k: K): void {
  release(k, pcsRef(num(k.L, "pcs")));
  unpinTask(k);
}

/** spin_lock_irqsave(&barn->lock, flags). */
export function barnLock(k: K, node: number): boolean {
  const r = barnRef(node);
  if (k.m.config.preemptRt) {
    const ok = acquire(k, r, "sleep");
    if (ok) migrateDisable(k);
    return ok;
  }
  if (!k.a.wait) {
    irqSave(k, "bflags");
    preemptDisable(k);
  }
  return acquire(k, r, "spin");
}

export function barnUnlock(k: K, node: number): void {
  release(k, barnRef(node));
  if (k.m.config.preemptRt) {
    migrateEnable(k);
    return;
  }
  preemptEnable(k);
  irqRestore(k, "bflags");
}

/** A context that may block (gfpflags_allow_blocking). */
function mayBlock(k: K): boolean {
  return k.L.gfp === "GFP_KERNEL";
}

/** Moves a sheaf's objects onto the actor (in flight), e.g. to free them to their slabs. */
function takeAll(k: K, sh: Sheaf): number[] {
  const out = sh.objects.splice(0);
  for (const o of out) ownObject(k, o);
  return out;
}

/** Puts an object the actor holds into a sheaf: the slab sees it as allocated. */
export function pushObject(k: K, sh: Sheaf, o: number): void {
  sh.objects.push(o);
  disownObject(k, o);
  pageAt(k.m, pageOf(k.m, o))!.fp[indexOf(k.m, o)] = USER_DATA;
}

/** A step that frees the objects in local `batch` one by one through __slab_free, then `done`. */
function freeBatch(label: string, done: (k: K) => Next): StepDef {
  return {
    label,
    line: "__kmem_cache_free_bulk(s, batch, objects): __slab_free() of each object",
    run: (k) => {
      const b = (k.L.batch as number[] | null) ?? [];
      const o = b.shift();
      k.L.batch = b;
      if (o === undefined) return done(k);
      return call("__slab_free", {
        page: pageOf(k.m, o),
        head: o,
        tail: o,
        cnt: 1,
      });
    },
    after: () => goto(label),
  };
}

// --- allocation -------------------------------------------------------------------------------

/** slab_alloc_node(): the sheaves first, then the slow path. */
const slabAllocNode = fn("slab_alloc_node", [
  {
    line: "object = alloc_from_pcs(s, gfpflags, node)",
    run: (k) =>
      call("alloc_from_pcs", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
    after: (_k, v) => (typeof v === "number" ? ret(v) : undefined),
  },
  {
    line: "if (!object) object = __slab_alloc_node(s, gfpflags, node, addr, orig_size)",
    run: (k) =>
      call("___slab_alloc", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
    after: (_k, v) => ret(v),
  },
]);

const allocFromPcs = fn("alloc_from_pcs", [
  {
    line: "if (node != NUMA_NO_NODE && node != numa_mem_id()) { stat(s, ALLOC_NODE_MISMATCH); return NULL; }",
    run: (k) => {
      const node = ref(k.L, "node");
      if (node !== null && node !== localNode(k)) {
        stat(k, "ALLOC_NODE_MISMATCH");
        return ret(null);
      }
      return undefined;
    },
  },
  {
    line: "if (!local_trylock(&s->cpu_sheaves->lock)) return NULL; pcs = this_cpu_ptr(s->cpu_sheaves)",
    run: (k) => (pcsTrylock(k) ? undefined : ret(null)),
  },
  {
    line: "if (unlikely(pcs->main->size == 0)) pcs = __pcs_replace_empty_main(s, pcs, gfp)",
    run: (k) =>
      sheaf(k, pcs(k).main).objects.length > 0
        ? goto("pop")
        : call("__pcs_replace_empty_main", {
            gfp: k.L.gfp ?? null,
            pcs: num(k.L, "pcs"),
          }),
    after: (k, v) => {
      if (v === null) return ret(null);
      k.L.pcs = v;
      return undefined;
    },
  },
  {
    label: "pop",
    line: "object = pcs->main->objects[pcs->main->size - 1]",
    run: (k) => {
      const objs = sheaf(k, pcs(k).main).objects;
      k.L.object = objs[objs.length - 1]!;
      return undefined;
    },
  },
  {
    line: "pcs->main->size--",
    run: (k) => {
      const o = sheaf(k, pcs(k).main).objects.pop()!;
      ownObject(k, o);
      return undefined;
    },
  },
  {
    line: "local_unlock(&s->cpu_sheaves->lock); stat(s, ALLOC_FASTPATH); return object",
    run: (k) => {
      pcsUnlock(k);
      stat(k, "ALLOC_FASTPATH");
      return ret(num(k.L, "object"));
    },
  },
]);

/** The end of both replace functions when get_barn() is NULL (a memoryless node). */
const noBarn: StepDef = {
  label: "no_barn",
  line: "if (!barn) { local_unlock(&s->cpu_sheaves->lock); return NULL; }  (get_barn(): no kmem_cache_node on a memoryless node)",
  run: (k) => {
    pcsUnlock(k);
    return ret(null);
  },
};

/**
 * __pcs_replace_empty_main(): called with the lock held; returns the CPU whose sheaves are
 * locked (possibly another one than at the call), or NULL with the lock dropped.
 */
export function pcsReplaceEmptyMainFn(checkBarn: boolean): KernelFn {
  const steps: StepDef[] = [
    {
      line: "if (pcs->spare && pcs->spare->size > 0) { swap(pcs->main, pcs->spare); return pcs; }",
      run: (k) => {
        const p = pcs(k);
        if (p.spare !== null && sheaf(k, p.spare).objects.length > 0) {
          [p.main, p.spare] = [p.spare, p.main];
          return ret(num(k.L, "pcs"));
        }
        return undefined;
      },
    },
    {
      line: "barn = get_barn(s); full = barn_replace_empty_sheaf(barn, pcs->main): if (!data_race(barn->nr_full)) NULL",
      run: (k) => {
        k.L.barn = getBarn(k);
        if (checkBarn && k.L.barn === null) return goto("no_barn");
        return barn(k, num(k.L, "barn")).full.length === 0
          ? goto("get_fail")
          : undefined;
      },
    },
    {
      line: "spin_lock_irqsave(&barn->lock, flags)",
      run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
    },
    {
      line: "if (barn->nr_full) { full = first full; list_add(&empty->barn_list, &barn->sheaves_empty); nr_full--; nr_empty++ }",
      run: (k) => {
        const b = barn(k, num(k.L, "barn"));
        k.L.full = null;
        const full = b.full.shift();
        if (full !== undefined) {
          b.empty.push(pcs(k).main);
          k.L.full = full;
          // Held by the barn lock's owner until it is installed in the next step.
          sheaf(k, full).owner = k.a.id;
        }
        return undefined;
      },
    },
    {
      line: "spin_unlock_irqrestore(&barn->lock, flags); if (full) { stat(s, BARN_GET); pcs->main = full; return pcs; }",
      run: (k) => {
        barnUnlock(k, num(k.L, "barn"));
        const full = ref(k.L, "full");
        if (full === null) return undefined;
        sheaf(k, full).owner = null;
        pcs(k).main = full;
        stat(k, "BARN_GET");
        return ret(num(k.L, "pcs"));
      },
    },
    {
      label: "get_fail",
      line: "stat(s, BARN_GET_FAIL); if (can_alloc) { empty = pcs->spare, pcs->spare = NULL; or barn_get_empty_sheaf(barn) }",
      run: (k) => {
        stat(k, "BARN_GET_FAIL");
        k.L.empty = null;
        if (!mayBlock(k)) return goto("unlock");
        const p = pcs(k);
        if (p.spare !== null) {
          k.L.empty = p.spare;
          sheaf(k, p.spare).owner = k.a.id;
          p.spare = null;
          return goto("unlock");
        }
        return barn(k, num(k.L, "barn")).empty.length === 0
          ? goto("unlock")
          : undefined;
      },
    },
    {
      line: "barn_get_empty_sheaf(barn): spin_lock_irqsave(&barn->lock, flags)",
      run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
    },
    {
      line: "if (barn->nr_empty) { empty = first empty; list_del; nr_empty-- }; spin_unlock_irqrestore(&barn->lock, flags)",
      run: (k) => {
        const b = barn(k, num(k.L, "barn"));
        const e = b.empty.shift();
        if (e !== undefined) {
          k.L.empty = e;
          sheaf(k, e).owner = k.a.id;
        }
        barnUnlock(k, num(k.L, "barn"));
        return undefined;
      },
    },
    {
      label: "unlock",
      line: "local_unlock(&s->cpu_sheaves->lock); if (!can_alloc) return NULL",
      run: (k) => {
        pcsUnlock(k);
        return mayBlock(k) ? undefined : ret(null);
      },
    },
    {
      line: "if (!empty) empty = alloc_empty_sheaf(s, gfp)  (alloc_full_sheaf)",
      run: (k) => {
        if (ref(k.L, "empty") === null) {
          mightSleep(k, "alloc_empty_sheaf(GFP_KERNEL)");
          k.L.empty = newSheaf(st(k), k.a.id).id;
          stat(k, "SHEAF_ALLOC");
        }
        return undefined;
      },
    },
    {
      line: "refill_sheaf(s, empty, gfp | __GFP_NOMEMALLOC)  (the lock is dropped: the task may migrate)",
      run: (k) => call("refill_sheaf", { sheaf: num(k.L, "empty") }),
    },
    {
      line: "if (refill failed) { free_empty_sheaf(s, empty); return NULL; } full = empty",
      run: (k) => {
        const sh = sheaf(k, num(k.L, "empty"));
        if (sh.objects.length === 0) {
          sh.owner = null;
          sh.freed = true;
          stat(k, "SHEAF_FREE");
          return ret(null);
        }
        k.L.full = sh.id;
        return undefined;
      },
    },
    {
      line: "local_lock(&s->cpu_sheaves->lock); pcs = this_cpu_ptr(s->cpu_sheaves)",
      run: (k) => (pcsLock(k) ? undefined : RETRY),
    },
    {
      line: "if main is empty: it becomes the spare (or goes to the barn) and main = full; else spare = full if there is room; else barn_put_full_sheaf(barn, full)",
      run: (k) => {
        const p = pcs(k);
        const full = num(k.L, "full");
        const b = barn(k, num(k.L, "barn"));
        sheaf(k, full).owner = null;
        if (sheaf(k, p.main).objects.length === 0) {
          if (p.spare === null) p.spare = p.main;
          else b.empty.push(p.main);
          p.main = full;
        } else if (p.spare === null) {
          p.spare = full;
        } else if (sheaf(k, p.spare).objects.length === 0) {
          b.empty.push(p.spare);
          p.spare = full;
        } else {
          b.full.push(full);
          stat(k, "BARN_PUT");
        }
        return ret(num(k.L, "pcs"));
      },
    },
  ];
  if (checkBarn) steps.push(noBarn);
  return fn("__pcs_replace_empty_main", steps);
}
const pcsReplaceEmptyMain = pcsReplaceEmptyMainFn(true);

/**
 * refill_sheaf(): fills the sheaf (held by the actor) from the local node's partial slabs, then
 * from new slabs. Runs with the CPU's sheaves unlocked.
 */
const refillSheaf = fn("refill_sheaf", [
  {
    line: "get_partial_node_bulk(): if (!data_race(n->nr_partial)) skip to new slabs",
    run: (k) => {
      k.L.node = localNode(k);
      k.L.isolated = [];
      k.L.relist = [];
      k.L.filled = 0;
      return nodeAt(k.m, num(k.L, "node"))!.nrPartial === 0
        ? goto("new")
        : undefined;
    },
  },
  {
    line: "spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => (spinLockNode(k, num(k.L, "node"), true) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry_safe(slab, &n->partial): remove_partial(n, slab) onto a private list until enough free objects",
    run: (k) => {
      const m = k.m;
      const node = num(k.L, "node");
      const sh = sheaf(k, num(k.L, "sheaf"));
      let room = st(k).capacity - sh.objects.length;
      const iso: number[] = [];
      for (const pid of [...nodeAt(m, node)!.partial]) {
        if (room <= 0) break;
        const p = pageAt(m, pid)!;
        room -= p.objects - p.inuse;
        listOps.removePartial(k, node, pid);
        ownSlab(k, pid);
        iso.push(pid);
      }
      k.L.isolated = iso;
      return undefined;
    },
  },
  {
    line: "spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "node"), true);
      return undefined;
    },
  },
  {
    label: "slab",
    line: "for each isolated slab: old.freelist = slab->freelist; old.counters = slab->counters",
    run: (k) => {
      const iso = k.L.isolated as number[];
      const pid = iso[0];
      if (pid === undefined) return goto("relist");
      const p = slabPage(k, pid, "refill_sheaf");
      k.L.page = pid;
      k.L.freelist = p.freelist;
      k.L.counters = counters(p);
      return undefined;
    },
  },
  {
    line: "walk the freelist to the objects that fit the sheaf: new.freelist = the one after them, new.inuse += taken",
    run: (k) => {
      const room = st(k).capacity - sheaf(k, num(k.L, "sheaf")).objects.length;
      const taken: number[] = [];
      let x = ref(k.L, "freelist");
      while (x !== null && taken.length < room) {
        taken.push(x);
        x = getFreepointer(k, x);
      }
      const c = unpackCounters(num(k.L, "counters"));
      k.L.taken = taken;
      k.L.rest = x;
      k.L.newCounters = packCounters({ ...c, inuse: c.inuse + taken.length });
      return undefined;
    },
  },
  {
    line: "slab_update_freelist(s, slab, &old, &new): cmpxchg; copy the objects into sheaf->objects",
    run: (k) => {
      const pid = num(k.L, "page");
      const ok = cmpxchgDoubleSlab(
        k,
        pid,
        ref(k.L, "freelist"),
        num(k.L, "counters"),
        ref(k.L, "rest"),
        num(k.L, "newCounters"),
        "refill_sheaf",
      );
      if (!ok) return goto("slab");
      const sh = sheaf(k, num(k.L, "sheaf"));
      for (const o of k.L.taken as number[]) {
        ownObject(k, o);
        pushObject(k, sh, o);
      }
      k.L.filled = num(k.L, "filled") + (k.L.taken as number[]).length;
      (k.L.isolated as number[]).shift();
      // A slab with objects left goes back on the list; a full one is on no list.
      if (ref(k.L, "rest") !== null) (k.L.relist as number[]).push(pid);
      else disownSlab(k, pid);
      return goto("slab");
    },
  },
  {
    label: "relist",
    line: "if slabs were not used up: spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => {
      if ((k.L.relist as number[]).length === 0) return goto("new");
      return spinLockNode(k, num(k.L, "node"), true) ? undefined : RETRY;
    },
  },
  {
    line: "add_partial(n, slab, ADD_TO_HEAD) for each; spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      const node = num(k.L, "node");
      for (const pid of k.L.relist as number[]) {
        listOps.addPartial(k, node, pid, false);
        disownSlab(k, pid);
      }
      k.L.relist = [];
      spinUnlockNode(k, node, true);
      return undefined;
    },
  },
  {
    label: "new",
    line: "while (filled < capacity) { slab = new_slab(s, gfp, node); stat(s, ALLOC_SLAB) }",
    run: (k) => {
      const sh = sheaf(k, num(k.L, "sheaf"));
      if (sh.objects.length >= st(k).capacity) return goto("done");
      mightSleep(k, "new_slab(GFP_KERNEL)");
      const pid = allocPage(k.m, num(k.L, "node"));
      if (pid === null) return goto("done");
      makeSlab(k, pid);
      const p = pageAt(k.m, pid)!;
      p.frozen = false;
      p.inuse = 0;
      stat(k, "ALLOC_SLAB");
      k.L.page = pid;
      return undefined;
    },
  },
  {
    line: "alloc_from_new_slab(s, slab, objects, count): take objects off the private slab",
    run: (k) => {
      const pid = num(k.L, "page");
      const p = pageAt(k.m, pid)!;
      const sh = sheaf(k, num(k.L, "sheaf"));
      let n = 0;
      while (p.freelist !== null && sh.objects.length < st(k).capacity) {
        const o = p.freelist;
        p.freelist = p.fp[indexOf(k.m, o)] as number | null;
        p.inuse++;
        ownObject(k, o);
        pushObject(k, sh, o);
        n++;
      }
      k.L.filled = num(k.L, "filled") + n;
      if (p.freelist === null) {
        disownSlab(k, pid);
        return goto("new");
      }
      return undefined;
    },
  },
  {
    line: "spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => (spinLockNode(k, num(k.L, "node"), true) ? undefined : RETRY),
  },
  {
    line: "add_partial(n, slab, ADD_TO_HEAD); spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      const node = num(k.L, "node");
      const pid = num(k.L, "page");
      listOps.addPartial(k, node, pid, false);
      disownSlab(k, pid);
      spinUnlockNode(k, node, true);
      return goto("new");
    },
  },
  {
    label: "done",
    line: "stat_add(s, SHEAF_REFILL, filled); return filled ? 0 : -ENOMEM",
    run: (k) => {
      for (let i = 0; i < num(k.L, "filled"); i++) stat(k, "SHEAF_REFILL");
      return ret(num(k.L, "filled"));
    },
  },
]);

/** ___slab_alloc() of 7.0: one object straight from a partial slab or a new slab. */
const slabAllocSlow = fn("___slab_alloc", [
  {
    line: "stat(s, ALLOC_SLOWPATH); n = get_node(s, node or numa_mem_id()); if (!data_race(n->nr_partial)) goto new_slab",
    run: (k) => {
      stat(k, "ALLOC_SLOWPATH");
      const node = ref(k.L, "node") ?? localNode(k);
      k.L.n = node;
      return nodeAt(k.m, node)!.nrPartial === 0 ? goto("new_slab") : undefined;
    },
  },
  {
    line: "get_from_partial_node(): spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => (spinLockNode(k, num(k.L, "n"), true) ? undefined : RETRY),
  },
  {
    label: "retry",
    line: "slab = first of n->partial; old.freelist = slab->freelist; old.counters = slab->counters",
    run: (k) => {
      const pid = nodeAt(k.m, num(k.L, "n"))!.partial[0];
      if (pid === undefined) return goto("unlock_new");
      const p = slabPage(k, pid, "get_from_partial_node");
      k.L.page = pid;
      k.L.freelist = p.freelist;
      k.L.counters = counters(p);
      return undefined;
    },
  },
  {
    line: "new.freelist = get_freepointer(s, old.freelist); new.inuse++",
    run: (k) => {
      const obj = num(k.L, "freelist");
      k.L.next = getFreepointer(k, obj);
      const c = unpackCounters(num(k.L, "counters"));
      k.L.newCounters = packCounters({ ...c, inuse: c.inuse + 1 });
      return undefined;
    },
  },
  {
    line: "slab_update_freelist(s, slab, &old, &new): cmpxchg; if (!new.freelist) remove_partial(n, slab)",
    run: (k) => {
      const pid = num(k.L, "page");
      const obj = num(k.L, "freelist");
      const ok = cmpxchgDoubleSlab(
        k,
        pid,
        obj,
        num(k.L, "counters"),
        ref(k.L, "next"),
        num(k.L, "newCounters"),
        "get_from_partial_node",
      );
      if (!ok) return goto("retry");
      ownObject(k, obj);
      if (ref(k.L, "next") === null)
        listOps.removePartial(k, num(k.L, "n"), pid);
      k.L.object = obj;
      return undefined;
    },
  },
  {
    line: "spin_unlock_irqrestore(&n->list_lock, flags); return object",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      return ret(num(k.L, "object"));
    },
  },
  {
    label: "unlock_new",
    line: "spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      return undefined;
    },
  },
  {
    label: "new_slab",
    line: "slab = new_slab(s, gfpflags, node); stat(s, ALLOC_SLAB); object = first object of the private slab",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") mightSleep(k, "new_slab(GFP_KERNEL)");
      const pid = allocPage(k.m, num(k.L, "n"));
      if (pid === null) return ret(null);
      makeSlab(k, pid);
      const p = pageAt(k.m, pid)!;
      p.frozen = false;
      const o = p.freelist!;
      p.freelist = p.fp[indexOf(k.m, o)] as number | null;
      p.inuse = 1;
      ownObject(k, o);
      stat(k, "ALLOC_SLAB");
      k.L.page = pid;
      k.L.object = o;
      if (p.freelist === null) {
        disownSlab(k, pid);
        return ret(o);
      }
      return undefined;
    },
  },
  {
    line: "alloc_from_new_slab(): objects remain: spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) =>
      spinLockNode(k, pageNode(k, num(k.L, "page")), true) ? undefined : RETRY,
  },
  {
    line: "add_partial(n, slab, ADD_TO_HEAD); spin_unlock_irqrestore(&n->list_lock, flags); return object",
    run: (k) => {
      const pid = num(k.L, "page");
      const node = pageNode(k, pid);
      listOps.addPartial(k, node, pid, false);
      disownSlab(k, pid);
      spinUnlockNode(k, node, true);
      return ret(num(k.L, "object"));
    },
  },
]);

// --- free -------------------------------------------------------------------------------------

/** slab_free(): a local object to the sheaves, anything else to its slab. */
const slabFree = fn("slab_free", [
  {
    line: "if (slab_nid(slab) == numa_mem_id() && free_to_pcs(s, object)) return",
    run: (k) =>
      pageNode(k, num(k.L, "page")) === localNode(k)
        ? call("free_to_pcs", { object: num(k.L, "head") })
        : undefined,
    after: (_k, v) => (v === true ? ret() : undefined),
  },
  {
    line: "__slab_free(s, slab, object, object, 1, addr); stat(s, FREE_SLOWPATH)",
    run: (k) =>
      call("__slab_free", {
        page: num(k.L, "page"),
        head: num(k.L, "head"),
        tail: num(k.L, "tail"),
        cnt: 1,
      }),
    after: (k) => {
      stat(k, "FREE_SLOWPATH");
      return ret();
    },
  },
]);

const freeToPcs = fn("free_to_pcs", [
  {
    line: "if (!local_trylock(&s->cpu_sheaves->lock)) return false; pcs = this_cpu_ptr(s->cpu_sheaves)",
    run: (k) => (pcsTrylock(k) ? undefined : ret(false)),
  },
  {
    line: "if (unlikely(pcs->main->size == s->sheaf_capacity)) pcs = __pcs_replace_full_main(s, pcs)",
    run: (k) =>
      sheaf(k, pcs(k).main).objects.length < st(k).capacity
        ? goto("push")
        : call("__pcs_replace_full_main", { pcs: num(k.L, "pcs") }),
    after: (k, v) => {
      if (v === null) return ret(false);
      k.L.pcs = v;
      return undefined;
    },
  },
  {
    label: "push",
    line: "pcs->main->objects[pcs->main->size++] = object",
    run: (k) => {
      pushObject(k, sheaf(k, pcs(k).main), num(k.L, "object"));
      return undefined;
    },
  },
  {
    line: "local_unlock(&s->cpu_sheaves->lock); stat(s, FREE_FASTPATH); return true",
    run: (k) => {
      pcsUnlock(k);
      stat(k, "FREE_FASTPATH");
      return ret(true);
    },
  },
]);

/** __pcs_replace_full_main(): called with the lock held; returns the locked CPU or NULL unlocked. */
export function pcsReplaceFullMainFn(checkBarn: boolean): KernelFn {
  const steps: StepDef[] = [
    {
      label: "restart",
      line: "barn = get_barn(s); if (!pcs->spare) { empty = barn_get_empty_sheaf(barn): if (!data_race(barn->nr_empty)) NULL }",
      run: (k) => {
        k.L.barn = getBarn(k);
        if (checkBarn && k.L.barn === null) return goto("no_barn");
        const p = pcs(k);
        if (p.spare !== null) return goto("spare");
        return barn(k, num(k.L, "barn")).empty.length === 0
          ? goto("alloc")
          : undefined;
      },
    },
    {
      line: "spin_lock_irqsave(&barn->lock, flags)",
      run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
    },
    {
      line: "empty = first empty, nr_empty--; spin_unlock_irqrestore(&barn->lock, flags); if (empty) { pcs->spare = pcs->main; pcs->main = empty; return pcs; }",
      run: (k) => {
        const b = barn(k, num(k.L, "barn"));
        const e = b.empty.shift();
        barnUnlock(k, num(k.L, "barn"));
        if (e === undefined) return goto("alloc");
        const p = pcs(k);
        p.spare = p.main;
        p.main = e;
        return ret(num(k.L, "pcs"));
      },
    },
    {
      label: "spare",
      line: "if (pcs->spare->size < s->sheaf_capacity) { swap(pcs->main, pcs->spare); return pcs; }",
      run: (k) => {
        const p = pcs(k);
        if (sheaf(k, p.spare!).objects.length < st(k).capacity) {
          [p.main, p.spare] = [p.spare!, p.main];
          return ret(num(k.L, "pcs"));
        }
        return undefined;
      },
    },
    {
      line: "barn_replace_full_sheaf(barn, pcs->main): if (data_race(barn->nr_full) >= MAX_FULL_SHEAVES) -E2BIG",
      run: (k) =>
        barn(k, num(k.L, "barn")).full.length >= st(k).maxFull
          ? goto("e2big")
          : undefined,
    },
    {
      line: "spin_lock_irqsave(&barn->lock, flags)",
      run: (k) => (barnLock(k, num(k.L, "barn")) ? undefined : RETRY),
    },
    {
      line: "if (barn->nr_empty) { empty = first empty; list_add(&full->barn_list, &barn->sheaves_full) } else -ENOMEM; spin_unlock_irqrestore(&barn->lock, flags)",
      run: (k) => {
        const b = barn(k, num(k.L, "barn"));
        const e = b.empty.shift();
        const p = pcs(k);
        if (e !== undefined) {
          b.full.push(p.main);
          p.main = e;
        }
        barnUnlock(k, num(k.L, "barn"));
        if (e === undefined) return goto("alloc");
        stat(k, "BARN_PUT");
        return ret(num(k.L, "pcs"));
      },
    },
    {
      label: "e2big",
      line: "stat(s, BARN_PUT_FAIL); empty = pcs->spare; pcs->spare = NULL; local_unlock(&s->cpu_sheaves->lock)",
      run: (k) => {
        stat(k, "BARN_PUT_FAIL");
        const p = pcs(k);
        k.L.empty = p.spare;
        sheaf(k, p.spare!).owner = k.a.id;
        p.spare = null;
        pcsUnlock(k);
        return undefined;
      },
    },
    {
      line: "sheaf_flush_unused(s, empty): every object back to its slab",
      run: (k) => call("sheaf_flush_unused", { sheaf: num(k.L, "empty") }),
      after: () => goto("got_empty"),
    },
    {
      label: "alloc",
      line: "local_unlock(&s->cpu_sheaves->lock); empty = alloc_empty_sheaf(s, GFP_NOWAIT)",
      run: (k) => {
        pcsUnlock(k);
        k.L.empty = newSheaf(st(k), k.a.id).id;
        stat(k, "SHEAF_ALLOC");
        return undefined;
      },
    },
    {
      label: "got_empty",
      line: "if (!local_trylock(&s->cpu_sheaves->lock)) { barn_put_empty_sheaf(barn, empty); return NULL; }",
      run: (k) => {
        const e = num(k.L, "empty");
        if (pcsTrylock(k)) return undefined;
        sheaf(k, e).owner = null;
        barn(k, num(k.L, "barn")).empty.push(e);
        return ret(null);
      },
    },
    {
      line: "pcs = this_cpu_ptr(s->cpu_sheaves); __pcs_install_empty_sheaf(s, pcs, empty, barn)",
      run: (k) => {
        const p = pcs(k);
        const e = num(k.L, "empty");
        const b = barn(k, num(k.L, "barn"));
        const cap = st(k).capacity;
        sheaf(k, e).owner = null;
        if (p.spare === null && sheaf(k, p.main).objects.length === cap) {
          p.spare = p.main;
          p.main = e;
        } else if (sheaf(k, p.main).objects.length < cap) {
          b.empty.push(e);
        } else if (p.spare !== null && sheaf(k, p.spare).objects.length < cap) {
          [p.main, p.spare] = [p.spare, p.main];
          b.empty.push(e);
        } else {
          b.full.push(p.main);
          stat(k, "BARN_PUT");
          p.main = e;
        }
        return ret(num(k.L, "pcs"));
      },
    },
  ];
  if (checkBarn) steps.push(noBarn);
  return fn("__pcs_replace_full_main", steps);
}
const pcsReplaceFullMain = pcsReplaceFullMainFn(true);

/** __slab_free() of 7.0: no frozen cpu slabs; an isolated slab is left to its owner. */
const slabFreeSlow = fn("__slab_free", [
  {
    label: "redo",
    line: "old.freelist = slab->freelist; old.counters = slab->counters",
    run: (k) => {
      const p = slabPage(k, num(k.L, "page"), "__slab_free");
      k.L.prior = p.freelist;
      k.L.counters = counters(p);
      k.L.n = null;
      return undefined;
    },
  },
  {
    line: "set_freepointer(s, tail, old.freelist); new.inuse -= cnt; was_full = !old.freelist; if (!new.inuse || was_full) lock the node",
    run: (k) => {
      const prior = ref(k.L, "prior");
      setFreepointer(k, num(k.L, "tail"), prior);
      const c = unpackCounters(num(k.L, "counters"));
      const inuse = c.inuse - num(k.L, "cnt");
      k.L.newInuse = inuse;
      k.L.newCounters = packCounters({ ...c, inuse });
      k.L.wasFull = prior === null;
      return inuse === 0 || prior === null ? undefined : goto("cmpxchg");
    },
  },
  {
    line: "n = get_node(s, slab_nid(slab)); spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => {
      const node = pageNode(k, num(k.L, "page"));
      if (!spinLockNode(k, node, true)) return RETRY;
      k.L.n = node;
      return undefined;
    },
  },
  {
    line: "on_node_partial = slab_test_node_partial(slab)",
    run: (k) => {
      k.L.onPartial = nodeAt(k.m, num(k.L, "n"))!.partial.includes(
        num(k.L, "page"),
      );
      return undefined;
    },
  },
  {
    label: "cmpxchg",
    line: "slab_update_freelist(s, slab, &old, &new): cmpxchg (old.freelist, old.counters) -> (head, new.counters)",
    run: (k) => {
      const ok = cmpxchgDoubleSlab(
        k,
        num(k.L, "page"),
        ref(k.L, "prior"),
        num(k.L, "counters"),
        num(k.L, "head"),
        num(k.L, "newCounters"),
        "__slab_free",
      );
      if (!ok) {
        if (k.L.n === null) return goto("redo");
        spinUnlockNode(k, num(k.L, "n"), true);
        return goto("redo");
      }
      disownObject(k, num(k.L, "head"));
      return k.L.n === null ? ret() : undefined;
    },
  },
  {
    line: "if (!was_full && !on_node_partial) { unlock; return; }  (isolated: its owner deals with it); if (!new.inuse && n->nr_partial >= s->min_partial) goto slab_empty",
    run: (k) => {
      const n = nodeAt(k.m, num(k.L, "n"))!;
      if (k.L.wasFull !== true && k.L.onPartial !== true) return goto("unlock");
      if (num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial)
        return goto("slab_empty");
      if (k.L.wasFull !== true) return goto("unlock");
      return undefined;
    },
  },
  {
    line: "add_partial(n, slab, ADD_TO_TAIL); stat(s, FREE_ADD_PARTIAL)",
    run: (k) => {
      listOps.addPartial(k, num(k.L, "n"), num(k.L, "page"), true);
      stat(k, "FREE_ADD_PARTIAL");
      return undefined;
    },
  },
  {
    label: "unlock",
    line: "spin_unlock_irqrestore(&n->list_lock, flags); return",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      return ret();
    },
  },
  {
    label: "slab_empty",
    line: "if (on_node_partial) { remove_partial(n, slab); stat(s, FREE_REMOVE_PARTIAL); }",
    run: (k) => {
      const pid = num(k.L, "page");
      if (k.L.onPartial === true) {
        listOps.removePartial(k, num(k.L, "n"), pid);
        stat(k, "FREE_REMOVE_PARTIAL");
      }
      ownSlab(k, pid);
      return undefined;
    },
  },
  {
    line: "spin_unlock_irqrestore(&n->list_lock, flags); stat(s, FREE_SLAB); discard_slab(s, slab)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      stat(k, "FREE_SLAB");
      return call("discard_slab", { page: num(k.L, "page") });
    },
    after: () => ret(),
  },
]);

// --- flushing ---------------------------------------------------------------------------------

/** sheaf_flush_unused(): a sheaf attached to no CPU, all its objects back to their slabs. */
const sheafFlushUnused = fn("sheaf_flush_unused", [
  {
    line: "__kmem_cache_free_bulk(s, sheaf->size, &sheaf->objects[0]); stat_add(s, SHEAF_FLUSH, size); sheaf->size = 0",
    run: (k) => {
      const batch = takeAll(k, sheaf(k, num(k.L, "sheaf")));
      for (let i = 0; i < batch.length; i++) stat(k, "SHEAF_FLUSH");
      k.L.batch = batch;
      return undefined;
    },
  },
  freeBatch("free", () => ret()),
]);

/** The batch size of sheaf_flush_main (PCS_BATCH_MAX). */
const PCS_BATCH_MAX = 32;

/**
 * Under the sheaves lock, in either form of sheaf_flush_main: up to PCS_BATCH_MAX objects off
 * main into `batch`, with how many stay in `remaining`. The flush got the lock, so it no longer
 * counts as one that gave up on this CPU.
 */
function takeMainBatch(k: K): undefined {
  const p = pcs(k);
  if (p.flushGaveUp) delete p.flushGaveUp;
  const sh = sheaf(k, p.main);
  const n = Math.min(sh.objects.length, PCS_BATCH_MAX);
  const batch = sh.objects.splice(sh.objects.length - n, n);
  for (const o of batch) ownObject(k, o);
  k.L.batch = batch;
  k.L.remaining = sh.objects.length;
  return undefined;
}

/** sheaf_flush_main(): main's objects back to slabs, in batches taken under the trylock. */
const sheafFlushMain = fn("sheaf_flush_main", [
  {
    label: "next",
    line: "if (!local_trylock(&s->cpu_sheaves->lock)) return; batch = min(main->size, PCS_BATCH_MAX); main->size -= batch; copy them out",
    run: (k) => {
      if (!pcsTrylock(k)) {
        // The flush work runs on the CPU it flushes (this_cpu_ptr).
        st(k).pcs[k.cpu]!.flushGaveUp = true;
        return ret();
      }
      return takeMainBatch(k);
    },
  },
  {
    line: "local_unlock(&s->cpu_sheaves->lock); stat_add(s, SHEAF_FLUSH, batch)",
    run: (k) => {
      pcsUnlock(k);
      for (let i = 0; i < (k.L.batch as number[]).length; i++)
        stat(k, "SHEAF_FLUSH");
      return undefined;
    },
  },
  freeBatch("free", (k) => (num(k.L, "remaining") > 0 ? goto("next") : ret())),
]);

/**
 * sheaf_flush_main() as fixed by "slab: distinguish lock and trylock for sheaf_flush_main()"
 * (Vlastimil Babka, February 2026, Cc stable; Fixes the opt-in sheaves of 6.18): the flush work
 * must not give up, so each batch is taken under local_lock(), which waits for (on RT: sleeps on)
 * a holder instead of failing. The trylock form survives as sheaf_try_flush_main() for
 * __pcs_replace_full_main, which the model does not route through here (it flushes the spare).
 */
const sheafFlushMainLocked = fn("sheaf_flush_main", [
  {
    label: "next",
    line: "do { local_lock(&s->cpu_sheaves->lock); __sheaf_flush_main_batch(s): batch = min(main->size, PCS_BATCH_MAX); main->size -= batch; copy them out",
    run: (k) => {
      if (!pcsLock(k)) return RETRY;
      return takeMainBatch(k);
    },
  },
  sheafFlushMain.steps[1]!,
  freeBatch("free", (k) => (num(k.L, "remaining") > 0 ? goto("next") : ret())),
]);

/** pcs_flush_all(): the flush work on a CPU, spare then main. */
const pcsFlushAll = fn("flush_cpu_slab", [
  {
    line: "pcs_flush_all(s): local_lock(&s->cpu_sheaves->lock); spare = pcs->spare; pcs->spare = NULL; local_unlock(&s->cpu_sheaves->lock)",
    run: (k) => {
      if (!pcsLock(k)) return RETRY;
      const p = pcs(k);
      k.L.spare = p.spare;
      if (p.spare !== null) sheaf(k, p.spare).owner = k.a.id;
      p.spare = null;
      pcsUnlock(k);
      return undefined;
    },
  },
  {
    line: "if (spare) { sheaf_flush_unused(s, spare); free_empty_sheaf(s, spare); }",
    run: (k) => {
      const sp = ref(k.L, "spare");
      return sp === null
        ? undefined
        : call("sheaf_flush_unused", { sheaf: sp });
    },
    after: (k) => {
      const sh = sheaf(k, num(k.L, "spare"));
      sh.owner = null;
      sh.freed = true;
      stat(k, "SHEAF_FREE");
      return undefined;
    },
  },
  {
    line: "sheaf_flush_main(s)",
    run: () => call("sheaf_flush_main"),
    after: () => ret(),
  },
]);

/** has_pcs_used(): an unlocked look at another CPU's sheaves (none: a cache without them). */
export function hasPcsUsed(k: K, cpu: number): boolean {
  const st = k.m.sheaves;
  if (st === undefined) return false;
  const p = st.pcs[cpu]!;
  return p.spare !== null || st.sheaves[p.main]!.objects.length > 0;
}

/** flush_all_cpus_locked() with has_pcs_used() in place of has_cpu_slab(). */
const flushAllCpusLockedPcs = fn("flush_all_cpus_locked", [
  flushAllCpusLocked.steps[0]!,
  {
    label: "queue",
    line: "for_each_online_cpu(cpu): if (!has_pcs_used(cpu, s)) skip; else queue_work_on(cpu, flushwq, &sfw->work)",
    run: (k) => {
      const m = k.m;
      let cpu = num(k.L, "cpu");
      while (cpu < m.cpus.length && !m.cpus[cpu]!.online) cpu++;
      if (cpu >= m.cpus.length) return goto("wait");
      k.L.cpu = cpu + 1;
      if (!hasPcsUsed(k, cpu)) return goto("queue");
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

/** __pcs_flush_all_cpu(): a dead CPU's sheaves, without its lock (nobody runs there). */
const pcsFlushAllCpu = fn("__pcs_flush_all_cpu", [
  {
    line: "pcs = per_cpu_ptr(s->cpu_sheaves, cpu); batch = all of pcs->main; spare = pcs->spare; pcs->spare = NULL",
    run: (k) => {
      const p = st(k).pcs[num(k.L, "cpu")]!;
      const batch = takeAll(k, sheaf(k, p.main));
      k.L.spare = p.spare;
      if (p.spare !== null) {
        const sp = sheaf(k, p.spare);
        batch.push(...takeAll(k, sp));
        sp.freed = true;
        stat(k, "SHEAF_FREE");
      }
      p.spare = null;
      for (let i = 0; i < batch.length; i++) stat(k, "SHEAF_FLUSH");
      k.L.batch = batch;
      return undefined;
    },
  },
  freeBatch("free", () => ret()),
]);

const slubCpuDead = fn("slub_cpu_dead", [
  {
    line: "mutex_lock(&slab_mutex)",
    run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry(s, &slab_caches, list): __pcs_flush_all_cpu(s, cpu)",
    site: "cpuDeadFlush",
    run: (k) => call("__pcs_flush_all_cpu", { cpu: num(k.L, "cpu") }),
  },
  {
    line: "mutex_unlock(&slab_mutex)",
    run: (k) => {
      mutexUnlock(k, { kind: "slabMutex" });
      return ret();
    },
  },
]);

/** barn_shrink(): both barn lists spliced out under the lock, then every sheaf flushed and freed. */
const barnShrink = fn("barn_shrink", [
  {
    line: "spin_lock_irqsave(&barn->lock, flags)",
    run: (k) => (barnLock(k, num(k.L, "node")) ? undefined : RETRY),
  },
  {
    line: "list_splice_init(&barn->sheaves_full / _empty, &full_list / &empty_list); nr_full = nr_empty = 0; spin_unlock_irqrestore(&barn->lock, flags)",
    run: (k) => {
      const node = num(k.L, "node");
      const b = barn(k, node);
      const all = [...b.full, ...b.empty];
      b.full = [];
      b.empty = [];
      for (const id of all) sheaf(k, id).owner = k.a.id;
      k.L.list = all;
      barnUnlock(k, node);
      return undefined;
    },
  },
  {
    label: "next",
    line: "list_for_each_entry_safe(sheaf, ...): sheaf_flush_unused(s, sheaf); free_empty_sheaf(s, sheaf)",
    run: (k) => {
      const list = k.L.list as number[];
      const id = list[0];
      if (id === undefined) return ret();
      return call("sheaf_flush_unused", { sheaf: id });
    },
    after: (k) => {
      const list = k.L.list as number[];
      const sh = sheaf(k, list.shift()!);
      sh.owner = null;
      sh.freed = true;
      stat(k, "SHEAF_FREE");
      return goto("next");
    },
  },
]);

/** __kmem_cache_shutdown() of 7.0: flush the CPUs' sheaves, shrink the barns, free the partials. */
const kmemCacheShutdown = fn("__kmem_cache_shutdown", [
  {
    line: "flush_all_cpus_locked(s)",
    run: (k) => {
      k.L.i = 0;
      return call("flush_all_cpus_locked");
    },
  },
  {
    label: "node",
    line: "for_each_kmem_cache_node(s, node, n): if (n->barn) barn_shrink(s, n->barn)",
    run: (k) => {
      const i = num(k.L, "i");
      if (i >= k.m.nodes.length) return ret(false);
      return call("barn_shrink", { node: i });
    },
  },
  {
    line: "free_partial(s, n)",
    run: (k) => call("free_partial", { node: num(k.L, "i") }),
  },
  {
    line: "if (n->nr_partial || node_nr_slabs(n)) return 1",
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

const common = { ...commonFns };
for (const gone of [
  "get_freelist",
  "acquire_slab",
  "get_partial",
  "get_any_partial",
])
  delete common[gone];

/**
 * kmem_cache_destroy() of the shared teardown, with its "still has objects" report naming the
 * objects a flush left in CPUs' main sheaves: those of a CPU where sheaf_flush_main gave up
 * (`flushGaveUp`, v7.0 as posted). Objects in the main sheaf of a CPU whose flush did not give
 * up were freed there after the flush had emptied it: a free racing kmem_cache_destroy(), which
 * the fix's commit calls a bug of the caller. The kernel prints the same "still has objects" for
 * both, and for objects still allocated; like an object still allocated at destroy, the caller's
 * bug is told in the destroying actor's note, not reported as a finding of the kernel.
 */
const kmemCacheDestroy = destroyReportsStranded(
  teardownCpusLocked["kmem_cache_destroy"]!,
  (k) => {
    const pcsAll = st(k).pcs;
    const mains = (gaveUp: boolean) =>
      pcsAll.flatMap((p, cpu) =>
        (p.flushGaveUp === true) === gaveUp
          ? sheaf(k, p.main).objects.map((o) => ({ o, cpu }))
          : [],
      );
    const cpusOf = (xs: { cpu: number }[]) =>
      [...new Set(xs.map((x) => x.cpu))].join(", ");
    const left = mains(true);
    const late = mains(false);
    return {
      objects: left.map((x) => x.o),
      where: () =>
        `were left in the main sheaf of cpu ${cpusOf(left)}, which the flush did not empty (its trylock failed); the cache and its sheaves are never freed`,
      aside:
        late.length === 0
          ? null
          : () =>
              `${late.length} object${late.length === 1 ? " was" : "s were"} freed into the main sheaf of cpu ${cpusOf(late)} after the destroy's flush had emptied it: a free racing kmem_cache_destroy(), the caller's bug`,
    };
  },
);

const v70: FnTable = {
  ...common,
  ...teardownCpusLocked,
  ...table([flushAll]),
  ...table([
    kmemCacheDestroy,
    slabAllocNode,
    allocFromPcs,
    pcsReplaceEmptyMain,
    refillSheaf,
    slabAllocSlow,
    slabFree,
    freeToPcs,
    pcsReplaceFullMain,
    slabFreeSlow,
    sheafFlushUnused,
    sheafFlushMain,
    pcsFlushAll,
    flushAllCpusLockedPcs,
    pcsFlushAllCpu,
    slubCpuDead,
    barnShrink,
    kmemCacheShutdown,
  ] satisfies KernelFn[]),
};

/** v7.0 with the flush fix: the flush work locks each CPU's sheaves instead of trying. */
const v70FlushLock: FnTable = {
  ...v70,
  ...table([sheafFlushMainLocked] satisfies KernelFn[]),
};

export const v70Tables = {
  "v7.0": v70,
  "v7.0-flush-lock": v70FlushLock,
} satisfies Partial<Record<VariantName, FnTable>>;
