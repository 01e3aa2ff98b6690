/**
 * SLUB of mainline v6.8, after "slub: Delay freezing of CPU partial slabs" (Chengming Zhou,
 * v5 of Nov 2023, merged for 6.8 through the slab tree).
 *
 * Data structures, as mm/slub.c of 6.8 uses them:
 * - `struct slab` (no longer `struct page`): `freelist` plus `counters` {inuse, objects, frozen}
 *   updated together by one double-word cmpxchg; `next` and `slabs` link a CPU's partial list
 *   (`slabs` counts the list from that slab down; the model keeps it in the record's `pages`);
 *   `slab_list` links a node's partial list.
 * - The slab flag PG_workingset means "on its node's partial list": set by add_partial and
 *   cleared by remove_partial, both under `n->list_lock` (the model's `nodePartial`).
 * - `struct kmem_cache_cpu`: `freelist` + `tid`, `slab` (the cpu slab), `partial` (the cpu
 *   partial list) and the local lock. `s->cpu_partial_slabs` bounds the partial list in slabs.
 * - The four states: node partial = flag set, not frozen; cpu partial = flag clear, NOT frozen
 *   (new in 6.8); cpu slab = frozen; full = neither.
 *
 * Paths:
 * - ___slab_alloc takes a slab off the cpu partial list (or from get_partial) and only then
 *   freezes it with one cmpxchg (freeze_slab), outside list_lock. get_partial_node removes slabs
 *   from the node list (clearing the flag) and hands the extra ones to put_cpu_partial unfrozen,
 *   still under list_lock: no cmpxchg there any more (5.15 froze each one in acquire_slab).
 * - put_cpu_partial links the slab in under the local lock; a draining call detaches the old list
 *   when it holds cpu_partial_slabs slabs and gives it to __put_partials, which adds each slab to
 *   its node list (or discards it when empty and the node has min_partial slabs): no cmpxchg.
 * - __slab_free, for a free that empties a slab or frees into a full one of an unfrozen slab,
 *   takes list_lock and reads the flag before its cmpxchg; a slab that had free objects but is
 *   not on its node list belongs to some CPU's partial list, and is left where it is, even empty.
 *   A free into a full unfrozen slab puts it on this CPU's partial list, unfrozen, lock-free.
 * - deactivate_slab unfreezes with one cmpxchg and only afterwards takes list_lock to list the
 *   slab (5.15 took list_lock before its cmpxchg): a free that sees it unfrozen and off the node
 *   list takes no list action, so the late add is safe.
 * - slab_update_freelist without __CMPXCHG_DOUBLE (scenario `cache.cmpxchgDouble: false`):
 *   __update_freelist_slow with irqs off under slab_lock(), a bit spinlock (PG_locked) in the
 *   slab's flags word, the same word that holds the on-node-list flag. The model keeps those two
 *   bits of the word (`pgLocked`, `nodePartial`). As merged, both the flag and slab_unlock use
 *   atomic bit operations. `v68NextFns` is the series as it was in linux-next (Nov 2023), before
 *   "mm/slub: try to fix hangs without cmpxchg64/128": slab_unlock is __bit_spin_unlock, a load
 *   and a plain store of the word (two steps); get_partial_node clears the flag with __clear_bit
 *   and deactivate_slab sets it with __set_bit, each likewise a load and a store: another CPU's
 *   update between the two is lost.
 * Simplified as in the 5.15 core: no debug caches, no kfence, no bulk operations; the walk of
 * deactivate_slab's detached freelist is one step; pfmemalloc never mismatches. Teardown, shrink
 * and hotplug glue are those of 5.15. Without __CMPXCHG_DOUBLE the cpu freelist fast path is
 * still the cmpxchg on {freelist, tid}; get_freelist (irqs already off in the kernel) takes the
 * same irq-saving slow form; in the linux-next table only get_partial_node's clear and
 * deactivate_slab's set are split into their load and store (the flag updates of __put_partials
 * and __slab_free stay one step).
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
  HALT,
  type K,
  type KernelFn,
  type Next,
  type StepDef,
} from "../program";
import {
  cmpxchgDoubleSlab,
  cpuSlab,
  disownChain,
  disownObject,
  disownSlab,
  fmtObj,
  getFreepointer,
  holds,
  irqRestore,
  irqSave,
  kernelLog,
  lockAvailable,
  localLockIrqsave,
  localUnlockIrqrestore,
  nextTid,
  note,
  ownChain,
  ownObject,
  ownSlab,
  packCounters,
  preemptDisable,
  preemptEnable,
  release,
  report,
  setFreepointer,
  slabPage,
  spinLockNode,
  spinUnlockNode,
  stat,
  setWait,
  stepOutcome,
  unpackCounters,
  vmBugOn,
  pageAt,
  setLockOwner,
  setOwnsCpuSlab,
  nodeAt,
} from "../prims";
import {
  touchCpu as touchCpuImport,
  touchLockWaiters as touchLockWaitersImport,
} from "../schedWrites";
import type { LockRef, ObjRef } from "../types";
import {
  allocPage,
  chainOf,
  commonFns,
  hasCpuPartial,
  listOps,
  makeSlab,
  mightSleep,
  nodeMatch,
  pageNode,
  pfmemallocMatch,
  readSlabWords,
} from "./common";
import {
  allocFastSteps,
  cThenTid,
  flushAll,
  flushAllCpusLocked,
  freeFastSteps,
  slabAllocWrapper,
  slubCpuDead,
  slubGetCpuPtr,
  slubPutCpuPtr,
} from "./v5_15";
import { teardownCpusLocked } from "./teardown";

// Read once (a getter call per use under CommonJS otherwise): written on every micro-step.
const touchCpu = touchCpuImport;
const touchLockWaiters = touchLockWaitersImport;

const c = (k: K) => cpuSlab(k, num(k.L, "c"));

/** add_partial(): link the slab and set its on-node-list flag (both under list_lock). */
function addPartial(k: K, node: number, pid: number, tail: boolean): void {
  listOps.addPartial(k, node, pid, tail);
  pageAt(k.m, pid)!.nodePartial = true;
}

/** remove_partial(): unlink the slab and clear its on-node-list flag. */
function removePartial(k: K, node: number, pid: number): void {
  listOps.removePartial(k, node, pid);
  pageAt(k.m, pid)!.nodePartial = false;
}

/** s->cpu_partial_slabs: DIV_ROUND_UP(cpu_partial * 2, objects per slab); 0 without cpu partials. */
export function cpuPartialSlabs(k: K): number {
  if (!hasCpuPartial(k.m)) return 0;
  return Math.ceil((k.m.cache.cpuPartial * 2) / k.m.cache.objects);
}

