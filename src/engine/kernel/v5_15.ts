/**
 * SLUB after the 2021 local_lock series, as merged for mainline v5.15 (branch slub-local-lock-v4r4
 * with the fix-ups from the thread): `local_lock_t lock` in kmem_cache_cpu, short irq-off (!RT) or
 * local-lock (RT) sections in ___slab_alloc with a re-check after every unlocked peek,
 * put_cpu_partial under the local lock with the drain done afterwards, flush_all through per-CPU
 * work items with flush_lock taken after cpus_read_lock, and slub_cpu_dead without irq disabling.
 * Functions: slab_alloc_node, __slab_alloc, ___slab_alloc, new_slab, deactivate_slab,
 * do_slab_free, put_cpu_partial, unfreeze_partials, unfreeze_partials_cpu, __unfreeze_partials,
 * flush_slab, __flush_cpu_slab, flush_cpu_slab, flush_all, flush_all_cpus_locked, slub_cpu_dead.
 * Simplified: no debug caches (check_new_page's debug branch), no kfence, no bulk alloc/free; the
 * stage-one walk of deactivate_slab over the detached freelist (private objects) is one step;
 * `stat()` increments ride on the micro-step they follow.
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
  acquire,
  bumpTidIfFixed,
  cmpxchgDoubleCpuFaults,
  cmpxchgDoubleSlab,
  cpuSlab,
  disownChain,
  disownObject,
  disownSlab,
  fmtObj,
  getFreepointer,
  holds,
  localLock,
  localLockIrqsave,
  localUnlock,
  localUnlockIrqrestore,
  migrateDisable,
  migrateEnable,
  mutexLock,
  mutexUnlock,
  nextTid,
  note,
  ownChain,
  ownObject,
  ownSlab,
  packCounters,
  partialTotals,
  preemptDisable,
  preemptEnable,
  release,
  report,
  setFreepointer,
  slabPage,
  spinLockNode,
  spinUnlockNode,
  stat,
  unpackCounters,
  vmBugOn,
  kernelLog,
  stepOutcome,
  countCpuCmpxchg,
  pageAt,
  setWait,
  setOwnsCpuSlab,
  nodeAt,
} from "../prims";
import { schedWrites } from "../schedWrites";
import {
  allocPage,
  chainOf,
  commonFns,
  getPartialNodeFn,
  hasCpuPartial,
  listOps,
  makeSlab,
  mightSleep,
  nodeMatch,
  pageNode,
  pfmemallocMatch,
  readSlabWords,
  slubCpuPartial,
} from "./common";

const c = (k: K) => cpuSlab(k, num(k.L, "c"));

/**
 * Takes the cpu slab off `c` under the local lock: read it, clear c->page and c->freelist, bump
 * the tid (flush_slab and retry_load_page do the same four things). The slab and its freelist
 * belong to this context until deactivate_slab puts them back.
 */
