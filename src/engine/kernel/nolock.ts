/**
 * kmalloc_nolock() and kfree_nolock(): "[PATCH 6/6] slab: Introduce kmalloc_nolock() and
 * kfree_nolock()" as reviewed in May 2025 (v1, seed 001: Alexei Starovoitov's reply to Vlastimil
 * Babka's review; the digest is domain notes §2). Allocation from any context, NMI included,
 * rests on one test: local_lock_is_locked() on the bucket's cpu_slab->lock.
 *
 * Functions: kmalloc_nolock (K1-K9 of the notes), __slab_alloc with the -EBUSY test (S1-S5),
 * get_partial_node with spin_trylock when it may not spin, new_slab -> allocate_slab ->
 * alloc_slab_page with alloc_pages_nolock (v1: then put_page_testzero; the fix:
 * alloc_frozen_pages_nolock), kfree_nolock -> do_slab_free with cnt == 0 (D1-D3),
 * free_deferred_objects, and the compaction scanner's isolate_migratepages_block (one pfn:
 * get_page_unless_zero, not movable, put_page).
 *
 * Variants, all on the base the series applied to (v6.15-rc, bpf-next):
 *   v6.15-nolock-noguard  (analysis) v1 without its context checks: no local_lock_is_locked()
 *                           test in kmalloc_nolock, __slab_alloc or do_slab_free, and no refusal
 *                           on PREEMPT_RT from NMI or hardirq. What the checks are there for.
 *   v6.15-nolock-v1         the patch as reviewed: the checks, and alloc_pages_nolock() followed
 *                           by put_page_testzero(), which briefly makes a refcounted page.
 *   v6.15-nolock-v1-irqs    (outside the seed) v1 with Harry Yoo's candidate for a later review:
 *                           kmalloc_nolock's locked test also when irqs are disabled, so a kprobe
 *                           inside an irq-off slow path is caught too.
 *   v6.15-nolock-v1-frozen  v1 with the fix Vlastimil asked for and v2 (July 2025) made:
 *                           alloc_frozen_pages_nolock(), so the page is never refcounted.
 *
 * Simplified: the 2025 struct slab and its paths are modelled with the 5.15-era SLUB core
 * (kernel/v5_15.ts: the same c->freelist/tid pair and the same local_lock sections, which is
 * where v1 hooks in; cpu partial slabs stay frozen as in 5.15, although since v6.8 they are not); local_lock_irqsave_check() is
 * local_lock_irqsave() (they differ only with CONFIG_DEBUG_LOCK_ALLOC); `allow_spin` is derived
 * from the operation the actor runs (kmalloc_nolock or kfree_nolock), as the kernel derives it
 * from the gfp flags passed down; NUMA node hints, kasan, kmsan, memcg and alloc-tag hooks are
 * not modelled; the other kmalloc buckets are counted, not modelled (kernel/kmalloc.ts);
 * deactivate_slab still takes n->list_lock (an NMI never reaches it in these scenarios).
 * Sources: seed 001 (Alexei Starovoitov's reply of 6 May 2025, quoting Vlastimil's review and the
 * v1 diff: kmalloc_nolock_noprof, __slab_alloc's -EBUSY test, alloc_slab_page, do_slab_free's
 * deferral) and the domain notes §2. What the notes mark as v1 text outside the seed (the -EBUSY
 * retry with object_size + 1, get_partial_node's trylock, do_slab_free's locked test in the fast
 * path, free_deferred_objects) is modelled from the notes.
 * Same-task re-entry (R1-2) happens where the series' fuzzing harness re-enters: a tracepoint
 * just before each local_unlock_irqrestore() of ___slab_alloc runs kmalloc_nolock() once when the
 * allocation asks for it (`alloc.reenter`).
 * Not modelled: kfree_nolock from an NMI on PREEMPT_RT (the model would take the sleeping
 * lock), SLUB_TINY and debug caches (which never reach the deferral).
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
  type K,
  type KernelFn,
  type StepDef,
  type FnTable,
} from "../program";
import type { VariantName } from "../variants";
import { USER_DATA, type Value } from "../types";
import {
  cpuOf,
  cpuSlab,
  disownObject,
  fmtPage,
  indexOf,
  lockAvailable,
  note,
  ownObject,
  pageOf,
  report,
  spinLockNode,
  kernelLog,
  countTrylockFail,
  pageAt,
} from "../prims";
import {
  allocPage,
  freeToPageAllocator,
  getPartialNodeFn,
  makeSlab,
  mightSleep,
} from "./common";
import {
  KMALLOC_MAX_CACHE_SIZE,
  kmallocSlab,
  pageRefcount,
  setPageRefcount,
  writeDeferLine,
} from "./kmalloc";
import { teardownCpusLocked } from "./teardown";
import { slotToWrite } from "../slots";
import {
  callSlabAllocSlow,
  callSlabFree,
  cThenTid,
  freeFastSteps,
  slubGetCpuPtr,
  slubPutCpuPtr,
  v515Fns,
} from "./v5_15";

/** The internal signal of __slab_alloc to kmalloc_nolock: never returned to a caller. */
export const EBUSY = "-EBUSY";