/** Takes the cpu slab off `c` (locked): c->slab and c->freelist cleared, tid bumped. */
function detachCpuSlab(
  slabVar: string,
  freelistVar: string,
  names = "freelist = c->freelist; slab = c->slab",
): StepDef[] {
  return [
    {
      line: names,
      run: (k) => {
        const cs = c(k);
        k.L[freelistVar] = cs.freelist;
        k.L[slabVar] = cs.page;
        return undefined;
      },
    },
    {
      line: "c->slab = NULL; c->freelist = NULL",
      run: (k) => {
        const cs = c(k);
        cs.page = null;
        cs.freelist = null;
        ownSlab(k, ref(k.L, slabVar));
        ownChain(k, ref(k.L, freelistVar));
        return undefined;
      },
    },
    {
      line: "c->tid = next_tid(c->tid)",
      run: (k) => {
        const cs = c(k);
        cs.tid = nextTid(k.m, cs.tid);
        return undefined;
      },
    },
  ];
}

// --- slab_update_freelist and its slab_lock() fallback --------------------------------------------

/** The two bits of the slab's flags word the model keeps: PG_locked and PG_workingset. */
const PG_LOCKED = 1;
const PG_WORKINGSET = 2;

function readFlags(k: K, pid: number): number {
  const p = pageAt(k.m, pid)!;
  return (
    (p.pgLocked === true ? PG_LOCKED : 0) |
    (p.nodePartial === true ? PG_WORKINGSET : 0)
  );
}

/**
 * A plain store of the whole flags word (the write half of a non-atomic read-modify-write): any
 * bit another CPU changed since the read goes back to what was read. Notes a lost update.
 */
function writeFlags(k: K, pid: number, word: number): void {
  const p = pageAt(k.m, pid)!;
  const locked = (word & PG_LOCKED) !== 0;
  if (locked !== (p.pgLocked === true)) {
    p.pgLocked = locked;
    touchLockWaiters(k.m);
    note(
      k,
      locked
        ? `lost update: the store puts back PG_locked of P${pid}, which its holder had cleared; nobody holds slab_lock now`
        : `lost update: the store clears PG_locked of P${pid} under its holder`,
    );
  }
  const onList = (word & PG_WORKINGSET) !== 0;
  if (onList !== (p.nodePartial === true)) p.nodePartial = onList;
}

const slabLockRef = (k: K): LockRef => ({
  kind: "slabLock",
  page: num(k.L, "page"),
});

/** bit_spin_lock(PG_locked): preempt_disable, then test_and_set_bit_lock until it was clear. */
function slabLock(k: K): boolean {
  const r = slabLockRef(k);
  if (!k.a.wait) preemptDisable(k);
  if (lockAvailable(k.m, r, k.a.id)) {
    setLockOwner(k.m, r, k.a.id);
    k.a.held.push({ cls: "slab_lock", ref: r });
    setWait(k.a, null);
    return true;
  }
  // Spinning on: only the first failed try changes what the scheduler reads.
  if (k.a.wait === null) touchCpu(k.a.cpu);
  k.a.wait = { kind: "lock", ref: r, spinning: true };
  stepOutcome(k, "spun");
  return false;
}

/** slab_unlock(): `word` is the word a non-atomic unlock read (null: an atomic bit clear). */
function slabUnlock(k: K, word: number | null): void {
  const pid = num(k.L, "page");
  release(k, slabLockRef(k));
  if (word !== null) writeFlags(k, pid, word & ~PG_LOCKED);
  preemptEnable(k);
}

/**
 * __update_freelist_slow() inside slab_update_freelist(), for a cache without __CMPXCHG_DOUBLE:
 * irqs off, the slab's bit spinlock, compare and write both words, unlock. `atomicUnlock`:
 * bit_spin_unlock() (an atomic bit clear, as merged); otherwise __bit_spin_unlock(), a load and a
 * plain store of the whole word (the series in linux-next).
 */
function updateFreelistSlow(atomicUnlock: boolean): KernelFn {
  const unlock: StepDef[] = atomicUnlock
    ? [
        {
          label: "unlock",
          line: "slab_unlock(slab): bit_spin_unlock(PG_locked, &slab->__page_flags)  (an atomic bit clear); preempt_enable()",
          run: (k) => {
            slabUnlock(k, null);
            return undefined;
          },
        },
      ]
    : [
        {
          label: "unlock",
          line: "slab_unlock(slab): __bit_spin_unlock(PG_locked, &slab->__page_flags): old = READ_ONCE(slab->__page_flags)",
          run: (k) => {
            k.L.word = readFlags(k, num(k.L, "page"));
            return undefined;
          },
        },
        {
          line: "old &= ~PG_locked; store old with release semantics; preempt_enable()  (a plain store of the whole word)",
          run: (k) => {
            slabUnlock(k, num(k.L, "word"));
            return undefined;
          },
        },
      ];
  return fn("__update_freelist_slow", [
    {
      line: "slab_update_freelist() without __CMPXCHG_DOUBLE: local_irq_save(flags)",
      run: (k) => {
        irqSave(k, "sflags");
        return undefined;
      },
    },
    {
      label: "lock",
      line: "slab_lock(slab): bit_spin_lock(PG_locked, &slab->__page_flags)  (spins while the bit is set)",
      run: (k) => (slabLock(k) ? undefined : RETRY),
    },
    {
      line: "if (slab->freelist == freelist_old && slab->counters == counters_old) { slab->freelist = freelist_new; slab->counters = counters_new; ret = true; }",
      run: (k) => {
        k.L.ok = cmpxchgDoubleSlab(
          k,
          num(k.L, "page"),
          ref(k.L, "oldFreelist"),
          num(k.L, "oldCounters"),
          ref(k.L, "newFreelist"),
          num(k.L, "newCounters"),
          String(k.L.who),
        );
        if (k.L.ok)
          applyXfer(k, {
            page: num(k.L, "page"),
            oldFreelist: ref(k.L, "oldFreelist"),
            oldCounters: num(k.L, "oldCounters"),
            newFreelist: ref(k.L, "newFreelist"),
            newCounters: num(k.L, "newCounters"),
            xfer: k.L.xfer as Xfer,
            xferRef: ref(k.L, "xferRef"),
            xferSlab: k.L.xferSlab === true,
          });
        return undefined;
      },
    },
    ...unlock,
    {
      line: "local_irq_restore(flags); return ret",
      run: (k) => {
        irqRestore(k, "sflags");
        return ret(k.L.ok === true);
      },
    },
  ]);
}

/**
 * What a successful update hands over, in the same micro-step as the write: the taken freelist
 * to the caller (`ownChain`), or the caller's objects to the slab (`disownChain`, `disownObject`).
 */
type Xfer = "ownChain" | "disownChain" | "disownObject";

interface FreelistUpdate {
  page: number;
  oldFreelist: ObjRef | null;
  oldCounters: number;
  newFreelist: ObjRef | null;
  newCounters: number;
  xfer: Xfer;
  xferRef: ObjRef | null;
  /** The caller also takes the slab (a free into a full slab, on its way to put_cpu_partial). */
  xferSlab: boolean;
}

function applyXfer(k: K, u: FreelistUpdate): void {
  if (u.xfer === "ownChain") ownChain(k, u.xferRef);
  else if (u.xfer === "disownChain") disownChain(k, u.xferRef);
  else disownObject(k, u.xferRef!);
  if (u.xferSlab) ownSlab(k, u.page);
}