function detachCpuSlab(
  pageVar: string,
  freelistVar: string,
  readLine: string,
): StepDef[] {
  return [
    {
      line: readLine,
      run: (k) => {
        const cs = c(k);
        k.L[freelistVar] = cs.freelist;
        k.L[pageVar] = cs.page;
        return undefined;
      },
    },
    {
      line: "c->page = NULL",
      run: (k) => {
        c(k).page = null;
        ownSlab(k, ref(k.L, pageVar));
        return undefined;
      },
    },
    {
      line: "c->freelist = NULL",
      run: (k) => {
        c(k).freelist = null;
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

/**
 * Keeps the task on this CPU: preempt_disable() on !RT, migrate_disable() on RT (so a
 * higher-priority task can still preempt). The pin of slub_get_cpu_ptr() and pcpu_task_pin().
 */
export function pinTask(k: K): void {
  if (k.m.config.preemptRt) migrateDisable(k);
  else preemptDisable(k);
}
export function unpinTask(k: K): void {
  if (k.m.config.preemptRt) migrateEnable(k);
  else preemptEnable(k);
}

/** slub_get_cpu_ptr(): get_cpu_ptr() on !RT, migrate_disable() + this_cpu_ptr() on RT. */
export function slubGetCpuPtr(k: K): void {
  pinTask(k);
  k.L.c = k.cpu;
}
export const slubPutCpuPtr = unpinTask;

// --- allocation -------------------------------------------------------------------------------

/** Patch 11's order: read `c` first, then the tid through it; the cmpxchg validates the CPU. */
export const cThenTid: StepDef[] = [
  {
    label: "redo",
    line: "c = raw_cpu_ptr(s->cpu_slab)",
    run: (k) => {
      k.L.c = k.cpu;
      return undefined;
    },
  },
  {
    line: "tid = READ_ONCE(c->tid); barrier()",
    run: (k) => {
      k.L.tid = c(k).tid;
      return undefined;
    },
  },
];

/** The lockless allocation fast path after `c` and `tid` are read (label `redo` before it). */
export function allocFastSteps(rtTakesSlowPath: boolean): StepDef[] {
  return [
    {
      line: "object = c->freelist",
      run: (k) => {
        k.L.object = c(k).freelist;
        return undefined;
      },
    },
    {
      line: rtTakesSlowPath
        ? "page = c->page; if (PREEMPT_RT || !object || !page || !node_match(page, node)) __slab_alloc()"
        : "page = c->page; if (!object || !page || !node_match(page, node)) __slab_alloc()",
      run: (k) => {
        const page = c(k).page;
        k.L.page = page;
        const object = ref(k.L, "object");
        if (
          (rtTakesSlowPath && k.m.config.preemptRt) ||
          object === null ||
          page === null ||
          !nodeMatch(k, page, ref(k.L, "node"))
        )
          return call("__slab_alloc", {
            gfp: k.L.gfp ?? null,
            node: k.L.node ?? null,
            c: k.L.c ?? null,
          });
        return undefined;
      },
      after: (_k, v) => ret(v),
    },
    {
      line: "next_object = get_freepointer_safe(s, object)",
      run: (k) => {
        k.L.next = getFreepointer(k, num(k.L, "object"), true);
        return undefined;
      },
    },
    {
      line: "this_cpu_cmpxchg_double(s->cpu_slab->freelist, tid: {object, tid} -> {next_object, next_tid(tid)})",
      run: (k) => {
        // cmpxchg16b faults unless {freelist, tid} is 16-byte aligned (the v4 layout, R9).
        if (cmpxchgDoubleCpuFaults(k)) return HALT;
        // this_cpu_*: relative to the CPU the context runs on now, not to the `c` read above.
        const here = cpuSlab(k, k.cpu);
        const object = num(k.L, "object");
        if (here.freelist === object && here.tid === num(k.L, "tid")) {
          here.freelist = ref(k.L, "next");
          here.tid = nextTid(k.m, here.tid);
          ownObject(k, object);
          countCpuCmpxchg(k, true);
          stat(k, "ALLOC_FASTPATH");
          return ret(object);
        }
        countCpuCmpxchg(k, false);
        stepOutcome(k, "cmpxchgFailed");
        stat(k, "CMPXCHG_DOUBLE_CPU_FAIL");
        return goto("redo");
      },
    },
  ];
}

export const slabAllocNode = fn("slab_alloc_node", [
  ...cThenTid,
  ...allocFastSteps(true),
]);

/** ___slab_alloc(s, gfpflags, node, addr, c) with this frame's gfp, node and c. */
export function callSlabAllocSlow(k: K): Next {
  return call("___slab_alloc", {
    gfp: k.L.gfp ?? null,
    node: k.L.node ?? null,
    c: k.L.c ?? null,
  });
}

export const slabAllocWrapper = fn("__slab_alloc", [
  {
    line: "c = slub_get_cpu_ptr(s->cpu_slab)  (!RT: preempt_disable; RT: migrate_disable)",
    run: (k) => {
      slubGetCpuPtr(k);
      return callSlabAllocSlow(k);
    },
    after: (k, v) => {
      k.L.p = v;
      return undefined;
    },
  },
  {
    line: "slub_put_cpu_ptr(s->cpu_slab); return p",
    run: (k) => {
      slubPutCpuPtr(k);
      return ret(k.L.p ?? null);
    },
  },
]);

function unlockAndGoto(label: string, line: string): StepDef {
  return {
    line,
    // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
    hook: "unlock",
    run: (k) => {
      localUnlockIrqrestore(k);
      return goto(label);
    },
  };
}

/**
 * Steps of ___slab_alloc that read the same in v5.14 and v5.15 (v5.14 composes its own
 * ___slab_alloc from them too).
 */
export const slowSteps = {
  allocSlowpath: {
    line: "stat(s, ALLOC_SLOWPATH)",
    run: (k) => {
      stat(k, "ALLOC_SLOWPATH");
      return undefined;
    },
  } satisfies StepDef,
  readCpuFreelist: {
    line: "freelist = c->freelist; if (freelist) goto load_freelist",
    run: (k) => {
      const fl = c(k).freelist;
      k.L.freelist = fl;
      return fl !== null ? goto("load_freelist") : undefined;
    },
  } satisfies StepDef,
  getFreelistCall: {
    line: "freelist = get_freelist(s, page)",
    run: (k) => call("get_freelist", { page: num(k.L, "page") }),
    after: (k, v) => {
      k.L.freelist = v;
      if (v !== null) return goto("refill");
      // get_freelist unfroze the exhausted page; until c->page is cleared next, c->page is a
      // stale pointer this context is about to drop (a remote free may already re-freeze it).
      setOwnsCpuSlab(k, num(k.L, "c"));
      return undefined;
    },
  } satisfies StepDef,
  refill: {
    label: "refill",
    line: "stat(s, ALLOC_REFILL)",
    run: (k) => {
      stat(k, "ALLOC_REFILL");
      return undefined;
    },
  } satisfies StepDef,
  loadNext: {
    line: "c->freelist = get_freepointer(s, freelist)",
    // load_freelist's write of c->freelist: a kprobe site between the read and the write.
    hook: "load",
    run: (k) => {
      const fl = num(k.L, "freelist");
      const next = getFreepointer(k, fl);
      c(k).freelist = next;
      disownChain(k, fl);
      ownObject(k, fl);
      return undefined;
    },
  } satisfies StepDef,
};

/**
 * The check at A4, on a page read without the lock. v5.15 uses pfmemalloc_match_unsafe(), which
 * does not assert PageSlab; the v4 series as posted used pfmemalloc_match(), whose
 * PageSlabPfmemalloc() asserts it (VM_BUG_ON with CONFIG_DEBUG_VM) on a page that may be gone.
 */
export const pfmemallocPeek = {
  unsafe: {
    line: "if (unlikely(!pfmemalloc_match_unsafe(page, gfpflags))) goto deactivate_slab",
    run: (k) =>
      pfmemallocMatch(k, num(k.L, "page"), false).ok
        ? undefined
        : goto("deactivate_slab"),
  } satisfies StepDef,
  asserting: {
    line: "if (unlikely(!pfmemalloc_match(page, gfpflags))) goto deactivate_slab",
    run: (k) => {
      const r = pfmemallocMatch(k, num(k.L, "page"), true);
      if (r.bug) return HALT;
      return r.ok ? undefined : goto("deactivate_slab");
    },
  } satisfies StepDef,
};

/** ___slab_alloc() of v5.15, or of the v4 series as posted when `peek` is the asserting check. */
export function slabAllocSlowFn(peek: StepDef): KernelFn {
  return fn("___slab_alloc", slabAllocSlowSteps(peek));
}

function slabAllocSlowSteps(peek: StepDef): StepDef[] {
  return [
    slowSteps.allocSlowpath,
    {
      label: "reread_page",
      line: "page = READ_ONCE(c->page); if (!page) goto new_slab",
      run: (k) => {
        const page = c(k).page;
        k.L.page = page;
        return page === null ? goto("new_slab") : undefined;
      },
    },
    {
      label: "redo",
      line: "if (unlikely(!node_match(page, node))) { stat(s, ALLOC_NODE_MISMATCH); goto deactivate_slab; }",
      run: (k) => {
        if (!nodeMatch(k, num(k.L, "page"), ref(k.L, "node"))) {
          stat(k, "ALLOC_NODE_MISMATCH");
          return goto("deactivate_slab");
        }
        return undefined;
      },
    },
    peek,
    {
      line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
      run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
    },
    {
      line: "if (unlikely(page != c->page)) { local_unlock_irqrestore(); goto reread_page; }",
      run: (k) =>
        c(k).page !== num(k.L, "page") ? goto("page_changed") : undefined,
    },
    slowSteps.readCpuFreelist,
    slowSteps.getFreelistCall,
    {
      line: "if (!freelist) { c->page = NULL; ...  (no tid bump unless the 2022 fix is applied)",
      run: (k) => {
        c(k).page = null;
        setOwnsCpuSlab(k, null);
        bumpTidIfFixed(k, c(k));
        return undefined;
      },
    },
    {
      line: "... local_unlock_irqrestore(); stat(s, DEACTIVATE_BYPASS); goto new_slab; }",
      // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
      hook: "unlock",
      run: (k) => {
        localUnlockIrqrestore(k);
        stat(k, "DEACTIVATE_BYPASS");
        return goto("new_slab");
      },
    },
    slowSteps.refill,
    {
      label: "load_freelist",
      line: "lockdep_assert_held(&s->cpu_slab->lock); VM_BUG_ON(!c->page->frozen)",
      run: (k) => {
        if (
          !holds(k.a, { kind: "cpuSlab", cpu: num(k.L, "c") }) &&
          k.m.config.lockdep
        ) {
          report(
            k,
            "vm-bug-on",
            kernelLog(
              `WARNING: lockdep_assert_held(cpu_slab->lock) failed in ___slab_alloc`,
            ),
          );
        }
        const page = c(k).page;
        const frozen = page !== null && pageAt(k.m, page)!.frozen;
        if (
          vmBugOn(k, !frozen, "!c->page->frozen", page === null ? [] : [page])
        )
          return HALT;
        return undefined;
      },
    },
    slowSteps.loadNext,
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
      // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
      hook: "unlock",
      run: (k) => {
        localUnlockIrqrestore(k);
        return ret(k.L.freelist ?? null);
      },
    },
    {
      label: "page_changed",
      ...unlockAndGoto(
        "reread_page",
        "local_unlock_irqrestore(); goto reread_page  (c->page changed under us)",
      ),
    },
    {
      label: "deactivate_slab",
      line: "deactivate_slab: local_lock_irqsave(&s->cpu_slab->lock, flags)",
      run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
    },
    {
      line: "if (page != c->page) { local_unlock_irqrestore(); goto reread_page; }",
      run: (k) =>
        c(k).page !== num(k.L, "page") ? goto("page_changed") : undefined,
    },
    {
      line: "freelist = c->freelist",
      run: (k) => {
        k.L.freelist = c(k).freelist;
        return undefined;
      },
    },
    {
      line: "c->page = NULL  (no tid bump here: see the advanced scenario on missing TID updates)",
      run: (k) => {
        c(k).page = null;
        ownSlab(k, num(k.L, "page"));
        return undefined;
      },
    },
    {
      line: "c->freelist = NULL  (no tid bump unless the 2022 fix is applied)",
      run: (k) => {
        c(k).freelist = null;
        bumpTidIfFixed(k, c(k));
        ownChain(k, ref(k.L, "freelist"));
        return undefined;
      },
    },
    {
      line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); deactivate_slab(s, page, freelist)",
      // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
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
      line: "new_slab: if (slub_percpu_partial(c)) {  (unlocked peek)",
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
      line: "if (unlikely(c->page)) { local_unlock_irqrestore(); goto reread_page; }",
      run: (k) => (c(k).page !== null ? goto("page_changed") : undefined),
    },
    {
      line: "if (unlikely(!slub_percpu_partial(c))) { local_unlock_irqrestore(); goto new_objects; }",
      run: (k) => (c(k).partial === null ? goto("partial_gone") : undefined),
    },
    {
      line: "page = slub_percpu_partial(c)",
      run: (k) => {
        k.L.page = c(k).partial;
        return undefined;
      },
    },
    {
      // A separate write: on RT the holder of the local lock can be preempted between the two.
      line: "c->page = page",
      run: (k) => {
        // Only a store: a NULL page (c->partial emptied behind the lock's back) oopses on the next step's read.
        c(k).page = ref(k.L, "page");
        // Until the next step the page is both c->page and the head of c->partial.
        setOwnsCpuSlab(k, num(k.L, "c"));
        return undefined;
      },
    },
    {
      line: "slub_set_percpu_partial(c, page): c->partial = page->next",
      run: (k) => {
        const p = slabPage(k, num(k.L, "page"), "slub_set_percpu_partial");
        c(k).partial = p.next;
        setOwnsCpuSlab(k, null);
        return undefined;
      },
    },
    {
      line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); stat(s, CPU_PARTIAL_ALLOC); goto redo",
      // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
      hook: "unlock",
      run: (k) => {
        localUnlockIrqrestore(k);
        stat(k, "CPU_PARTIAL_ALLOC");
        return goto("redo");
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
      line: "new_objects: freelist = get_partial(s, gfpflags, node, &page)",
      run: (k) =>
        call("get_partial", {
          gfp: k.L.gfp ?? null,
          node: k.L.node ?? null,
          c: null,
        }),
      after: (k, v) => {
        const [freelist, page] = v as [number | null, number | null];
        k.L.freelist = freelist;
        if (freelist !== null) {
          k.L.page = page;
          return goto("check_new_page");
        }
        return undefined;
      },
    },
    {
      line: "slub_put_cpu_ptr(s->cpu_slab)  (may be preempted and migrated from here)",
      run: (k) => {
        slubPutCpuPtr(k);
        return undefined;
      },
    },
    {
      line: "page = new_slab(s, gfpflags, node)",
      run: (k) =>
        call("new_slab", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
      after: (k, v) => {
        k.L.page = v;
        return undefined;
      },
    },
    {
      line: "c = slub_get_cpu_ptr(s->cpu_slab); if (unlikely(!page)) { slab_out_of_memory(); return NULL; }",
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
      line: "freelist = page->freelist; page->freelist = NULL; stat(s, ALLOC_SLAB)  (new page: no cmpxchg)",
      run: (k) => {
        const p = pageAt(k.m, num(k.L, "page"))!;
        k.L.freelist = p.freelist;
        ownChain(k, p.freelist);
        p.freelist = null;
        stat(k, "ALLOC_SLAB");
        return undefined;
      },
    },
    {
      label: "check_new_page",
      line: "check_new_page: if (unlikely(!pfmemalloc_match(page, gfpflags))) goto return_single",
      run: (k) =>
        pfmemallocMatch(k, num(k.L, "page"), true).ok
          ? undefined
          : goto("return_single"),
    },
    {
      label: "retry_load_page",
      line: "retry_load_page: local_lock_irqsave(&s->cpu_slab->lock, flags)",
      run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
    },
    {
      line: "if (unlikely(c->page)) {  (installed by someone while irqs were on)",
      run: (k) => (c(k).page === null ? goto("install") : undefined),
    },
    ...detachCpuSlab(
      "flushPage",
      "flushFreelist",
      "flush_freelist = c->freelist; flush_page = c->page",
    ),
    {
      line: "local_unlock_irqrestore(); deactivate_slab(s, flush_page, flush_freelist); stat(s, CPUSLAB_FLUSH); goto retry_load_page }",
      // A tracepoint ahead of the unlock (kernel/nolock.ts re-enters there).
      hook: "unlock",
      run: (k) => {
        localUnlockIrqrestore(k);
        return call("deactivate_slab", {
          page: num(k.L, "flushPage"),
          freelist: ref(k.L, "flushFreelist"),
        });
      },
      after: (k) => {
        stat(k, "CPUSLAB_FLUSH");
        return goto("retry_load_page");
      },
    },
    {
      label: "install",
      line: "c->page = page; goto load_freelist",
      run: (k) => {
        const page = num(k.L, "page");
        c(k).page = page;
        disownSlab(k, page);
        return goto("load_freelist");
      },
    },
    {
      label: "return_single",
      line: "return_single: deactivate_slab(s, page, get_freepointer(s, freelist)); return freelist",
      run: (k) => {
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
  ];
}

export const slabAllocSlow = slabAllocSlowFn(pfmemallocPeek.unsafe);

/** new_slab() -> allocate_slab(): irqs stay as the caller has them (on, since patch 15). */
export const newSlab = fn("new_slab", [
  {
    line: "page = allocate_slab(s, flags, node): alloc_pages(), build the freelist, inuse = objects, frozen = 1",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") mightSleep(k, "alloc_pages(GFP_KERNEL)");
      const pid = allocPage(k.m, ref(k.L, "node"));
      if (pid === null) return ret(null);
      makeSlab(k, pid);
      return ret(pid);
    },
  },
]);

/**
 * deactivate_slab(): splice the detached cpu freelist back, unfreeze, and put the slab where it
 * belongs (node partial list, nowhere when full, or back to the page allocator when empty).
 * `irqsave` selects the v5.15 locking; v5.14 builds its own variant from the same steps.
 */
export function deactivateSlabSteps(v514: boolean): StepDef[] {
  return [
    {
      line: "n = get_node(s, page_to_nid(page)); if (page->freelist) { stat(s, DEACTIVATE_REMOTE_FREES); tail = DEACTIVATE_TO_TAIL; }",
      run: (k) => {
        const pid = num(k.L, "page");
        if (v514) {
          // v5.14 reads c->page / c->freelist itself and clears them at the end.
          setOwnsCpuSlab(k, num(k.L, "c"));
          ownSlab(k, pid);
          ownChain(k, ref(k.L, "freelist"));
        }
        const p = slabPage(k, pid, "deactivate_slab");
        k.L.n = pageNode(k, pid);
        k.L.tail = p.freelist !== null;
        if (p.freelist !== null) stat(k, "DEACTIVATE_REMOTE_FREES");
        k.L.lock = false;
        k.L.l = "none";
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
      line: "old.freelist = READ_ONCE(page->freelist); old.counters = READ_ONCE(page->counters); VM_BUG_ON(!old.frozen)",
      who: "deactivate_slab",
      freelist: "oldFreelist",
      counters: "oldCounters",
      expectFrozen: true,
    }),
    {
      line: "if (freelist_tail) { new.inuse -= free_delta; set_freepointer(s, freelist_tail, old.freelist); new.freelist = freelist; } new.frozen = 0",
      run: (k) => {
        const old = unpackCounters(num(k.L, "oldCounters"));
        const tailObj = ref(k.L, "freelistTail");
        const nw = { ...old, frozen: false };
        if (tailObj !== null) {
          nw.inuse -= num(k.L, "freeDelta");
          setFreepointer(k, tailObj, ref(k.L, "oldFreelist"));
          k.L.newFreelist = ref(k.L, "freelist");
        } else {
          k.L.newFreelist = ref(k.L, "oldFreelist");
        }
        k.L.newInuse = nw.inuse;
        k.L.newCounters = packCounters(nw);
        return undefined;
      },
    },
    {
      line: "m = !new.inuse && n->nr_partial >= s->min_partial ? M_FREE : new.freelist ? M_PARTIAL : M_FULL",
      run: (k) => {
        const n = nodeAt(k.m, num(k.L, "n"))!;
        const mode =
          num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial
            ? "free"
            : ref(k.L, "newFreelist") !== null
              ? "partial"
              : "full";
        k.L.mode = mode;
        return mode === "partial" && k.L.lock !== true
          ? undefined
          : goto("move");
      },
    },
    {
      line: v514
        ? "if (!lock) { lock = 1; spin_lock(&n->list_lock); }"
        : "if (!lock) { lock = 1; spin_lock_irqsave(&n->list_lock, flags); }",
      run: (k) => {
        if (!spinLockNode(k, num(k.L, "n"), !v514)) return RETRY;
        k.L.lock = true;
        return undefined;
      },
    },
    {
      label: "move",
      line: "if (l != m) { remove_partial / remove_full for l; add_partial(n, page, tail) for M_PARTIAL }",
      run: (k) => {
        const l = k.L.l;
        const mode = k.L.mode;
        const pid = num(k.L, "page");
        if (l !== mode) {
          if (l === "partial") listOps.removePartial(k, num(k.L, "n"), pid);
          if (mode === "partial")
            listOps.addPartial(k, num(k.L, "n"), pid, k.L.tail === true);
        }
        k.L.l = mode ?? null;
        return undefined;
      },
    },
    {
      line: v514
        ? "if (!__cmpxchg_double_slab(page: old -> new)) goto redo"
        : "if (!cmpxchg_double_slab(page: old -> new)) goto redo",
      run: (k) => {
        const pid = num(k.L, "page");
        if (
          !cmpxchgDoubleSlab(
            k,
            pid,
            ref(k.L, "oldFreelist"),
            num(k.L, "oldCounters"),
            ref(k.L, "newFreelist"),
            num(k.L, "newCounters"),
            "deactivate_slab",
          )
        )
          return goto("redo");
        disownChain(k, ref(k.L, "freelist"));
        if (k.L.mode !== "free") disownSlab(k, pid);
        return k.L.lock === true ? undefined : goto("stats");
      },
    },
    {
      line: v514
        ? "if (lock) spin_unlock(&n->list_lock)"
        : "if (lock) spin_unlock_irqrestore(&n->list_lock, flags)",
      run: (k) => {
        spinUnlockNode(k, num(k.L, "n"), !v514);
        return undefined;
      },
    },
    {
      label: "stats",
      line: "M_PARTIAL: stat(s, tail); M_FULL: stat(s, DEACTIVATE_FULL); M_FREE: stat(s, DEACTIVATE_EMPTY); discard_slab(s, page); stat(s, FREE_SLAB)",
      run: (k) => {
        const mode = k.L.mode;
        if (mode === "partial")
          stat(
            k,
            k.L.tail === true ? "DEACTIVATE_TO_TAIL" : "DEACTIVATE_TO_HEAD",
          );
        else if (mode === "full") stat(k, "DEACTIVATE_FULL");
        else {
          stat(k, "DEACTIVATE_EMPTY");
          return call("discard_slab", { page: num(k.L, "page") });
        }
        return v514 ? undefined : ret();
      },
      after: (k) => {
        stat(k, "FREE_SLAB");
        return v514 ? undefined : ret();
      },
    },
  ];
}

export const deactivateSlab = fn("deactivate_slab", deactivateSlabSteps(false));

// --- free -------------------------------------------------------------------------------------

/** __slab_free(s, page, head, tail, cnt, addr) with this frame's page, head, tail and cnt. */
export function callSlabFree(k: K): Next {
  return call("__slab_free", {
    page: k.L.page ?? null,
    head: k.L.head ?? null,
    tail: k.L.tail ?? null,
    cnt: k.L.cnt ?? 1,
  });
}

/** do_slab_free(): v5.15 lockless fast path on !RT, local_lock on RT. */
/** The lockless free fast path after `c` and `tid` are read; RT takes the local lock at `rt`. */
export function freeFastSteps(rtTakesLock: boolean): StepDef[] {
  return [
    {
      line: "if (likely(page == c->page)) { ... } else __slab_free(s, page, head, tail_obj, cnt, addr)",
      run: (k) => {
        if (c(k).page === num(k.L, "page"))
          return rtTakesLock && k.m.config.preemptRt ? goto("rt") : undefined;
        return callSlabFree(k);
      },
      after: () => ret(),
    },
    {
      line: "freelist = READ_ONCE(c->freelist)",
      run: (k) => {
        k.L.freelist = c(k).freelist;
        return undefined;
      },
    },
    {
      line: "set_freepointer(s, tail_obj, freelist)",
      run: (k) => {
        setFreepointer(k, num(k.L, "tail"), ref(k.L, "freelist"));
        return undefined;
      },
    },
    {
      line: "this_cpu_cmpxchg_double(s->cpu_slab->freelist, tid: {freelist, tid} -> {head, next_tid(tid)})",
      run: (k) => {
        if (cmpxchgDoubleCpuFaults(k)) return HALT;
        const here = cpuSlab(k, k.cpu);
        if (
          here.freelist === ref(k.L, "freelist") &&
          here.tid === num(k.L, "tid")
        ) {
          here.freelist = num(k.L, "head");
          here.tid = nextTid(k.m, here.tid);
          disownObject(k, num(k.L, "head"));
          countCpuCmpxchg(k, true);
          stat(k, "FREE_FASTPATH");
          return ret();
        }
        countCpuCmpxchg(k, false);
        stepOutcome(k, "cmpxchgFailed");
        stat(k, "CMPXCHG_DOUBLE_CPU_FAIL");
        return goto("redo");
      },
    },
    {
      label: "rt",
      line: "PREEMPT_RT: local_lock(&s->cpu_slab->lock)",
      run: (k) => (localLock(k) ? undefined : RETRY),
    },
    {
      line: "c = this_cpu_ptr(s->cpu_slab); if (unlikely(page != c->page)) { local_unlock(); goto redo; }",
      run: (k) => {
        k.L.c = k.cpu;
        return c(k).page !== num(k.L, "page") ? goto("rt_changed") : undefined;
      },
    },
    {
      line: "tid = c->tid; freelist = c->freelist",
      run: (k) => {
        const cs = c(k);
        k.L.tid = cs.tid;
        k.L.freelist = cs.freelist;
        return undefined;
      },
    },
    {
      line: "set_freepointer(s, tail_obj, freelist)",
      run: (k) => {
        setFreepointer(k, num(k.L, "tail"), ref(k.L, "freelist"));
        return undefined;
      },
    },
    {
      line: "c->freelist = head",
      run: (k) => {
        c(k).freelist = num(k.L, "head");
        disownObject(k, num(k.L, "head"));
        return undefined;
      },
    },
    {
      line: "c->tid = next_tid(tid)",
      run: (k) => {
        c(k).tid = nextTid(k.m, num(k.L, "tid"));
        return undefined;
      },
    },
    {
      line: "local_unlock(&s->cpu_slab->lock); stat(s, FREE_FASTPATH)",
      run: (k) => {
        localUnlock(k);
        stat(k, "FREE_FASTPATH");
        return ret();
      },
    },
    {
      label: "rt_changed",
      line: "local_unlock(&s->cpu_slab->lock); goto redo",
      run: (k) => {
        localUnlock(k);
        return goto("redo");
      },
    },
  ];
}

export const doSlabFree = fn("do_slab_free", [
  ...cThenTid,
  ...freeFastSteps(true),
]);

// --- per-CPU partial lists ----------------------------------------------------------------------

/**
 * Steps of the put_cpu_partial() versions that read the same: the cmpxchg-loop head and totals
 * of v5.14 and the RT tree, and the linking of the new head in every version.
 */
export const cpuPartialSteps = {
  loopHead: {
    label: "loop",
    line: "do { pages = 0; pobjects = 0; oldpage = this_cpu_read(s->cpu_slab->partial);",
    run: (k) => {
      k.L.pages = 0;
      k.L.pobjects = 0;
      k.L.oldpage = cpuSlab(k, k.cpu).partial;
      return k.L.oldpage === null ? goto("link") : undefined;
    },
  } satisfies StepDef,
  readTotals: {
    line: "if (oldpage) { pobjects = oldpage->pobjects; pages = oldpage->pages;",
    run: (k) => {
      const t = partialTotals(k, num(k.L, "oldpage"));
      k.L.pobjects = t.pobjects;
      k.L.pages = t.pages;
      return k.L.drain === true && t.pobjects > slubCpuPartial(k.m)
        ? undefined
        : goto("link");
    },
  } satisfies StepDef,
  link: {
    label: "link",
    line: "pages++; pobjects += page->objects - page->inuse; page->pages = pages; page->pobjects = pobjects; page->next = oldpage",
    run: (k) => {
      const p = slabPage(k, num(k.L, "page"), "put_cpu_partial");
      p.pages = num(k.L, "pages") + 1;
      p.pobjects = num(k.L, "pobjects") + (p.objects - p.inuse);
      p.next = ref(k.L, "oldpage");
      return undefined;
    },
  } satisfies StepDef,
};

/** put_cpu_partial() after patch 33/35: one local-lock section, the drain done after it. */
export const putCpuPartial = fn("put_cpu_partial", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "oldpage = this_cpu_read(s->cpu_slab->partial)",
    run: (k) => {
      k.L.c = k.cpu;
      k.L.oldpage = cpuSlab(k, k.cpu).partial;
      k.L.pages = 0;
      k.L.pobjects = 0;
      k.L.toUnfreeze = null;
      return k.L.oldpage === null ? goto("link") : undefined;
    },
  },
  {
    line: "if (drain && oldpage->pobjects > slub_cpu_partial(s)) { page_to_unfreeze = oldpage; oldpage = NULL; } else { pobjects = oldpage->pobjects; pages = oldpage->pages; }",
    run: (k) => {
      const t = partialTotals(k, num(k.L, "oldpage"));
      if (k.L.drain === true && t.pobjects > slubCpuPartial(k.m)) {
        k.L.toUnfreeze = k.L.oldpage ?? null;
        k.L.oldpage = null;
      } else {
        k.L.pobjects = t.pobjects;
        k.L.pages = t.pages;
      }
      return undefined;
    },
  },
  cpuPartialSteps.link,
  {
    line: "this_cpu_write(s->cpu_slab->partial, page)",
    run: (k) => {
      const here = cpuSlab(k, num(k.L, "c"));
      const detached = ref(k.L, "toUnfreeze");
      // The old chain leaves c->partial here: it belongs to this context until unfrozen.
      for (const pid of chainOf(k.m, detached)) ownSlab(k, pid);
      here.partial = num(k.L, "page");
      disownSlab(k, num(k.L, "page"));
      return undefined;
    },
  },
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags)",
    run: (k) => {
      localUnlockIrqrestore(k);
      return k.L.toUnfreeze === null ? ret() : undefined;
    },
  },
  {
    line: "if (page_to_unfreeze) { __unfreeze_partials(s, page_to_unfreeze); stat(s, CPU_PARTIAL_DRAIN); }",
    run: (k) =>
      call("__unfreeze_partials", { partial: num(k.L, "toUnfreeze") }),
    after: (k) => {
      stat(k, "CPU_PARTIAL_DRAIN");
      return ret();
    },
  },
]);