/** kmalloc_nolock's alloc_gfp: no __GFP_RECLAIM bit, so gfpflags_allow_spinning() is false. */
export const ALLOC_GFP = "__GFP_NOWARN | __GFP_NOMEMALLOC";

/** gfpflags_allow_spinning(gfp), from the gfp the caller passed down. */
function allowSpin(k: K): boolean {
  return k.L.gfp !== ALLOC_GFP;
}

export function inNmi(k: K): boolean {
  return k.a.kind === "nmi";
}

/**
 * local_lock_is_locked(&s->cpu_slab->lock) on this CPU. !RT: the lock is "acquired" (irqs off
 * by whoever holds it; only an NMI can observe that). RT: locked by the current task.
 */
export function localLockIsLocked(k: K): boolean {
  const holder = cpuSlab(k, k.cpu).lock;
  if (k.m.config.preemptRt) return holder === k.a.id;
  return holder !== null;
}

interface Opts {
  /** The local_lock_is_locked() tests and the RT refusal from NMI/hardirq. */
  guard: boolean;
  /** alloc_frozen_pages_nolock() instead of alloc_pages_nolock() + put_page_testzero(). */
  frozenPages: boolean;
  /** Harry Yoo's candidate: kmalloc_nolock's test also fires with irqs disabled, not only in NMI. */
  irqsGuard?: boolean;
  /**
   * The function kmalloc_nolock calls: slab_alloc_node (default; the 5.15 core's has no hooks to
   * skip) or __slab_alloc_node (v6.18, whose slab_alloc_node would try the sheaves first).
   */
  entry?: "slab_alloc_node" | "__slab_alloc_node";
  /**
   * What a cache with slub_debug goes to instead of `entry` (v6.18: the debug branches of
   * ___slab_alloc, kernel/v6_18.ts; a debug cache has no cpu slab to try first).
   */
  debugEntry?: "___slab_alloc_debug";
}

// --- kmalloc_nolock -----------------------------------------------------------------------------