/**
 * A step that calls slab_update_freelist(): the double-word cmpxchg in the step itself, or, for a
 * cache without __CMPXCHG_DOUBLE, a call into __update_freelist_slow. `done` gets the result.
 */
function updateFreelistStep(def: {
  label?: string;
  line: string;
  who: string;
  args: (k: K) => FreelistUpdate;
  done: (k: K, ok: boolean) => Next;
}): StepDef {
  return {
    ...(def.label === undefined ? {} : { label: def.label }),
    line: def.line,
    run: (k) => {
      const u = def.args(k);
      if (k.m.cache.slabLock === true)
        return call("__update_freelist_slow", { ...u, who: def.who });
      const ok = cmpxchgDoubleSlab(
        k,
        u.page,
        u.oldFreelist,
        u.oldCounters,
        u.newFreelist,
        u.newCounters,
        def.who,
      );
      if (ok) applyXfer(k, u);
      return def.done(k, ok);
    },
    after: (k, v) => def.done(k, v === true),
  };
}

// --- allocation -------------------------------------------------------------------------------

/** slab_alloc_node() -> __slab_alloc_node(): the lockless fast path (RT goes to the slow path). */
const slabAllocNode = fn("slab_alloc_node", [
  ...cThenTid,
  ...allocFastSteps(true).map((s, i) =>
    i === 1
      ? {
          ...s,
          line: "slab = c->slab; if (!USE_LOCKLESS_FAST_PATH() || !object || !slab || !node_match(slab, node)) __slab_alloc()",
        }
      : s,
  ),
]);

function unlockAndGoto(label: string, line: string): StepDef {
  return {
    line,
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      return goto(label);
    },
  };
}

/** get_freelist(): the cpu slab's own freelist for the cpu freelist; unfreezes it when empty. */
const getFreelist = fn("get_freelist", [
  readSlabWords({
    label: "retry",
    line: "freelist = slab->freelist; counters = slab->counters; VM_BUG_ON(!new.frozen)",
    who: "get_freelist",
    freelist: "freelist",
    counters: "counters",
    expectFrozen: true,
    assertion: "!new.frozen",
  }),
  updateFreelistStep({
    line: "__slab_update_freelist(slab: freelist, counters -> NULL, {inuse = objects, frozen = freelist != NULL})",
    who: "get_freelist",
    args: (k) => {
      const old = num(k.L, "counters");
      const cn = unpackCounters(old);
      return {
        page: num(k.L, "page"),
        oldFreelist: ref(k.L, "freelist"),
        oldCounters: old,
        newFreelist: null,
        newCounters: packCounters({
          inuse: cn.objects,
          objects: cn.objects,
          frozen: ref(k.L, "freelist") !== null,
        }),
        xfer: "ownChain",
        xferRef: ref(k.L, "freelist"),
        xferSlab: false,
      };
    },
    done: (k, ok) => (ok ? ret(ref(k.L, "freelist")) : goto("retry")),
  }),
]);

/** freeze_slab(): one cmpxchg takes a partial slab's whole freelist and freezes it. */
const freezeSlab = fn("freeze_slab", [
  readSlabWords({
    label: "retry",
    line: "freelist = slab->freelist; counters = slab->counters; VM_BUG_ON(new.frozen)",
    who: "freeze_slab",
    freelist: "freelist",
    counters: "counters",
    expectFrozen: false,
  }),
  updateFreelistStep({
    line: "slab_update_freelist(slab: freelist, counters -> NULL, {inuse = objects, frozen = 1})  (retry on failure)",
    who: "freeze_slab",
    args: (k) => {
      const old = num(k.L, "counters");
      const cn = unpackCounters(old);
      return {
        page: num(k.L, "page"),
        oldFreelist: ref(k.L, "freelist"),
        oldCounters: old,
        newFreelist: null,
        newCounters: packCounters({
          inuse: cn.objects,
          objects: cn.objects,
          frozen: true,
        }),
        xfer: "ownChain",
        xferRef: ref(k.L, "freelist"),
        xferSlab: false,
      };
    },
    done: (k, ok) => (ok ? ret(ref(k.L, "freelist")) : goto("retry")),
  }),
]);