/** Without CONFIG_SLUB_CPU_PARTIAL put_cpu_partial is an empty stub. */
export const putCpuPartialStub = fn("put_cpu_partial", [
  {
    line: "put_cpu_partial(): empty without CONFIG_SLUB_CPU_PARTIAL",
    run: () => ret(),
  },
]);

/**
 * __unfreeze_partials(): unfreeze a detached chain, node by node under list_lock (irqsave), add
 * each slab to its node's partial list, and discard empty ones beyond min_partial afterwards.
 */
export function unfreezeLoopSteps(opts: {
  irqsave: boolean;
  pop: "detached" | "cpu";
  /** Steps around the discard loop (Mike Galbraith's v2 drops the local lock there). */
  aroundDiscard?: { before: StepDef; after: StepDef };
}): StepDef[] {
  const lockLine = opts.irqsave
    ? "spin_lock_irqsave(&n->list_lock, flags)"
    : "spin_lock(&n->list_lock)";
  const unlockLine = opts.irqsave
    ? "spin_unlock_irqrestore(&n->list_lock, flags)"
    : "spin_unlock(&n->list_lock)";
  const popStep: StepDef[] =
    opts.pop === "detached"
      ? [
          {
            label: "next_page",
            line: "while (partial_page) { page = partial_page; partial_page = page->next;",
            run: (k) => {
              const pid = ref(k.L, "partial");
              if (pid === null) return goto("done");
              k.L.page = pid;
              k.L.partial = slabPage(k, pid, "__unfreeze_partials").next;
              return goto("node");
            },
          },
        ]
      : [
          {
            label: "next_page",
            line: "while ((page = slub_percpu_partial(c))) {",
            run: (k) => {
              const pid = c(k).partial;
              if (pid === null) return goto("done");
              k.L.page = pid;
              return undefined;
            },
          },
          {
            line: "slub_set_percpu_partial(c, page): c->partial = page->next",
            run: (k) => {
              const pid = num(k.L, "page");
              c(k).partial = slabPage(k, pid, "unfreeze_partials").next;
              ownSlab(k, pid);
              return goto("node");
            },
          },
        ];
  return [
    {
      line: "n = NULL; discard_page = NULL",
      run: (k) => {
        k.L.n = null;
        k.L.discard = null;
        return goto("next_page");
      },
    },
    ...popStep,
    {
      label: "node",
      line: `n2 = get_node(s, page_to_nid(page)); if (n != n2) { if (n) ${unlockLine};`,
      run: (k) => {
        const n2 = pageNode(k, num(k.L, "page"));
        k.L.n2 = n2;
        if (k.L.n === n2) return goto("unfreeze");
        if (k.L.n === null) return goto("lock");
        spinUnlockNode(k, num(k.L, "n"), opts.irqsave);
        k.L.n = null;
        return undefined;
      },
    },
    {
      label: "lock",
      line: `n = n2; ${lockLine}; }`,
      run: (k) => {
        if (!spinLockNode(k, num(k.L, "n2"), opts.irqsave)) return RETRY;
        k.L.n = k.L.n2 ?? null;
        return undefined;
      },
    },
    readSlabWords({
      label: "unfreeze",
      line: "old.freelist = page->freelist; old.counters = page->counters; VM_BUG_ON(!old.frozen); new = old; new.frozen = 0",
      who: "unfreeze_partials",
      freelist: "oldFreelist",
      counters: "oldCounters",
      expectFrozen: true,
    }),
    {
      line: "__cmpxchg_double_slab(page: old -> new)  (until it succeeds)",
      run: (k) => {
        const old = num(k.L, "oldCounters");
        const nw = { ...unpackCounters(old), frozen: false };
        k.L.newInuse = nw.inuse;
        const ok = cmpxchgDoubleSlab(
          k,
          num(k.L, "page"),
          ref(k.L, "oldFreelist"),
          old,
          ref(k.L, "oldFreelist"),
          packCounters(nw),
          "unfreezing slab",
        );
        return ok ? undefined : goto("unfreeze");
      },
    },
    {
      line: "if (!new.inuse && n->nr_partial >= s->min_partial) { page->next = discard_page; discard_page = page; } else { add_partial(n, page, DEACTIVATE_TO_TAIL); stat(s, FREE_ADD_PARTIAL); }",
      run: (k) => {
        const pid = num(k.L, "page");
        const n = nodeAt(k.m, num(k.L, "n"))!;
        if (num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial) {
          // The discard list is linked through page->next, newest first.
          slabPage(k, pid, "page->next = discard_page").next = ref(
            k.L,
            "discard",
          );
          k.L.discard = pid;
        } else {
          listOps.addPartial(k, n.id, pid, true);
          disownSlab(k, pid);
          stat(k, "FREE_ADD_PARTIAL");
        }
        return goto("next_page");
      },
    },
    {
      label: "done",
      line: `if (n) ${unlockLine}`,
      run: (k) => {
        if (k.L.n !== null) spinUnlockNode(k, num(k.L, "n"), opts.irqsave);
        k.L.n = null;
        return undefined;
      },
    },
    ...(opts.aroundDiscard ? [opts.aroundDiscard.before] : []),
    {
      label: "discard",
      line: "while (discard_page) { page = discard_page; discard_page = discard_page->next; stat(s, DEACTIVATE_EMPTY); discard_slab(s, page); stat(s, FREE_SLAB); }",
      run: (k) => {
        const pid = ref(k.L, "discard");
        if (pid === null) return opts.aroundDiscard ? undefined : ret();
        k.L.discard = slabPage(k, pid, "discard_page->next").next;
        stat(k, "DEACTIVATE_EMPTY");
        return call("discard_slab", { page: pid });
      },
      after: (k) => {
        stat(k, "FREE_SLAB");
        return goto("discard");
      },
    },
    ...(opts.aroundDiscard ? [opts.aroundDiscard.after] : []),
  ];
}