export function kmallocNolockFn(o: Opts): KernelFn {
  const steps: StepDef[] = [
    {
      line: "alloc_gfp = __GFP_NOWARN | __GFP_NOMEMALLOC | gfp_flags; can_retry = true; ret = ERR_PTR(-EBUSY); if (size > KMALLOC_MAX_CACHE_SIZE) return NULL",
      run: (k) => {
        k.L.gfp = ALLOC_GFP;
        k.L.canRetry = true;
        k.L.ret = EBUSY;
        return num(k.L, "size") > KMALLOC_MAX_CACHE_SIZE
          ? ret(null)
          : undefined;
      },
    },
  ];
  if (o.guard)
    steps.push({
      line: "if (!USE_LOCKLESS_FAST_PATH() && (in_nmi() || in_hardirq())) return NULL  (PREEMPT_RT: not supported from irq)",
      run: (k) => {
        if (k.m.config.preemptRt && (inNmi(k) || k.a.kind === "irq")) {
          note(
            k,
            "NULL (ENOMEM): PREEMPT_RT refuses kmalloc_nolock from NMI or hardirq",
          );
          k.a.note =
            "kmalloc_nolock() returned NULL: PREEMPT_RT refuses NMI and hardirq callers";
          return ret(null);
        }
        return undefined;
      },
    });
  steps.push(
    {
      label: "retry",
      line: "s = kmalloc_slab(size, NULL, alloc_gfp, _RET_IP_)",
      run: (k) => {
        const st = k.m.nolock!;
        const b = kmallocSlab(st, num(k.L, "size"));
        if (b < 0) {
          // The retry's size + 1 above the largest bucket (Harry Yoo's remark on v1).
          k.a.note = `no kmalloc bucket serves ${num(k.L, "size")} bytes`;
          return ret(null);
        }
        k.L.bucket = b;
        return undefined;
      },
    },
    {
      line: "if (!(s->flags & __CMPXCHG_DOUBLE)) return NULL  (needs cmpxchg16b)",
      run: (k) => {
        if (k.m.nolock!.cmpxchgDouble) return undefined;
        k.a.note =
          "kmalloc_nolock() returned NULL: the cache has no __CMPXCHG_DOUBLE";
        return ret(null);
      },
    },
    {
      line: o.irqsGuard
        ? "if (!(in_nmi() || irqs_disabled()) || !local_lock_is_locked(&s->cpu_slab->lock)) ret = __slab_alloc_node(s, alloc_gfp, node, _RET_IP_, size)"
        : o.guard
          ? "if (!in_nmi() || !local_lock_is_locked(&s->cpu_slab->lock)) ret = __slab_alloc_node(s, alloc_gfp, node, _RET_IP_, size)"
          : "ret = __slab_alloc_node(s, alloc_gfp, node, _RET_IP_, size)",
      calls: [
        o.entry ?? "slab_alloc_node",
        ...(o.debugEntry ? [o.debugEntry] : []),
      ],
      run: (k) => {
        const b = k.m.nolock!.buckets[num(k.L, "bucket")]!;
        if (!b.modelled) {
          // Nobody holds this bucket's local lock: it serves the request at once.
          b.allocated++;
          k.L.ret = `an object of ${b.name}`;
          return goto("check");
        }
        const atomicCtx =
          inNmi(k) || (o.irqsGuard === true && cpuOf(k).irqsOff);
        if (o.guard && atomicCtx && localLockIsLocked(k)) {
          note(k, `local_lock_is_locked(${b.name}): -EBUSY`);
          return goto("check");
        }
        const target =
          o.debugEntry !== undefined && k.m.config.slubDebug
            ? o.debugEntry
            : (o.entry ?? "slab_alloc_node");
        return call(target, {
          gfp: k.L.gfp ?? null,
          node: null,
        });
      },
      after: (k, v) => {
        k.L.ret = v;
        return undefined;
      },
    },
    {
      label: "check",
      line: "if (ret == ERR_PTR(-EBUSY)) { if (can_retry) { size = s->object_size + 1; can_retry = false; goto retry; } ret = NULL; }",
      run: (k) => {
        if (k.L.ret !== EBUSY) return undefined;
        if (k.L.canRetry === true) {
          const b = k.m.nolock!.buckets[num(k.L, "bucket")]!;
          k.L.size = b.size + 1;
          k.L.canRetry = false;
          return goto("retry");
        }
        k.L.ret = null;
        return undefined;
      },
    },
    {
      line: "maybe_wipe_obj_freeptr(); slab_post_alloc_hook() (no kmemleak: it takes locks); return ret",
      run: (k) => ret(k.L.ret ?? null),
    },
  );
  return fn("kmalloc_nolock", steps);
}

/**
 * __slab_alloc(): with !allow_spin, -EBUSY when this CPU's lock of the bucket is held. Not v5.15's
 * slabAllocWrapper with a step added: there slub_get_cpu_ptr() and the call share one step, here
 * the test sits between them, so the pin is a step of its own on every variant of this file
 * (the pinned scenarios' step numbers count it).
 */
function slabAllocWrapperFn(o: Opts): KernelFn {
  const steps: StepDef[] = [
    {
      line: "c = slub_get_cpu_ptr(s->cpu_slab)  (!RT: preempt_disable; RT: migrate_disable)",
      run: (k) => {
        slubGetCpuPtr(k);
        return undefined;
      },
    },
  ];
  if (o.guard)
    steps.push({
      line: "if (!allow_spin && local_lock_is_locked(&s->cpu_slab->lock)) { p = ERR_PTR(-EBUSY); goto out; }",
      run: (k) => {
        if (!allowSpin(k) && localLockIsLocked(k)) {
          note(k, "local_lock_is_locked: -EBUSY");
          k.L.p = EBUSY;
          return goto("out");
        }
        return undefined;
      },
    });
  steps.push(
    {
      line: "p = ___slab_alloc(s, gfpflags, node, addr, c, orig_size)",
      run: callSlabAllocSlow,
      after: (k, v) => {
        k.L.p = v;
        return undefined;
      },
    },
    {
      label: "out",
      line: "out: slub_put_cpu_ptr(s->cpu_slab); return p",
      run: (k) => {
        slubPutCpuPtr(k);
        return ret(k.L.p ?? null);
      },
    },
  );
  return fn("__slab_alloc", steps);
}