const slabAllocSlow = fn("___slab_alloc", [
  {
    line: "stat(s, ALLOC_SLOWPATH)",
    run: (k) => {
      stat(k, "ALLOC_SLOWPATH");
      return undefined;
    },
  },
  {
    label: "reread_slab",
    line: "slab = READ_ONCE(c->slab); if (!slab) goto new_slab",
    run: (k) => {
      const slab = c(k).page;
      k.L.page = slab;
      return slab === null ? goto("new_slab") : undefined;
    },
  },
  {
    line: "if (unlikely(!node_match(slab, node))) { stat(s, ALLOC_NODE_MISMATCH); goto deactivate_slab; }",
    run: (k) => {
      if (!nodeMatch(k, num(k.L, "page"), ref(k.L, "node"))) {
        stat(k, "ALLOC_NODE_MISMATCH");
        return goto("deactivate_slab");
      }
      return undefined;
    },
  },
  {
    line: "if (unlikely(!pfmemalloc_match(slab, gfpflags))) goto deactivate_slab",
    run: (k) =>
      pfmemallocMatch(k, num(k.L, "page"), false).ok
        ? undefined
        : goto("deactivate_slab"),
  },
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "if (unlikely(slab != c->slab)) { local_unlock_irqrestore(); goto reread_slab; }",
    run: (k) =>
      c(k).page !== num(k.L, "page") ? goto("slab_changed") : undefined,
  },
  {
    line: "freelist = c->freelist; if (freelist) goto load_freelist",
    run: (k) => {
      const fl = c(k).freelist;
      k.L.freelist = fl;
      return fl !== null ? goto("load_freelist") : undefined;
    },
  },
  {
    line: "freelist = get_freelist(s, slab)",
    run: (k) => call("get_freelist", { page: num(k.L, "page") }),
    after: (k, v) => {
      k.L.freelist = v;
      if (v !== null) return goto("refill");
      // get_freelist unfroze the exhausted slab: until the next step clears c->slab it is a
      // stale pointer this context is about to drop.
      setOwnsCpuSlab(k, num(k.L, "c"));
      return undefined;
    },
  },
  {
    line: "if (!freelist) { c->slab = NULL; c->tid = next_tid(c->tid);",
    run: (k) => {
      const cs = c(k);
      cs.page = null;
      cs.tid = nextTid(k.m, cs.tid);
      setOwnsCpuSlab(k, null);
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(); stat(s, DEACTIVATE_BYPASS); goto new_slab; }",
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      stat(k, "DEACTIVATE_BYPASS");
      return goto("new_slab");
    },
  },
  {
    label: "refill",
    line: "stat(s, ALLOC_REFILL)",
    run: (k) => {
      stat(k, "ALLOC_REFILL");
      return undefined;
    },
  },
  {
    label: "load_freelist",
    line: "load_freelist: lockdep_assert_held(&s->cpu_slab->lock); VM_BUG_ON(!c->slab->frozen)",
    run: (k) => {
      if (
        !holds(k.a, { kind: "cpuSlab", cpu: num(k.L, "c") }) &&
        k.m.config.lockdep
      )
        report(
          k,
          "vm-bug-on",
          kernelLog(
            "WARNING: lockdep_assert_held(cpu_slab->lock) failed in ___slab_alloc",
          ),
        );
      const slab = c(k).page;
      const frozen = slab !== null && pageAt(k.m, slab)!.frozen;
      if (vmBugOn(k, !frozen, "!c->slab->frozen", slab === null ? [] : [slab]))
        return HALT;
      return undefined;
    },
  },
  {
    line: "c->freelist = get_freepointer(s, freelist)",
    hook: "load",
    run: (k) => {
      const fl = num(k.L, "freelist");
      c(k).freelist = getFreepointer(k, fl);
      disownChain(k, fl);
      ownObject(k, fl);
      return undefined;
    },
  },
  {
    line: "c->tid = next_tid(c->tid)",
    run: (k) => {
      const cs = c(k);
      cs.tid = nextTid(k.m, cs.tid);
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); return freelist",
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      return ret(k.L.freelist ?? null);
    },
  },
  {
    label: "slab_changed",
    ...unlockAndGoto(
      "reread_slab",
      "local_unlock_irqrestore(); goto reread_slab  (c->slab changed under us)",
    ),
  },
  {
    label: "deactivate_slab",
    line: "deactivate_slab: local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "if (slab != c->slab) { local_unlock_irqrestore(); goto reread_slab; }",
    run: (k) =>
      c(k).page !== num(k.L, "page") ? goto("slab_changed") : undefined,
  },
  ...detachCpuSlab("page", "freelist"),
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); deactivate_slab(s, slab, freelist)",
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      return call("deactivate_slab", {
        page: num(k.L, "page"),
        freelist: ref(k.L, "freelist"),
      });
    },
  },
  {
    label: "new_slab",
    line: "new_slab: while (slub_percpu_partial(c)) {  (unlocked peek)",
    run: (k) =>
      hasCpuPartial(k.m) && c(k).partial !== null
        ? undefined
        : goto("new_objects"),
  },
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "if (unlikely(c->slab)) { local_unlock_irqrestore(); goto reread_slab; }",
    run: (k) => (c(k).page !== null ? goto("slab_changed") : undefined),
  },
  {
    line: "if (unlikely(!slub_percpu_partial(c))) { local_unlock_irqrestore(); goto new_objects; }",
    run: (k) => (c(k).partial === null ? goto("partial_gone") : undefined),
  },
  {
    line: "slab = slub_percpu_partial(c); slub_set_percpu_partial(c, slab): c->partial = slab->next",
    run: (k) => {
      const pid = c(k).partial!;
      k.L.page = pid;
      c(k).partial = slabPage(k, pid, "slub_set_percpu_partial").next;
      // Off the list, unfrozen, not yet the cpu slab: this context holds it.
      ownSlab(k, pid);
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); stat(s, CPU_PARTIAL_ALLOC)",
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      stat(k, "CPU_PARTIAL_ALLOC");
      return undefined;
    },
  },
  {
    line: "if (unlikely(!node_match(slab, node) || !pfmemalloc_match(slab, gfpflags))) { slab->next = NULL; __put_partials(s, slab); continue; }",
    run: (k) => {
      const pid = num(k.L, "page");
      if (
        nodeMatch(k, pid, ref(k.L, "node")) &&
        pfmemallocMatch(k, pid, false).ok
      )
        return undefined;
      slabPage(k, pid, "slab->next = NULL").next = null;
      return call("__put_partials", { partial: pid });
    },
    after: () => goto("new_slab"),
  },
  {
    line: "freelist = freeze_slab(s, slab); goto retry_load_slab  }",
    run: (k) => call("freeze_slab", { page: num(k.L, "page") }),
    after: (k, v) => {
      k.L.freelist = v;
      return goto("retry_load_slab");
    },
  },
  {
    label: "partial_gone",
    ...unlockAndGoto(
      "new_objects",
      "local_unlock_irqrestore(); goto new_objects  (partial list emptied under us)",
    ),
  },
  {
    label: "new_objects",
    line: "new_objects: slab = get_partial(s, node, &pc)",
    run: (k) =>
      call("get_partial", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
        c: null,
      }),
    after: (k, v) => {
      const [, slab] = v as [number | null, number | null];
      k.L.page = slab;
      return slab === null ? goto("alloc_new") : undefined;
    },
  },
  {
    line: "if (slab) { freelist = freeze_slab(s, slab); goto retry_load_slab; }",
    run: (k) => call("freeze_slab", { page: num(k.L, "page") }),
    after: (k, v) => {
      k.L.freelist = v;
      return goto("retry_load_slab");
    },
  },
  {
    label: "alloc_new",
    line: "slub_put_cpu_ptr(s->cpu_slab)  (may be preempted and migrated from here)",
    run: (k) => {
      slubPutCpuPtr(k);
      return undefined;
    },
  },
  {
    line: "slab = new_slab(s, gfpflags, node)",
    run: (k) =>
      call("new_slab", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
    after: (k, v) => {
      k.L.page = v;
      return undefined;
    },
  },
  {
    line: "c = slub_get_cpu_ptr(s->cpu_slab); if (unlikely(!slab)) { slab_out_of_memory(); return NULL; }",
    run: (k) => {
      slubGetCpuPtr(k);
      if (k.L.page === null) {
        k.a.note = "slab_out_of_memory: the page allocator has no free page";
        return ret(null);
      }
      return undefined;
    },
  },
  {
    line: "stat(s, ALLOC_SLAB); freelist = slab->freelist; slab->freelist = NULL; slab->inuse = slab->objects; slab->frozen = 1  (private: no cmpxchg)",
    run: (k) => {
      const p = pageAt(k.m, num(k.L, "page"))!;
      stat(k, "ALLOC_SLAB");
      k.L.freelist = p.freelist;
      ownChain(k, p.freelist);
      p.freelist = null;
      p.inuse = p.objects;
      p.frozen = true;
      return undefined;
    },
  },
  {
    line: "if (unlikely(!pfmemalloc_match(slab, gfpflags))) { deactivate_slab(s, slab, get_freepointer(s, freelist)); return freelist; }",
    run: (k) => {
      if (pfmemallocMatch(k, num(k.L, "page"), false).ok) return undefined;
      const fl = num(k.L, "freelist");
      const next = getFreepointer(k, fl);
      disownChain(k, fl);
      ownObject(k, fl);
      ownChain(k, next);
      return call("deactivate_slab", {
        page: num(k.L, "page"),
        freelist: next,
      });
    },
    after: (k) => ret(k.L.freelist ?? null),
  },
  {
    label: "retry_load_slab",
    line: "retry_load_slab: local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "if (unlikely(c->slab)) {  (installed by someone while we were unlocked)",
    run: (k) => (c(k).page === null ? goto("install") : undefined),
  },
  ...detachCpuSlab(
    "flushSlab",
    "flushFreelist",
    "flush_freelist = c->freelist; flush_slab = c->slab",
  ),
  {
    line: "local_unlock_irqrestore(); deactivate_slab(s, flush_slab, flush_freelist); stat(s, CPUSLAB_FLUSH); goto retry_load_slab }",
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      return call("deactivate_slab", {
        page: num(k.L, "flushSlab"),
        freelist: ref(k.L, "flushFreelist"),
      });
    },
    after: (k) => {
      stat(k, "CPUSLAB_FLUSH");
      return goto("retry_load_slab");
    },
  },
  {
    label: "install",
    line: "c->slab = slab; goto load_freelist",
    run: (k) => {
      const slab = num(k.L, "page");
      c(k).page = slab;
      disownSlab(k, slab);
      return goto("load_freelist");
    },
  },
]);