export const unfreezePartialsChain = fn(
  "__unfreeze_partials",
  unfreezeLoopSteps({ irqsave: true, pop: "detached" }),
);

/** unfreeze_partials(): detach this CPU's chain under the local lock, unfreeze it afterwards. */
export const unfreezePartials = fn("unfreeze_partials", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  {
    line: "partial_page = this_cpu_read(s->cpu_slab->partial)",
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
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); if (partial_page) __unfreeze_partials(s, partial_page)",
    run: (k) => {
      localUnlockIrqrestore(k);
      const p = ref(k.L, "partial");
      return p === null ? ret() : call("__unfreeze_partials", { partial: p });
    },
    after: () => ret(),
  },
]);

/** unfreeze_partials_cpu(): for a dead CPU, nobody else can touch its kmem_cache_cpu. */
export const unfreezePartialsCpu = fn("unfreeze_partials_cpu", [
  {
    line: "partial_page = slub_percpu_partial(c)",
    run: (k) => {
      k.L.partial = c(k).partial;
      return undefined;
    },
  },
  {
    line: "c->partial = NULL; if (partial_page) __unfreeze_partials(s, partial_page)",
    run: (k) => {
      for (const pid of chainOf(k.m, ref(k.L, "partial"))) ownSlab(k, pid);
      c(k).partial = null;
      const p = ref(k.L, "partial");
      return p === null ? ret() : call("__unfreeze_partials", { partial: p });
    },
    after: () => ret(),
  },
]);