/** get_partial_node() of v5.15 whose lock step is a trylock when the caller may not spin. */
const getPartialNodeTrylock: KernelFn = (() => {
  const base = getPartialNodeFn({ irqsave: true, installCpuPage: false });
  const steps = base.steps.map((s, i): StepDef => {
    if (i !== 1) return s;
    return {
      line: "if (!allow_spin) { if (!spin_trylock_irqsave(&n->list_lock, flags)) return NULL; } else spin_lock_irqsave(&n->list_lock, flags)",
      run: (k) => {
        const node = num(k.L, "node");
        if (
          !allowSpin(k) &&
          !k.a.wait &&
          !lockAvailable(k.m, { kind: "listLock", node }, k.a.id)
        ) {
          note(k, "trylock failed");
          countTrylockFail(k);
          return ret([null, null]);
        }
        return spinLockNode(k, node, true) ? undefined : RETRY;
      },
    };
  });
  return fn("get_partial_node", steps);
})();

/** new_slab() -> allocate_slab() -> alloc_slab_page(), with the nolock page allocation. */
function newSlabFn(o: Opts): KernelFn {
  return fn("new_slab", [
    {
      line: o.frozenPages
        ? "alloc_slab_page(): if (unlikely(!allow_spin)) page = alloc_frozen_pages_nolock(0, node, order)  (refcount 0)  else alloc_frozen_pages()"
        : "alloc_slab_page(): if (unlikely(!allow_spin)) page = alloc_pages_nolock(__GFP_COMP, node, order)  (refcount 1)  else alloc_frozen_pages()",
      run: (k) => {
        if (allowSpin(k) && k.L.gfp === "GFP_KERNEL")
          mightSleep(k, "alloc_pages(GFP_KERNEL)");
        const pid = allocPage(k.m, ref(k.L, "node"));
        if (pid === null) return ret(null);
        k.L.pid = pid;
        if (allowSpin(k) || o.frozenPages) return goto("build");
        setPageRefcount(k.m, pid, 1);
        return undefined;
      },
    },
    {
      line: 'if (p) put_page_testzero(p)  ("Make the page frozen. Drop refcnt to zero." The result is not checked)',
      run: (k) => {
        const pid = num(k.L, "pid");
        setPageRefcount(k.m, pid, Math.max(0, pageRefcount(k.m, pid) - 1));
        return undefined;
      },
    },
    {
      label: "build",
      line: "allocate_slab(): build the freelist, inuse = objects, frozen = 1",
      run: (k) => {
        const pid = num(k.L, "pid");
        makeSlab(k, pid);
        return ret(pid);
      },
    },
  ]);
}

/**
 * ___slab_alloc of v5.15 with a tracepoint before each local_unlock_irqrestore(), where Alexei's
 * fuzzing harness re-enters ("if (debug_callback) debug_callback();" ahead of the unlock). When
 * the running allocation asks for it (`alloc.reenter`), a BPF program there calls
 * kmalloc_nolock() once, in the same task, with the local lock still held (R1-2). With
 * `reenter.at: "load"` the probe sits on load_freelist's write of c->freelist instead, between
 * the slow path's read and write of the (freelist, tid) pair: Harry Yoo's kprobe case (R1-5).
 */