/** new_slab() -> allocate_slab(): a fresh slab, frozen, off every list. */
const newSlab = fn("new_slab", [
  {
    line: "slab = allocate_slab(s, flags, node): alloc_pages(), build the freelist",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") mightSleep(k, "alloc_pages(GFP_KERNEL)");
      const pid = allocPage(k.m, ref(k.L, "node"));
      if (pid === null) return ret(null);
      makeSlab(k, pid);
      pageAt(k.m, pid)!.nodePartial = false;
      return ret(pid);
    },
  },
]);

/**
 * get_partial_node(): under list_lock, take matching slabs off the node list (clearing their
 * flag): the first is returned, further ones go to this CPU's partial list unfrozen, until more
 * than half of cpu_partial_slabs are gathered. Returns [slab, slab] (get_partial's convention).
 */
function getPartialNodeFn(atomicFlags: boolean): KernelFn {
  return fn("get_partial_node", [
    {
      line: "if (!n || !n->nr_partial) return NULL  (racy check)",
      run: (k) => {
        k.L.partial = null;
        k.L.partialSlabs = 0;
        k.L.i = 0;
        return nodeAt(k.m, num(k.L, "node"))!.nrPartial === 0
          ? ret([null, null])
          : undefined;
      },
    },
    {
      line: "spin_lock_irqsave(&n->list_lock, flags)",
      run: (k) => (spinLockNode(k, num(k.L, "node"), true) ? undefined : RETRY),
    },
    ...(atomicFlags
      ? [
          {
            label: "next",
            line: "list_for_each_entry_safe(slab, slab2, &n->partial, slab_list): if (!pfmemalloc_match(slab, pc->flags)) continue; remove_partial(n, slab)",
            run: (k: K) => {
              const pid = nextPartial(k);
              if (pid === undefined) return goto("unlock");
              removePartial(k, num(k.L, "node"), pid);
              ownSlab(k, pid);
              return undefined;
            },
          },
        ]
      : [
          {
            label: "next",
            line: "list_for_each_entry_safe(...): if (!pfmemalloc_match(slab, pc->flags)) continue; remove_partial(n, slab): list_del; __clear_bit(PG_workingset): old = slab->flags",
            run: (k: K) => {
              const pid = nextPartial(k);
              if (pid === undefined) return goto("unlock");
              listOps.removePartial(k, num(k.L, "node"), pid, true);
              ownSlab(k, pid);
              k.L.word = readFlags(k, pid);
              return undefined;
            },
          },
          {
            line: "slab->flags = old & ~PG_workingset  (non-atomic: a plain store of the whole word)",
            run: (k: K) => {
              writeFlags(
                k,
                num(k.L, "page"),
                num(k.L, "word") & ~PG_WORKINGSET,
              );
              return undefined;
            },
          },
        ]),
    {
      line: "if (!partial) { partial = slab; stat(s, ALLOC_FROM_PARTIAL); } else { put_cpu_partial(s, slab, 0); stat(s, CPU_PARTIAL_NODE); partial_slabs++; }",
      run: (k) => {
        const pid = num(k.L, "page");
        if (k.L.partial === null) {
          k.L.partial = pid;
          stat(k, "ALLOC_FROM_PARTIAL");
          return goto("enough");
        }
        return call("put_cpu_partial", { page: pid, drain: false });
      },
      after: (k) => {
        stat(k, "CPU_PARTIAL_NODE");
        k.L.partialSlabs = num(k.L, "partialSlabs") + 1;
        return undefined;
      },
    },
    {
      label: "enough",
      line: "if (!kmem_cache_has_cpu_partial(s) || partial_slabs > s->cpu_partial_slabs / 2) break",
      run: (k) =>
        !hasCpuPartial(k.m) || num(k.L, "partialSlabs") > cpuPartialSlabs(k) / 2
          ? undefined
          : goto("next"),
    },
    {
      label: "unlock",
      line: "spin_unlock_irqrestore(&n->list_lock, flags); return partial",
      run: (k) => {
        spinUnlockNode(k, num(k.L, "node"), true);
        const slab = ref(k.L, "partial");
        return ret([slab, slab]);
      },
    },
  ]);
}

/** The next slab of the node list that get_partial_node may take (`page`), from index `i` on. */
function nextPartial(k: K): number | undefined {
  const n = nodeAt(k.m, num(k.L, "node"))!;
  let i = num(k.L, "i");
  while (i < n.partial.length && !pfmemallocMatch(k, n.partial[i]!, false).ok)
    i++;
  k.L.i = i;
  const pid = n.partial[i];
  if (pid !== undefined) k.L.page = pid;
  return pid;
}

/**
 * deactivate_slab(s, slab, freelist): splice the detached cpu freelist back and unfreeze with one
 * cmpxchg, then (no lock held during the cmpxchg) discard, list or leave the slab.
 */