export const unfreezeStub = (name: string): KernelFn =>
  fn(name, [
    {
      line: `${name}(): empty without CONFIG_SLUB_CPU_PARTIAL`,
      run: () => ret(),
    },
  ]);

// --- flushing ---------------------------------------------------------------------------------

/** flush_slab() on this CPU: take the cpu slab under the local lock, deactivate it outside. */
export const flushSlab = fn("flush_slab", [
  {
    line: "local_lock_irqsave(&s->cpu_slab->lock, flags)",
    run: (k) => (localLockIrqsave(k) ? undefined : RETRY),
  },
  ...detachCpuSlab(
    "page",
    "freelist",
    "page = c->page; freelist = c->freelist",
  ),
  {
    line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); if (page) { deactivate_slab(s, page, freelist); stat(s, CPUSLAB_FLUSH); }",
    run: (k) => {
      localUnlockIrqrestore(k);
      const page = ref(k.L, "page");
      // Re-read under the lock: a preempting allocation may have emptied c->page meanwhile.
      return page === null
        ? ret()
        : call("deactivate_slab", { page, freelist: ref(k.L, "freelist") });
    },
    after: (k) => {
      stat(k, "CPUSLAB_FLUSH");
      return ret();
    },
  },
]);

/** __flush_cpu_slab(): a dead CPU's slabs, without any lock (only the hotplug thread looks). */
export const flushCpuSlabDead = fn("__flush_cpu_slab", [
  {
    line: "c = per_cpu_ptr(s->cpu_slab, cpu); freelist = c->freelist; page = c->page",
    run: (k) => {
      k.L.c = num(k.L, "cpu");
      const cs = c(k);
      k.L.freelist = cs.freelist;
      k.L.page = cs.page;
      return undefined;
    },
  },
  {
    line: "c->page = NULL; c->freelist = NULL; c->tid = next_tid(c->tid)",
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
    line: "if (page) { deactivate_slab(s, page, freelist); stat(s, CPUSLAB_FLUSH); }",
    run: (k) => {
      const page = ref(k.L, "page");
      if (page !== null)
        return call("deactivate_slab", {
          page,
          freelist: ref(k.L, "freelist"),
        });
      // A freelist without a page (a fast-path free pushed onto a stale c->freelist, R18) is
      // simply dropped: its objects leak.
      const freelist = ref(k.L, "freelist");
      if (freelist !== null) {
        disownChain(k, freelist);
        note(
          k,
          `c->page is NULL: the freelist at ${fmtObj(k.m, freelist)} is dropped`,
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
    line: "unfreeze_partials_cpu(s, c)",
    run: (k) => call("unfreeze_partials_cpu", { c: num(k.L, "c") }),
    after: () => ret(),
  },
]);

/** flush_cpu_slab(): the work item, run by the CPU's kworker (preemptible, migration disabled). */
export const flushCpuSlabWork = fn("flush_cpu_slab", [
  {
    line: "c = this_cpu_ptr(s->cpu_slab); if (c->page) flush_slab(s, c)",
    run: (k) => {
      k.L.c = k.cpu;
      return c(k).page !== null ? call("flush_slab", { c: k.cpu }) : undefined;
    },
  },
  {
    line: "unfreeze_partials(s)",
    run: () => call("unfreeze_partials"),
    after: () => ret(),
  },
]);

/** has_cpu_slab(): an unlocked read of another CPU's kmem_cache_cpu. */
export function hasCpuSlab(k: K, cpu: number): boolean {
  const cs = cpuSlab(k, cpu);
  return cs.page !== null || (hasCpuPartial(k.m) && cs.partial !== null);
}

/** flush_all(): cpus_read_lock() first, then flush_lock (the fix for the memory-offline splat). */
export const flushAll = fn("flush_all", [
  {
    line: "cpus_read_lock()",
    run: (k) =>
      acquire(k, { kind: "cpuHotplug", write: false }, "sleep")
        ? undefined
        : RETRY,
  },
  {
    line: "flush_all_cpus_locked(s)",
    run: () => call("flush_all_cpus_locked"),
  },
  {
    line: "cpus_read_unlock()",
    run: (k) => {
      release(k, { kind: "cpuHotplug", write: false });
      return ret();
    },
  },
]);

export const flushAllCpusLocked = fn("flush_all_cpus_locked", [
  {
    line: "lockdep_assert_cpus_held(); mutex_lock(&flush_lock)",
    run: (k) => {
      const m = k.m;
      if (
        !m.locks.cpuHotplugReaders.includes(k.a.id) &&
        m.locks.cpuHotplugWriter !== k.a.id &&
        m.config.lockdep &&
        k.a.wait === null
      ) {
        report(
          k,
          "vm-bug-on",
          kernelLog(
            `WARNING: lockdep_assert_cpus_held() failed in flush_all_cpus_locked`,
          ),
        );
      }
      if (!mutexLock(k, { kind: "flushLock" })) return RETRY;
      k.L.cpu = 0;
      k.L.queued = [];
      return undefined;
    },
  },
  {
    label: "queue",
    line: "for_each_online_cpu(cpu): if (!has_cpu_slab(cpu, s)) skip; else schedule_work_on(cpu, &sfw->work)",
    run: (k) => {
      const m = k.m;
      let cpu = num(k.L, "cpu");
      while (cpu < m.cpus.length && !m.cpus[cpu]!.online) cpu++;
      if (cpu >= m.cpus.length) return goto("wait");
      k.L.cpu = cpu + 1;
      if (!hasCpuSlab(k, cpu)) return goto("queue");
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
  {
    label: "wait",
    line: "for_each_online_cpu(cpu): if (!sfw->skip) flush_work(&sfw->work)",
    run: (k) => {
      const q = k.L.queued as number[];
      if (q.length === 0) return undefined;
      const [actor, op] = [q[0]!, q[1]!];
      const w = k.m.actors[actor]!;
      if (w.op > op) {
        q.splice(0, 2);
        setWait(k.a, null);
        return goto("wait");
      }
      if (k.a.wait === null) mightSleep(k, "flush_work()");
      setWait(k.a, { kind: "work", actor, op });
      stepOutcome(k, "blocked");
      return RETRY;
    },
  },
  {
    line: "mutex_unlock(&flush_lock)",
    site: "flushLockUnlock",
    run: (k) => {
      mutexUnlock(k, { kind: "flushLock" });
      return ret();
    },
  },
]);

/** slub_cpu_dead(): the hotplug thread flushes the dead CPU's slabs, irqs left on. */
export const slubCpuDead = fn("slub_cpu_dead", [
  {
    line: "mutex_lock(&slab_mutex)",
    run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry(s, &slab_caches, list): __flush_cpu_slab(s, cpu)",
    site: "cpuDeadFlush",
    run: (k) => call("__flush_cpu_slab", { cpu: num(k.L, "cpu") }),
  },
  {
    line: "mutex_unlock(&slab_mutex)",
    run: (k) => {
      mutexUnlock(k, { kind: "slabMutex" });
      return ret();
    },
  },
]);

export const v515Fns: Record<string, KernelFn> = {
  ...commonFns,
  ...table([
    slabAllocNode,
    slabAllocWrapper,
    slabAllocSlow,
    getPartialNodeFn({ irqsave: true, installCpuPage: false }),
    newSlab,
    deactivateSlab,
    doSlabFree,
    putCpuPartial,
    unfreezePartials,
    unfreezePartialsChain,
    unfreezePartialsCpu,
    flushSlab,
    flushCpuSlabDead,
    flushCpuSlabWork,
    flushAll,
    flushAllCpusLocked,
    slubCpuDead,
  ]),
};