const slabAllocSlowProbed: KernelFn = (() => {
  const base = v515Fns["___slab_alloc"]!;
  const steps = base.steps.map((sd): StepDef => {
    // The steps that declare a hook site (v5_15.ts): the unlocks' tracepoints and load_freelist.
    const site = sd.hook;
    if (site === undefined) return sd;
    return {
      ...sd,
      run: (k) => {
        const op = k.a.ops[k.a.op];
        if (
          op?.kind === "alloc" &&
          op.reenter &&
          (op.reenter.at ?? "unlock") === site &&
          k.L.reentered !== true &&
          !k.a.frames.some((f) => f.fn === "kmalloc_nolock")
        ) {
          k.L.reentered = true;
          note(
            k,
            `${site === "load" ? "kprobe" : "tracepoint"}: a BPF program calls kmalloc_nolock(${op.reenter.size}) in ${k.a.name}`,
          );
          return call("kmalloc_nolock", {
            size: op.reenter.size,
            gfp: null,
            node: null,
          });
        }
        return sd.run(k);
      },
      after: (k, v) => {
        if (k.L.reentered === true && k.L.reentryDone !== true) {
          // Back from the BPF program: store its object, then run the probed step itself.
          k.L.reentryDone = true;
          const op = k.a.ops[k.a.op];
          if (op?.kind === "alloc" && op.reenter)
            storeReentry(k, op.reenter.slot, v);
          return RETRY;
        }
        return sd.after ? sd.after(k, v) : undefined;
      },
    };
  });
  return fn("___slab_alloc", steps);
})();

/** What the BPF program does with kmalloc_nolock's result: keep it in `slot`. */
function storeReentry(k: K, slot: string, v: Value): void {
  if (typeof v === "number") {
    slotToWrite(k.m, slot)!.push(v);
    disownObject(k, v);
    const p = pageAt(k.m, pageOf(k.m, v))!;
    if (p.use === "slab") p.fp[indexOf(k.m, v)] = USER_DATA;
  } else if (typeof v === "string") k.a.note = `${slot}: ${v}`;
  else k.a.note = `${slot}: kmalloc_nolock() returned NULL`;
}

// --- kfree_nolock -------------------------------------------------------------------------------

export const kfreeNolock = fn("kfree_nolock", [
  {
    line: "kfree_nolock(x): slab = virt_to_slab(x); memcg and alloc-tag free hooks (no kmemleak, debug checks or kfence: they take locks); do_slab_free(s, slab, x, x, 0, _RET_IP_)",
    run: (k) =>
      call("do_slab_free", {
        page: k.L.page ?? null,
        head: k.L.head ?? null,
        tail: k.L.tail ?? null,
        cnt: 0,
      }),
    after: () => ret(),
  },
]);

/** llist_add(head, &s->defer_free_objects): one cmpxchg on the list head. */
function deferFree(k: K): void {
  const x = num(k.L, "head");
  k.m.nolock!.deferFreeObjects.unshift(x);
  writeDeferLine(k.m, k.cpu);
  disownObject(k, x);
  note(k, "deferred");
}

function doSlabFreeFn(o: Opts): KernelFn {
  const fastRest = freeFastSteps(true).slice(1);
  const steps: StepDef[] = [
    ...cThenTid,
    {
      line: "if (unlikely(slab != c->slab)) {",
      run: (k) =>
        cpuSlab(k, num(k.L, "c")).page === num(k.L, "page")
          ? goto("fast")
          : undefined,
    },
    {
      line: 'if (!cnt) { llist_add(head, &s->defer_free_objects); return; }  ("cnt == 0 signals that it\'s called from kfree_nolock()")',
      run: (k) => {
        if (num(k.L, "cnt") !== 0) return undefined;
        if (!k.m.nolock) return undefined;
        deferFree(k);
        return ret();
      },
    },
    {
      line: "free_deferred_objects(&s->defer_free_objects, addr)",
      run: () => call("free_deferred_objects", {}),
    },
    {
      line: "__slab_free(s, slab, head, tail, cnt, addr); return; }",
      run: callSlabFree,
      after: () => ret(),
    },
    {
      label: "fast",
      line: o.guard
        ? "if (!cnt) { if ((in_nmi() || !USE_LOCKLESS_FAST_PATH()) && local_lock_is_locked(&s->cpu_slab->lock)) { llist_add(head, &s->defer_free_objects); return; } cnt = 1; }"
        : "if (!cnt) cnt = 1",
      run: (k) => {
        if (num(k.L, "cnt") === 0) {
          if (
            o.guard &&
            k.m.nolock &&
            (inNmi(k) || k.m.config.preemptRt) &&
            localLockIsLocked(k)
          ) {
            deferFree(k);
            return ret();
          }
          k.L.cnt = 1;
        }
        return k.m.config.preemptRt ? goto("rt") : undefined;
      },
    },
    ...fastRest,
  ];
  return fn("do_slab_free", steps);
}