function deactivateSlabFn(atomicFlags: boolean): KernelFn {
  return fn("deactivate_slab", [
    {
      line: "n = get_node(s, slab_nid(slab)); if (slab->freelist) { stat(s, DEACTIVATE_REMOTE_FREES); tail = DEACTIVATE_TO_TAIL; }",
      run: (k) => {
        const pid = num(k.L, "page");
        const p = slabPage(k, pid, "deactivate_slab");
        k.L.n = pageNode(k, pid);
        k.L.tail = p.freelist !== null;
        if (p.freelist !== null) stat(k, "DEACTIVATE_REMOTE_FREES");
        return undefined;
      },
    },
    {
      line: "stage one: walk the detached freelist, count free_delta, remember freelist_tail",
      run: (k) => {
        let x = ref(k.L, "freelist");
        let delta = 0;
        let tailObj: number | null = null;
        const limit = k.m.cache.objects + 1;
        while (x !== null && delta < limit) {
          const nx = getFreepointer(k, x);
          tailObj = x;
          delta++;
          x = nx;
        }
        k.L.freeDelta = delta;
        k.L.freelistTail = tailObj;
        return undefined;
      },
    },
    readSlabWords({
      label: "redo",
      line: "stage two: old.freelist = READ_ONCE(slab->freelist); old.counters = READ_ONCE(slab->counters); VM_BUG_ON(!old.frozen)",
      who: "deactivate_slab",
      freelist: "oldFreelist",
      counters: "oldCounters",
      expectFrozen: true,
    }),
    {
      line: "new.frozen = 0; if (freelist_tail) { new.inuse -= free_delta; set_freepointer(s, freelist_tail, old.freelist); new.freelist = freelist; } else new.freelist = old.freelist",
      run: (k) => {
        const old = unpackCounters(num(k.L, "oldCounters"));
        const tailObj = ref(k.L, "freelistTail");
        const nw = { ...old, frozen: false };
        if (tailObj !== null) {
          nw.inuse -= num(k.L, "freeDelta");
          setFreepointer(k, tailObj, ref(k.L, "oldFreelist"));
          k.L.newFreelist = ref(k.L, "freelist");
        } else k.L.newFreelist = ref(k.L, "oldFreelist");
        k.L.newInuse = nw.inuse;
        k.L.newCounters = packCounters(nw);
        return undefined;
      },
    },
    updateFreelistStep({
      line: "if (!slab_update_freelist(slab: old -> new)) goto redo",
      who: "deactivate_slab",
      args: (k) => ({
        page: num(k.L, "page"),
        oldFreelist: ref(k.L, "oldFreelist"),
        oldCounters: num(k.L, "oldCounters"),
        newFreelist: ref(k.L, "newFreelist"),
        newCounters: num(k.L, "newCounters"),
        xfer: "disownChain",
        xferRef: ref(k.L, "freelist"),
        xferSlab: false,
      }),
      done: (_k, ok) => (ok ? undefined : goto("redo")),
    }),
    {
      line: "stage three: if (!new.inuse && n->nr_partial >= s->min_partial) { stat(s, DEACTIVATE_EMPTY); discard_slab(s, slab); stat(s, FREE_SLAB); }",
      run: (k) => {
        const n = nodeAt(k.m, num(k.L, "n"))!;
        if (num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial) {
          stat(k, "DEACTIVATE_EMPTY");
          return call("discard_slab", { page: num(k.L, "page") });
        }
        if (ref(k.L, "newFreelist") !== null) return goto("add");
        // Full: on no list (SLUB keeps no full list without debugging).
        disownSlab(k, num(k.L, "page"));
        stat(k, "DEACTIVATE_FULL");
        return ret();
      },
      after: (k) => {
        stat(k, "FREE_SLAB");
        return ret();
      },
    },
    {
      label: "add",
      line: "else if (new.freelist) { spin_lock_irqsave(&n->list_lock, flags);",
      run: (k) => (spinLockNode(k, num(k.L, "n"), true) ? undefined : RETRY),
    },
    ...(atomicFlags
      ? [
          {
            line: "add_partial(n, slab, tail)  (sets the on-node-list flag)",
            run: (k: K) => {
              const pid = num(k.L, "page");
              addPartial(k, num(k.L, "n"), pid, k.L.tail === true);
              disownSlab(k, pid);
              return undefined;
            },
          },
        ]
      : [
          {
            line: "add_partial(n, slab, tail): list_add; __set_bit(PG_workingset): old = slab->flags",
            run: (k: K) => {
              const pid = num(k.L, "page");
              listOps.addPartial(k, num(k.L, "n"), pid, k.L.tail === true);
              k.L.word = readFlags(k, pid);
              return undefined;
            },
          },
          {
            line: "slab->flags = old | PG_workingset  (non-atomic: a plain store of the whole word)",
            run: (k: K) => {
              const pid = num(k.L, "page");
              writeFlags(k, pid, num(k.L, "word") | PG_WORKINGSET);
              disownSlab(k, pid);
              return undefined;
            },
          },
        ]),
    {
      line: "spin_unlock_irqrestore(&n->list_lock, flags); stat(s, tail); }  else stat(s, DEACTIVATE_FULL)",
      run: (k) => {
        spinUnlockNode(k, num(k.L, "n"), true);
        stat(
          k,
          k.L.tail === true ? "DEACTIVATE_TO_TAIL" : "DEACTIVATE_TO_HEAD",
        );
        return ret();
      },
    },
  ]);
}

// --- free -------------------------------------------------------------------------------------

const doSlabFree = fn("do_slab_free", [
  ...cThenTid,
  ...freeFastSteps(true).map((s, i) =>
    i === 0
      ? {
          ...s,
          line: "if (unlikely(slab != c->slab)) { __slab_free(s, slab, head, tail, cnt, addr); return; }",
        }
      : s.label === "rt_changed" || !s.line.includes("page")
        ? s
        : {
            ...s,
            line: s.line.replace("page != c->page", "slab != c->slab"),
          },
  ),
]);

/** __slab_free() of 6.8: the node-list flag, not `frozen`, decides whether lists are touched. */
const slabFree = fn("__slab_free", [
  {
    line: "stat(s, FREE_SLOWPATH)",
    run: (k) => {
      stat(k, "FREE_SLOWPATH");
      k.L.n = null;
      k.L.onNodePartial = false;
      return undefined;
    },
  },
  readSlabWords({
    label: "redo",
    line: "do { prior = slab->freelist; counters = slab->counters;",
    who: "__slab_free",
    freelist: "prior",
    counters: "counters",
  }),
  {
    line: "set_freepointer(s, tail, prior); new.inuse -= cnt; was_frozen = new.frozen; if ((!new.inuse || !prior) && !was_frozen && (!kmem_cache_has_cpu_partial(s) || prior)) lock the node",
    run: (k) => {
      const prior = ref(k.L, "prior");
      setFreepointer(k, num(k.L, "tail"), prior);
      const cn = unpackCounters(num(k.L, "counters"));
      const nw = { ...cn, inuse: cn.inuse - num(k.L, "cnt") };
      k.L.wasFrozen = cn.frozen;
      k.L.newInuse = nw.inuse;
      k.L.newCounters = packCounters(nw);
      const needLock =
        (nw.inuse === 0 || prior === null) &&
        !cn.frozen &&
        (!hasCpuPartial(k.m) || prior !== null);
      return needLock ? undefined : goto("cmpxchg");
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
      k.L.onNodePartial =
        slabPage(k, num(k.L, "page"), "slab_test_node_partial").nodePartial ===
        true;
      return undefined;
    },
  },
  updateFreelistStep({
    label: "cmpxchg",
    line: "} while (!slab_update_freelist(slab: prior, counters -> head, new.counters))",
    who: "__slab_free",
    args: (k) => ({
      page: num(k.L, "page"),
      oldFreelist: ref(k.L, "prior"),
      oldCounters: num(k.L, "counters"),
      newFreelist: num(k.L, "head"),
      newCounters: num(k.L, "newCounters"),
      xfer: "disownObject",
      xferRef: num(k.L, "head"),
      xferSlab:
        k.L.n === null &&
        k.L.wasFrozen !== true &&
        hasCpuPartial(k.m) &&
        ref(k.L, "prior") === null,
    }),
    done: (k, ok) => {
      if (!ok) return k.L.n !== null ? goto("unlock_redo") : goto("redo");
      if (k.L.n !== null) return goto("locked");
      if (k.L.wasFrozen === true) {
        stat(k, "FREE_FROZEN");
        return ret();
      }
      // Was full, now has one free object: unfrozen, on no list until put_cpu_partial links it
      // (the update above handed the slab to this context).
      if (hasCpuPartial(k.m) && ref(k.L, "prior") === null) {
        return goto("to_cpu_partial");
      }
      return ret();
    },
  }),
  {
    label: "to_cpu_partial",
    line: "if (likely(!n)) { ... else if (kmem_cache_has_cpu_partial(s) && !prior) { put_cpu_partial(s, slab, 1); stat(s, CPU_PARTIAL_FREE); } return; }",
    run: (k) =>
      call("put_cpu_partial", { page: num(k.L, "page"), drain: true }),
    after: (k) => {
      stat(k, "CPU_PARTIAL_FREE");
      return ret();
    },
  },
  {
    label: "unlock_redo",
    line: "spin_unlock_irqrestore(&n->list_lock, flags); n = NULL  (cmpxchg failed: retry)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      k.L.n = null;
      return goto("redo");
    },
  },
  {
    label: "locked",
    line: "if (prior && !on_node_partial) { spin_unlock_irqrestore(); return; }  (on some CPU's partial list: no list action)",
    run: (k) => {
      if (ref(k.L, "prior") !== null && k.L.onNodePartial !== true) {
        spinUnlockNode(k, num(k.L, "n"), true);
        if (num(k.L, "newInuse") === 0)
          note(
            k,
            `P${num(k.L, "page")} is empty but off the node list: it stays with the CPU that holds it (its partial list)`,
          );
        return ret();
      }
      return undefined;
    },
  },
  {
    line: "if (unlikely(!new.inuse && n->nr_partial >= s->min_partial)) goto slab_empty",
    run: (k) => {
      const n = nodeAt(k.m, num(k.L, "n"))!;
      return num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial
        ? goto("slab_empty")
        : undefined;
    },
  },
  {
    line: "if (!kmem_cache_has_cpu_partial(s) && unlikely(!prior)) { add_partial(n, slab, DEACTIVATE_TO_TAIL); stat(s, FREE_ADD_PARTIAL); }",
    run: (k) => {
      if (!hasCpuPartial(k.m) && ref(k.L, "prior") === null) {
        addPartial(k, num(k.L, "n"), num(k.L, "page"), true);
        stat(k, "FREE_ADD_PARTIAL");
      }
      return undefined;
    },
  },
  {
    line: "spin_unlock_irqrestore(&n->list_lock, flags); return",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      return ret();
    },
  },
  {
    label: "slab_empty",
    line: "slab_empty: if (prior) { remove_partial(n, slab); stat(s, FREE_REMOVE_PARTIAL); }",
    run: (k) => {
      const pid = num(k.L, "page");
      if (ref(k.L, "prior") !== null) {
        removePartial(k, num(k.L, "n"), pid);
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

// --- per-CPU partial lists --------------------------------------------------------------------

/** put_cpu_partial(s, slab, drain): link an unfrozen slab in; a full list is handed on when draining. */
const putCpuPartial = fn("put_cpu_partial", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "oldslab = this_cpu_read(s->cpu_slab->partial)",
    run: (k) => {
      k.L.c = k.cpu;
      k.L.oldslab = cpuSlab(k, k.cpu).partial;
      k.L.slabs = 0;
      k.L.toPut = null;
      return k.L.oldslab === null ? goto("link") : undefined;
    },
  },
  {
    line: "if (drain && oldslab->slabs >= s->cpu_partial_slabs) { slab_to_put = oldslab; oldslab = NULL; } else slabs = oldslab->slabs",
    run: (k) => {
      const old = slabPage(k, num(k.L, "oldslab"), "put_cpu_partial");
      if (k.L.drain === true && old.pages >= cpuPartialSlabs(k)) {
        k.L.toPut = k.L.oldslab ?? null;
        k.L.oldslab = null;
      } else k.L.slabs = old.pages;
      return undefined;
    },
  },
  {
    label: "link",
    line: "slabs++; slab->slabs = slabs; slab->next = oldslab",
    run: (k) => {
      const p = slabPage(k, num(k.L, "page"), "put_cpu_partial");
      p.pages = num(k.L, "slabs") + 1;
      p.pobjects = 0;
      p.next = ref(k.L, "oldslab");
      return undefined;
    },
  },
  {
    line: "this_cpu_write(s->cpu_slab->partial, slab)",
    run: (k) => {
      for (const pid of chainOf(k.m, ref(k.L, "toPut"))) ownSlab(k, pid);
      cpuSlab(k, num(k.L, "c")).partial = num(k.L, "page");
      disownSlab(k, num(k.L, "page"));
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags)",
    run: (k) => {
      localUnlockIrqrestore(k);
      return k.L.toPut === null ? ret() : undefined;
    },
  },
  {
    line: "if (slab_to_put) { __put_partials(s, slab_to_put); stat(s, CPU_PARTIAL_DRAIN); }",
    run: (k) => call("__put_partials", { partial: num(k.L, "toPut") }),
    after: (k) => {
      stat(k, "CPU_PARTIAL_DRAIN");
      return ret();
    },
  },
]);

/**
 * __put_partials(s, partial_slab): move a detached cpu partial list to the node lists, node by
 * node under list_lock, discarding empty slabs the node does not need. No cmpxchg: the slabs are
 * not frozen.
 */
const putPartialsChain = fn("__put_partials", [
  {
    line: "n = NULL; slab_to_discard = NULL",
    run: (k) => {
      k.L.n = null;
      k.L.discard = null;
      return undefined;
    },
  },
  {
    label: "next_slab",
    line: "while (partial_slab) { slab = partial_slab; partial_slab = slab->next;",
    run: (k) => {
      const pid = ref(k.L, "partial");
      if (pid === null) return goto("done");
      k.L.page = pid;
      k.L.partial = slabPage(k, pid, "__put_partials").next;
      return undefined;
    },
  },
  {
    line: "n2 = get_node(s, slab_nid(slab)); if (n != n2) { if (n) spin_unlock_irqrestore(&n->list_lock, flags);",
    run: (k) => {
      const n2 = pageNode(k, num(k.L, "page"));
      k.L.n2 = n2;
      if (k.L.n === n2) return goto("place");
      if (k.L.n !== null) spinUnlockNode(k, num(k.L, "n"), true);
      k.L.n = null;
      return undefined;
    },
  },
  {
    line: "n = n2; spin_lock_irqsave(&n->list_lock, flags); }",
    run: (k) => {
      if (!spinLockNode(k, num(k.L, "n2"), true)) return RETRY;
      k.L.n = k.L.n2 ?? null;
      return undefined;
    },
  },
  {
    label: "place",
    line: "if (unlikely(!slab->inuse && n->nr_partial >= s->min_partial)) { slab->next = slab_to_discard; slab_to_discard = slab; } else { add_partial(n, slab, DEACTIVATE_TO_TAIL); stat(s, FREE_ADD_PARTIAL); } }",
    run: (k) => {
      const pid = num(k.L, "page");
      const p = slabPage(k, pid, "__put_partials");
      const n = nodeAt(k.m, num(k.L, "n"))!;
      if (p.inuse === 0 && n.nrPartial >= k.m.cache.minPartial) {
        p.next = ref(k.L, "discard");
        k.L.discard = pid;
      } else {
        addPartial(k, n.id, pid, true);
        disownSlab(k, pid);
        stat(k, "FREE_ADD_PARTIAL");
      }
      return goto("next_slab");
    },
  },
  {
    label: "done",
    line: "if (n) spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      if (k.L.n !== null) spinUnlockNode(k, num(k.L, "n"), true);
      k.L.n = null;
      return undefined;
    },
  },
  {
    label: "discard",
    line: "while (slab_to_discard) { slab = slab_to_discard; slab_to_discard = slab_to_discard->next; stat(s, DEACTIVATE_EMPTY); discard_slab(s, slab); stat(s, FREE_SLAB); }",
    run: (k) => {
      const pid = ref(k.L, "discard");
      if (pid === null) return ret();
      k.L.discard = slabPage(k, pid, "slab_to_discard->next").next;
      stat(k, "DEACTIVATE_EMPTY");
      return call("discard_slab", { page: pid });
    },
    after: (k) => {
      stat(k, "FREE_SLAB");
      return goto("discard");
    },
  },
]);