/** free_deferred_objects(): take the whole llist and __slab_free each object. */
const freeDeferredObjects = fn("free_deferred_objects", [
  {
    line: "if (llist_empty(llhead)) return",
    run: (k) =>
      (k.m.nolock?.deferFreeObjects.length ?? 0) === 0 ? ret() : undefined,
  },
  {
    line: "llnode = llist_del_all(llhead)  (one xchg of the head)",
    run: (k) => {
      const st = k.m.nolock!;
      const taken = st.deferFreeObjects;
      st.deferFreeObjects = [];
      writeDeferLine(k.m, k.cpu);
      for (const x of taken) ownObject(k, x);
      k.L.pos = taken;
      return undefined;
    },
  },
  {
    label: "loop",
    line: "llist_for_each_safe(pos, t, llnode) { x = pos; slab = virt_to_slab(x); __slab_free(s, slab, x, x, 1, addr); }",
    run: (k) => {
      const pos = k.L.pos as number[];
      const x = pos[0];
      if (x === undefined) return ret();
      k.L.pos = pos.slice(1);
      return call("__slab_free", {
        page: pageOf(k.m, x),
        head: x,
        tail: x,
        cnt: 1,
      });
    },
    after: () => goto("loop"),
  },
]);

// --- the compaction scanner ---------------------------------------------------------------------

/**
 * isolate_migratepages_block() on one pfn (mm/compaction.c): a pfn scanner meets every page,
 * whoever owns it, and pins it with get_page_unless_zero() before it looks closer.
 */
export const isolateMigratepagesBlock = fn("isolate_migratepages_block", [
  {
    line: "page = pfn_to_page(low_pfn); if (!get_page_unless_zero(page)) goto isolate_fail  (refcount 0: free or frozen)",
    run: (k) => {
      const pid = num(k.L, "pfn");
      if (pid >= k.m.pages.length) return ret();
      const rc = pageRefcount(k.m, pid);
      if (rc === 0) {
        note(k, `${fmtPage(pid)} has refcount 0: skipped`);
        return ret();
      }
      setPageRefcount(k.m, pid, rc + 1);
      return undefined;
    },
  },
  {
    line: "if (!PageLRU(page)) goto isolate_fail_put  (not a page compaction can migrate)",
    run: () => undefined,
  },
  {
    line: "isolate_fail_put: put_page(page)  (the last reference frees the page)",
    run: (k) => {
      const pid = num(k.L, "pfn");
      const rc = pageRefcount(k.m, pid) - 1;
      setPageRefcount(k.m, pid, Math.max(0, rc));
      if (rc > 0) return ret();
      const p = pageAt(k.m, pid)!;
      if (k.m.freePages.includes(pid)) return ret();
      if (p.use === "slab")
        report(
          k,
          "bad-page-state",
          kernelLog(
            `BUG: Bad page state in process ${k.a.name}  pfn:${fmtPage(pid)}: put_page() dropped the last reference to a page in use as a slab of ${k.m.cache.name}; it goes back to the page allocator under its users`,
          ),
          [pid],
        );
      p.frozen = false;
      freeToPageAllocator(k.m, pid);
      return ret();
    },
  },
]);

// --- the variants -------------------------------------------------------------------------------

function nolockFns(o: Opts): FnTable {
  return {
    ...v515Fns,
    ...teardownCpusLocked,
    ...table([
      kmallocNolockFn(o),
      slabAllocSlowProbed,
      slabAllocWrapperFn(o),
      getPartialNodeTrylock,
      newSlabFn(o),
      kfreeNolock,
      doSlabFreeFn(o),
      freeDeferredObjects,
      isolateMigratepagesBlock,
    ]),
  };
}

/** The function tables of this file's variants, by name (kernel/index.ts collects them). */
export const nolockTables = {
  "v6.15-nolock-noguard": nolockFns({ guard: false, frozenPages: false }),
  "v6.15-nolock-v1": nolockFns({ guard: true, frozenPages: false }),
  "v6.15-nolock-v1-irqs": nolockFns({
    guard: true,
    frozenPages: false,
    irqsGuard: true,
  }),
  "v6.15-nolock-v1-frozen": nolockFns({ guard: true, frozenPages: true }),
} satisfies Partial<Record<VariantName, FnTable>>;