/** put_partials(s): detach this CPU's partial list under the local lock, put it back afterwards. */
const putPartials = fn("put_partials", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "partial_slab = this_cpu_read(s->cpu_slab->partial)",
    run: (k) => {
      k.L.c = k.cpu;
      k.L.partial = cpuSlab(k, k.cpu).partial;
      return undefined;
    },
  },
  {
    line: "this_cpu_write(s->cpu_slab->partial, NULL)",
    run: (k) => {
      for (const pid of chainOf(k.m, ref(k.L, "partial"))) ownSlab(k, pid);
      cpuSlab(k, num(k.L, "c")).partial = null;
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); if (partial_slab) __put_partials(s, partial_slab)",
    run: (k) => {
      localUnlockIrqrestore(k);
      const p = ref(k.L, "partial");
      return p === null ? ret() : call("__put_partials", { partial: p });
    },
    after: () => ret(),
  },
]);

/** put_partials_cpu(s, c): a dead CPU's list, no lock (nobody else touches it). */
const putPartialsCpu = fn("put_partials_cpu", [
  {
    line: "partial_slab = slub_percpu_partial(c)",
    run: (k) => {
      k.L.partial = c(k).partial;
      return undefined;
    },
  },
  {
    line: "c->partial = NULL; if (partial_slab) __put_partials(s, partial_slab)",
    run: (k) => {
      for (const pid of chainOf(k.m, ref(k.L, "partial"))) ownSlab(k, pid);
      c(k).partial = null;
      const p = ref(k.L, "partial");
      return p === null ? ret() : call("__put_partials", { partial: p });
    },
    after: () => ret(),
  },
]);

// --- flushing ---------------------------------------------------------------------------------

const flushSlab = fn("flush_slab", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  ...detachCpuSlab("page", "freelist"),
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); if (slab) { deactivate_slab(s, slab, freelist); stat(s, CPUSLAB_FLUSH); }",
    run: (k) => {
      localUnlockIrqrestore(k);
      const slab = ref(k.L, "page");
      return slab === null
        ? ret()
        : call("deactivate_slab", {
            page: slab,
            freelist: ref(k.L, "freelist"),
          });
    },
    after: (k) => {
      stat(k, "CPUSLAB_FLUSH");
      return ret();
    },
  },
]);

const flushCpuSlabDead = fn("__flush_cpu_slab", [
  {
    line: "c = per_cpu_ptr(s->cpu_slab, cpu); slab = c->slab; freelist = c->freelist",
    run: (k) => {
      k.L.c = num(k.L, "cpu");
      const cs = c(k);
      k.L.freelist = cs.freelist;
      k.L.page = cs.page;
      return undefined;
    },
  },
  {
    line: "c->slab = NULL; c->freelist = NULL; c->tid = next_tid(c->tid)",
    run: (k) => {
      const cs = c(k);
      cs.page = null;
      cs.freelist = null;
      cs.tid = nextTid(k.m, cs.tid);
      ownSlab(k, ref(k.L, "page"));
      ownChain(k, ref(k.L, "freelist"));
      return undefined;
    },
  },
  {
    line: "if (slab) { deactivate_slab(s, slab, freelist); stat(s, CPUSLAB_FLUSH); }",
    run: (k) => {
      const slab = ref(k.L, "page");
      if (slab !== null)
        return call("deactivate_slab", {
          page: slab,
          freelist: ref(k.L, "freelist"),
        });
      const freelist = ref(k.L, "freelist");
      if (freelist !== null) {
        disownChain(k, freelist);
        note(
          k,
          `c->slab is NULL: the freelist at ${fmtObj(k.m, freelist)} is dropped`,
        );
      }
      return undefined;
    },
    after: (k) => {
      stat(k, "CPUSLAB_FLUSH");
      return undefined;
    },
  },
  {
    line: "put_partials_cpu(s, c)",
    run: (k) => call("put_partials_cpu", { c: num(k.L, "c") }),
    after: () => ret(),
  },
]);

const flushCpuSlabWork = fn("flush_cpu_slab", [
  {
    line: "c = this_cpu_ptr(s->cpu_slab); if (c->slab) flush_slab(s, c)",
    run: (k) => {
      k.L.c = k.cpu;
      return c(k).page !== null ? call("flush_slab", { c: k.cpu }) : undefined;
    },
  },
  {
    line: "put_partials(s)",
    run: () => call("put_partials"),
    after: () => ret(),
  },
]);

/**
 * The 6.8 table: the shared glue (discard_slab, get_partial, shrink, hotplug, memcg, page cache)
 * without 5.15's acquire_slab, the teardown paths of 5.15, and the functions above. Without
 * CONFIG_SLUB_CPU_PARTIAL, buildVariant stubs put_cpu_partial.
 */
const v68Common = Object.fromEntries(
  Object.entries(commonFns).filter(([name]) => name !== "acquire_slab"),
);

export const v68Fns: Record<string, KernelFn> = {
  ...v68Common,
  ...teardownCpusLocked,
  ...table([
    slabAllocNode,
    slabAllocWrapper,
    slabAllocSlow,
    getFreelist,
    freezeSlab,
    newSlab,
    doSlabFree,
    slabFree,
    putCpuPartial,
    putPartialsChain,
    putPartials,
    putPartialsCpu,
    flushSlab,
    flushCpuSlabDead,
    flushCpuSlabWork,
    flushAll,
    flushAllCpusLocked,
    slubCpuDead,
  ]),
  ...table([
    getPartialNodeFn(true),
    updateFreelistSlow(true),
    deactivateSlabFn(true),
  ]),
};

/**
 * The series as it was in linux-next (Nov 2023), before "mm/slub: try to fix hangs without
 * cmpxchg64/128" was folded in: the on-node-list flag set and cleared with non-atomic bit
 * operations (the model splits get_partial_node's clear into its load and its store), and
 * slab_unlock() by __bit_spin_unlock(), a load and a plain store of the same word.
 */
export const v68NextFns: Record<string, KernelFn> = {
  ...v68Fns,
  ...table([
    getPartialNodeFn(false),
    updateFreelistSlow(false),
    deactivateSlabFn(false),
  ]),
};
