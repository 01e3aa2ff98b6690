/**
 * SLUB functions that are the same in mainline v5.14 and v5.15 (mm/slub.c), and the page
 * allocator / hotplug glue around them:
 *   __slab_free, acquire_slab, get_freelist, get_partial, get_any_partial, discard_slab,
 *   __kmem_cache_do_shrink, kmem_cache_shrink, cpu_down / cpu_up (kernel/cpu.c, reduced to the
 *   hotplug lock, takedown and the slub_cpu_dead callback), alloc_pages / put_page for page cache,
 *   and memcg's memcg_slab_post_alloc_hook / memcg_free_page_obj_cgroups.
 * Simplified: no debug caches (kmem_cache_debug() is false, so no full list and no
 * free_debug_processing), no kfence, cmpxchg_double always available (no slab_lock fallback),
 * get_any_partial ignores remote_node_defrag_ratio and cpusets, one page per slab (order 0, so
 * no ORDER_FALLBACK), the shrink scan of one node is one micro-step under list_lock; memcg: the
 * obj_cgroups vector comes from this same cache, only allocations marked `account` are charged,
 * and the post-alloc hook is a wrapper function (memcg_slab_alloc) around slab_alloc_node.
 * Gaps, stated here because no scenario shows them:
 * - No page is ever pfmemalloc (no memory reserves are modelled): pfmemalloc_match() always
 *   matches, so its mismatch branch (deactivate and take a new slab) never runs. Only the
 *   assertion of the asserting variant, PageSlab on a page read without the lock, is modelled.
 * - get_any_partial's zonelist is the local node, then the others by id, not by distance (the
 *   same with two nodes).
 */
import {
  bool,
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
  type Next,
  type StepDef,
  HALT,
} from "../program";
import {
  acquire,
  cmpxchgDoubleSlab,
  counters,
  cpuOf,
  cpuSlab,
  disownObject,
  disownSlab,
  indexOf,
  ownObject,
  pageOf,
  fmtPage,
  inAtomic,
  note,
  ownChain,
  ownSlab,
  packCounters,
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
  pageAt,
  setWait,
  nodeAt,
} from "../prims";
import { schedWrites } from "../schedWrites";
import { canTakeDown, hasWork } from "../scheduler";
import type { Machine } from "../types";
import { LRU_GARBAGE, USER_DATA } from "../types";

/** kmem_cache_has_cpu_partial(s): CONFIG_SLUB_CPU_PARTIAL and not a debug cache. */
export function hasCpuPartial(m: Machine): boolean {
  return m.config.cpuPartial;
}

/** slub_cpu_partial(s). */
export function slubCpuPartial(m: Machine): number {
  return m.config.cpuPartial ? m.cache.cpuPartial : 0;
}

/** page_to_nid(page): the node is part of page->flags, readable even after the page is freed. */
export function pageNode(k: K, pid: number): number {
  return pageAt(k.m, pid)!.node;
}

/** node_match(page, node). */
export function nodeMatch(k: K, pid: number, node: number | null): boolean {
  return node === null || pageNode(k, pid) === node;
}

/** pfmemalloc_match(page, gfp): only GFP_KERNEL/GFP_ATOMIC without __GFP_MEMALLOC here. */
export function pfmemallocMatch(
  k: K,
  pid: number,
  checkSlab: boolean,
): { ok: boolean; bug: boolean } {
  const p = pageAt(k.m, pid)!;
  // PageSlabPfmemalloc() asserts PageSlab first: VM_BUG_ON_PAGE(!PageSlab(page)).
  const bug =
    checkSlab &&
    vmBugOn(
      k,
      p.use !== "slab",
      `!PageSlab(page) for P${pid} in PageSlabPfmemalloc`,
      [pid],
    );
  return { ok: !p.pfmemalloc, bug };
}

/** Takes a page from the page allocator; `null` when the pool is empty. */
export function allocPage(
  m: Machine,
  node: number | null = null,
): number | null {
  // The most recently freed page (of the requested node, when one is asked for).
  let i = m.freePages.length - 1;
  if (node !== null)
    while (i >= 0 && pageAt(m, m.freePages[i]!)!.node !== node) i--;
  if (i < 0) i = m.freePages.length - 1;
  if (i < 0) return null;
  const pid = m.freePages.splice(i, 1)[0]!;
  // list_del(&page->lru): the page above it on the free list now links to the one below.
  const above = m.freePages[i];
  if (above !== undefined) pageAt(m, above)!.next = m.freePages[i - 1] ?? null;
  const p = pageAt(m, pid)!;
  p.gen++;
  return pid;
}

/**
 * A page goes back to the page allocator (free_unref_page): the allocator reuses words that a
 * slab kept its own fields in. set_pcppage_migratetype() writes `page->index`, which overlays
 * `freelist` (MIGRATE_UNMOVABLE is 0, so it reads NULL); list_add(&page->lru) writes
 * `lru.next`, which overlays `next`, with the page that was the hottest free page before it, and
 * `lru.prev`, which overlays `pages`/`pobjects`, with the list head's address (LRU_GARBAGE).
 * Simplified: when the free list was empty, `lru.next` is the list head itself (a pointer into
 * per-CPU data, not a struct page); the model writes NULL there.
 */
export function freeToPageAllocator(m: Machine, pid: number): void {
  const p = pageAt(m, pid)!;
  p.use = "free";
  p.freelist = null;
  if (p.nodePartial !== undefined) p.nodePartial = false;
  p.next = m.freePages[m.freePages.length - 1] ?? null;
  p.pages = LRU_GARBAGE.pages;
  p.pobjects = LRU_GARBAGE.pobjects;
  m.freePages.push(pid);
}

/** allocate_slab(): a fresh frozen slab with the whole freelist on page->freelist (5.14: inuse = objects). */
export function makeSlab(k: K, pid: number): void {
  const m = k.m;
  const p = pageAt(m, pid)!;
  const n = m.cache.objects;
  p.use = "slab";
  p.objects = n;
  p.inuse = n;
  p.frozen = true;
  p.next = null;
  p.pages = 0;
  p.pobjects = 0;
  p.fp = [];
  p.objcgs = null;
  for (let i = 0; i < n; i++) p.fp.push(i + 1 < n ? pid * n + i + 1 : null);
  p.freelist = pid * n;
  ownSlab(k, pid);
}

/** might_sleep() of a blocking page allocation. */
export function mightSleep(k: K, what: string): void {
  if (inAtomic(k)) {
    report(
      k,
      "sleep-in-atomic",
      kernelLog(
        `BUG: sleeping function called from invalid context: ${what} with ${
          cpuOf(k).irqsOff ? "irqs disabled" : "preemption disabled"
        }`,
      ),
      [],
      [],
      `sleep:${k.a.id}:${k.m.step}`,
    );
  }
}

function addPartial(k: K, node: number, pid: number, tail: boolean): void {
  const n = nodeAt(k.m, node)!;
  n.nrPartial++;
  if (tail) n.partial.push(pid);
  else n.partial.unshift(pid);
}

/** `keepFlag`: unlink only, the caller clears the flag itself (a non-atomic clear in two steps). */
function removePartial(
  k: K,
  node: number,
  pid: number,
  keepFlag = false,
): void {
  const n = nodeAt(k.m, node)!;
  const i = n.partial.indexOf(pid);
  if (i >= 0) n.partial.splice(i, 1);
  n.nrPartial--;
  if (!keepFlag) clearNodePartial(k.m, pid);
}

/** remove_partial's flag clear, for variants that track list membership with a slab flag. */
function clearNodePartial(m: Machine, pid: number): void {
  const p = pageAt(m, pid)!;
  if (p.nodePartial !== undefined) p.nodePartial = false;
}

export const listOps = { addPartial, removePartial };

/** The chain of a detached per-CPU partial list, for ownership. */
export function chainOf(m: Machine, head: number | null): number[] {
  const out: number[] = [];
  let x = head;
  while (x !== null && out.length <= m.pages.length) {
    const p = pageAt(m, x);
    if (!p || p.use !== "slab") break;
    out.push(x);
    x = p.next;
  }
  return out;
}

/**
 * The read half of SLUB's cmpxchg_double loops: a slab's freelist and counters into locals,
 * with the VM_BUG_ON on `frozen` the caller makes (`expectFrozen`), if any.
 */
export function readSlabWords(opts: {
  label?: string;
  line: string;
  who: string;
  freelist: string;
  counters: string;
  expectFrozen?: boolean;
  /** The assertion as the kernel writes it, when it differs from the usual `!old.frozen`. */
  assertion?: string;
}): StepDef {
  const { who, expectFrozen } = opts;
  return {
    ...(opts.label === undefined ? {} : { label: opts.label }),
    line: opts.line,
    run: (k) => {
      const p = slabPage(k, num(k.L, "page"), who);
      k.L[opts.freelist] = p.freelist;
      k.L[opts.counters] = counters(p);
      if (
        expectFrozen !== undefined &&
        vmBugOn(
          k,
          p.frozen !== expectFrozen,
          opts.assertion ?? (expectFrozen ? "!old.frozen" : "new.frozen"),
          [p.id],
        )
      )
        return HALT;
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------

/** __free_slab(): PageSlab is cleared and the page goes back to the page allocator. */
function freeSlabPage(k: K, pid: number): void {
  const p = slabPage(k, pid, "discard_slab");
  // PageSlab is cleared; the counters keep their stale values, while the page allocator writes
  // its own fields over `freelist`, `next` and `pages`/`pobjects` (freeToPageAllocator).
  p.frozen = false;
  p.fp = [];
  freeToPageAllocator(k.m, pid);
  disownSlab(k, pid);
}

/**
 * discard_slab() -> free_slab() -> __free_pages(). With memcg, memcg_free_page_obj_cgroups()
 * first kfree()s the page's obj_cgroups vector: a free into the same cache, from inside
 * whatever called discard_slab (seed 000: "may send us back to __slab_free() ->
 * put_cpu_partial()").
 */
const discardSlab = fn("discard_slab", [
  {
    line: "discard_slab(s, page): if (page->obj_cgroups) kfree(page->obj_cgroups); else __ClearPageSlab(page); __free_pages(page)",
    run: (k) => {
      const pid = num(k.L, "page");
      const p = pageAt(k.m, pid)!;
      const vec = p.objcgs;
      if (vec === null) {
        freeSlabPage(k, pid);
        return ret();
      }
      p.objcgs = null;
      ownObject(k, vec);
      const vp = pageOf(k.m, vec);
      return call("do_slab_free", { page: vp, head: vec, tail: vec, cnt: 1 });
    },
    after: () => goto("free"),
  },
  {
    label: "free",
    line: "__ClearPageSlab(page); __free_pages(page)",
    run: (k) => {
      freeSlabPage(k, num(k.L, "page"));
      return ret();
    },
  },
]);

/**
 * An accounted kmem_cache_alloc(): slab_alloc_node, then memcg_slab_post_alloc_hook, which gives
 * the object's slab page its obj_cgroups vector if it has none (allocated from the same cache,
 * unaccounted, as kcalloc(..., flags & ~__GFP_ACCOUNT) does). Simplified: the vector comes from
 * this cache and the hook runs only for scenarios that ask for `account`.
 */
const memcgSlabAlloc = fn("memcg_slab_alloc", [
  {
    line: "object = slab_alloc_node(s, gfpflags | __GFP_ACCOUNT, node)",
    run: (k) =>
      call("slab_alloc_node", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
    after: (k, v) => {
      k.L.object = v;
      return v === null || !k.m.config.memcg ? ret(v) : undefined;
    },
  },
  {
    line: "memcg_slab_post_alloc_hook(): if (!page_objcgs(page)) memcg_alloc_page_obj_cgroups(page): vec = kcalloc(...)",
    run: (k) => {
      const pid = pageOf(k.m, num(k.L, "object"));
      k.L.page = pid;
      if (slabPage(k, pid, "memcg_slab_post_alloc_hook").objcgs !== null)
        return ret(num(k.L, "object"));
      return call("slab_alloc_node", { gfp: k.L.gfp ?? null, node: null });
    },
    after: (k, v) => {
      k.L.vec = v;
      return v === null ? ret(num(k.L, "object")) : undefined;
    },
  },
  {
    line: "if (cmpxchg(&page->obj_cgroups, NULL, vec)) kfree(vec)  (someone installed one meanwhile)",
    run: (k) => {
      const vec = num(k.L, "vec");
      const p = slabPage(k, num(k.L, "page"), "memcg_alloc_page_obj_cgroups");
      // The vector is in use from now on: its free pointer is gone.
      const vp = pageAt(k.m, pageOf(k.m, vec))!;
      if (vp.use === "slab") vp.fp[indexOf(k.m, vec)] = USER_DATA;
      if (p.objcgs !== null) {
        return call("do_slab_free", {
          page: pageOf(k.m, vec),
          head: vec,
          tail: vec,
          cnt: 1,
        });
      }
      p.objcgs = vec;
      disownObject(k, vec);
      return ret(num(k.L, "object"));
    },
    after: (k) => ret(num(k.L, "object")),
  },
]);

/** get_freelist(): take the whole page freelist for the cpu slab; unfreeze if it was empty. */
const getFreelist = fn("get_freelist", [
  readSlabWords({
    label: "retry",
    line: "freelist = page->freelist; counters = page->counters; VM_BUG_ON(!new.frozen)",
    who: "get_freelist",
    freelist: "freelist",
    counters: "counters",
    expectFrozen: true,
    assertion: "!new.frozen",
  }),
  {
    line: "__cmpxchg_double_slab(page: freelist, counters -> NULL, {inuse = objects, frozen = freelist != NULL})",
    run: (k) => {
      const pid = num(k.L, "page");
      const freelist = ref(k.L, "freelist");
      const old = num(k.L, "counters");
      const c = unpackCounters(old);
      const nw = packCounters({
        inuse: c.objects,
        objects: c.objects,
        frozen: freelist !== null,
      });
      if (!cmpxchgDoubleSlab(k, pid, freelist, old, null, nw, "get_freelist"))
        return goto("retry");
      ownChain(k, freelist);
      return ret(freelist);
    },
  },
]);

/** acquire_slab(): freeze a slab taken from the node partial list (mode: take its freelist too). */
const acquireSlab = fn("acquire_slab", [
  readSlabWords({
    line: "freelist = page->freelist; counters = page->counters; VM_BUG_ON(new.frozen)",
    who: "acquire_slab",
    freelist: "freelist",
    counters: "counters",
    expectFrozen: false,
  }),
  {
    line: "__cmpxchg_double_slab(page: -> {mode ? NULL : freelist, mode ? inuse = objects : inuse, frozen = 1})",
    run: (k) => {
      const pid = num(k.L, "page");
      const freelist = ref(k.L, "freelist");
      const old = num(k.L, "counters");
      const c = unpackCounters(old);
      const mode = bool(k.L, "mode");
      k.L.objects = c.objects - c.inuse;
      const nw = packCounters({
        inuse: mode ? c.objects : c.inuse,
        objects: c.objects,
        frozen: true,
      });
      if (
        !cmpxchgDoubleSlab(
          k,
          pid,
          freelist,
          old,
          mode ? null : freelist,
          nw,
          "acquire_slab",
        )
      )
        return ret([null, 0]);
      ownSlab(k, pid);
      if (mode) ownChain(k, freelist);
      return undefined;
    },
  },
  {
    line: "remove_partial(n, page); return freelist",
    run: (k) => {
      removePartial(k, num(k.L, "node"), num(k.L, "page"));
      return ret([ref(k.L, "freelist"), num(k.L, "objects")]);
    },
  },
]);

/** get_partial(): the requested (or local) node first, then any node. Returns [freelist, page]. */
const getPartial = fn("get_partial", [
  {
    line: "searchnode = node == NUMA_NO_NODE ? numa_mem_id() : node; get_partial_node(s, get_node(s, searchnode))",
    run: (k) =>
      call("get_partial_node", {
        node: ref(k.L, "node") ?? cpuOf(k).node,
        gfp: k.L.gfp ?? null,
        c: k.L.c ?? null,
      }),
    after: (k, v) => {
      const [object] = v as [number | null, number | null];
      return object !== null || k.L.node !== null ? ret(v) : undefined;
    },
  },
  {
    line: "if (object || node != NUMA_NO_NODE) return object; return get_any_partial(s, flags, c)",
    run: (k) =>
      call("get_any_partial", {
        gfp: k.L.gfp ?? null,
        c: k.L.c ?? null,
        from: cpuOf(k).node,
      }),
    after: (_k, v) => ret(v),
  },
]);

/**
 * get_any_partial(): the zonelist walk, nearest node first. It starts at the local node again,
 * which get_partial just found without a slab to take: by now another CPU may have freed into it.
 * The model orders the zonelist as the local node, then the others by id.
 */
const getAnyPartial = fn("get_any_partial", [
  {
    label: "next_node",
    line: "for_each_zone_zonelist(...): if (n->nr_partial > s->min_partial) get_partial_node(s, n)",
    run: (k) => {
      const m = k.m;
      const from = num(k.L, "from");
      const order = [
        from,
        ...m.nodes.map((n) => n.id).filter((id) => id !== from),
      ];
      let i = typeof k.L.i === "number" ? k.L.i : 0;
      while (i < order.length) {
        const n = nodeAt(m, order[i]!)!;
        const skip = n.nrPartial <= m.cache.minPartial;
        i++;
        if (!skip) {
          k.L.i = i;
          return call("get_partial_node", {
            node: n.id,
            gfp: k.L.gfp ?? null,
            c: k.L.c ?? null,
          });
        }
      }
      return ret([null, null]);
    },
    after: (_k, v) => {
      const [object] = v as [number | null, number | null];
      if (object !== null) return ret(v);
      return goto("next_node");
    },
  },
]);

/** __slab_free(): free to a slab that is not this CPU's cpu slab. */
const slabFree = fn("__slab_free", [
  {
    line: "stat(s, FREE_SLOWPATH)",
    run: (k) => {
      stat(k, "FREE_SLOWPATH");
      k.L.n = null;
      return undefined;
    },
  },
  readSlabWords({
    label: "redo",
    line: "prior = page->freelist; counters = page->counters",
    who: "__slab_free",
    freelist: "prior",
    counters: "counters",
  }),
  {
    line: "set_freepointer(s, tail, prior); new.inuse -= cnt; freeze a full slab, or lock the node for list work",
    run: (k) => {
      const m = k.m;
      const prior = ref(k.L, "prior");
      setFreepointer(k, num(k.L, "tail"), prior);
      const c = unpackCounters(num(k.L, "counters"));
      const wasFrozen = c.frozen;
      const nw = { ...c, inuse: c.inuse - num(k.L, "cnt") };
      k.L.wasFrozen = wasFrozen;
      let needLock = false;
      if ((nw.inuse === 0 || prior === null) && !wasFrozen) {
        if (hasCpuPartial(m) && prior === null) nw.frozen = true;
        else needLock = true;
      }
      k.L.newFrozen = nw.frozen;
      k.L.newInuse = nw.inuse;
      k.L.newCounters = packCounters(nw);
      return needLock ? goto("lock") : goto("cmpxchg");
    },
  },
  {
    label: "lock",
    line: "n = get_node(s, page_to_nid(page)); spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => {
      const node = pageNode(k, num(k.L, "page"));
      if (!spinLockNode(k, node, true)) return RETRY;
      k.L.n = node;
      return undefined;
    },
  },
  {
    label: "cmpxchg",
    line: "cmpxchg_double_slab(page: prior, counters -> head, new.counters)",
    run: (k) => {
      const pid = num(k.L, "page");
      const ok = cmpxchgDoubleSlab(
        k,
        pid,
        ref(k.L, "prior"),
        num(k.L, "counters"),
        num(k.L, "head"),
        num(k.L, "newCounters"),
        "__slab_free",
      );
      if (!ok) return k.L.n !== null ? goto("unlock_redo") : goto("redo");
      disownObject(k, num(k.L, "head"));
      if (k.L.n !== null) return goto("locked");
      if (bool(k.L, "wasFrozen")) {
        stat(k, "FREE_FROZEN");
        return ret();
      }
      if (bool(k.L, "newFrozen")) {
        ownSlab(k, pid);
        return call("put_cpu_partial", { page: pid, drain: true });
      }
      return ret();
    },
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
    line: "if (!new.inuse && n->nr_partial >= s->min_partial) goto slab_empty",
    run: (k) => {
      const n = nodeAt(k.m, num(k.L, "n"))!;
      if (num(k.L, "newInuse") === 0 && n.nrPartial >= k.m.cache.minPartial)
        return goto("slab_empty");
      if (!hasCpuPartial(k.m) && ref(k.L, "prior") === null) return undefined;
      return goto("unlock");
    },
  },
  {
    line: "remove_full(s, n, page); add_partial(n, page, DEACTIVATE_TO_TAIL); stat(s, FREE_ADD_PARTIAL)",
    run: (k) => {
      addPartial(k, num(k.L, "n"), num(k.L, "page"), true);
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
    line: "if (prior) { remove_partial(n, page); stat(s, FREE_REMOVE_PARTIAL); } else remove_full(s, n, page)",
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
    line: "spin_unlock_irqrestore(&n->list_lock, flags); stat(s, FREE_SLAB); discard_slab(s, page)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "n"), true);
      stat(k, "FREE_SLAB");
      return call("discard_slab", { page: num(k.L, "page") });
    },
    after: () => ret(),
  },
]);

/**
 * The loop over a private discard list (label `discard`): discard_slab() on each page, then
 * `done` when the list is empty.
 */
export function discardEach(done: (k: K) => Next): StepDef {
  return {
    label: "discard",
    line: "list_for_each_entry_safe(page, &discard): discard_slab(s, page)",
    run: (k) => {
      const d = (k.L.discard as number[] | null) ?? [];
      const pid = d.shift();
      k.L.discard = d;
      return pid === undefined ? done(k) : call("discard_slab", { page: pid });
    },
    after: () => goto("discard"),
  };
}

/** __kmem_cache_do_shrink(): per node, discard empty partial slabs and sort the rest by fullness. */
const doShrink = fn("__kmem_cache_do_shrink", [
  {
    label: "node",
    line: "for_each_kmem_cache_node(s, node, n): spin_lock_irqsave(&n->list_lock, flags)",
    run: (k) => {
      const i = typeof k.L.i === "number" ? k.L.i : 0;
      if (i >= k.m.nodes.length) return ret();
      k.L.i = i;
      if (!spinLockNode(k, i, true)) return RETRY;
      return undefined;
    },
  },
  {
    line: "list_for_each_entry_safe(page, &n->partial): empty -> discard list (nr_partial--), else promote[free - 1]; splice promote lists back",
    run: (k) => {
      const m = k.m;
      const n = nodeAt(m, num(k.L, "i"))!;
      const discard: number[] = [];
      const keep: { pid: number; free: number }[] = [];
      for (const pid of n.partial) {
        const p = slabPage(k, pid, "shrink");
        const free = p.objects - p.inuse;
        if (free === p.objects) discard.push(pid);
        else keep.push({ pid, free });
      }
      for (const pid of discard) {
        ownSlab(k, pid);
        clearNodePartial(m, pid);
      }
      // Fullest first: slabs with fewer free objects move to the head.
      keep.sort((a, b) => a.free - b.free);
      n.partial = keep.map((x) => x.pid);
      n.nrPartial -= discard.length;
      k.L.discard = discard;
      return undefined;
    },
  },
  {
    line: "spin_unlock_irqrestore(&n->list_lock, flags)",
    run: (k) => {
      spinUnlockNode(k, num(k.L, "i"), true);
      return undefined;
    },
  },
  discardEach((k) => {
    k.L.i = num(k.L, "i") + 1;
    return goto("node");
  }),
]);

/** kmem_cache_shrink() -> __kmem_cache_shrink(): flush_all(s), then shrink the node lists. */
const kmemCacheShrink = fn("kmem_cache_shrink", [
  {
    line: "__kmem_cache_shrink(s): flush_all(s)",
    run: () => call("flush_all"),
  },
  {
    line: "__kmem_cache_do_shrink(s)",
    run: () => call("__kmem_cache_do_shrink"),
    after: () => ret(),
  },
]);

/** cpu_down(): the hotplug thread takes cpu_hotplug_lock for write, takes the CPU down, runs SLUB's teardown. */
const cpuDown = fn("cpu_down", [
  {
    line: "cpus_write_lock()",
    run: (k) =>
      acquire(k, { kind: "cpuHotplug", write: true }, "sleep")
        ? undefined
        : RETRY,
  },
  {
    line: "takedown_cpu(cpu): migrate its tasks away, mark it offline",
    run: (k) => {
      const m = k.m;
      const cpu = num(k.L, "cpu");
      const c = m.cpus[cpu]!;
      const target = m.cpus.find((x) => x.online && x.id !== cpu);
      if (!c.online || !target) {
        note(
          k,
          !c.online
            ? `cpu ${cpu} is already offline`
            : `cpu ${cpu} is the last online cpu`,
        );
        k.L.skip = true;
        return goto("unlock");
      }
      if (!canTakeDown(m, cpu, k.a.id)) {
        setWait(k.a, { kind: "cpuIdle", cpu });
        stepOutcome(k, "blocked");
        return RETRY;
      }
      setWait(k.a, null);
      for (const a of m.actors) {
        if (a.cpu !== cpu) continue;
        if (a.kind === "kworker") {
          // workqueue_offline_cpu(): the per-CPU pool's workers become unbound and run on any
          // online CPU. Only a worker with work left is moved here: an idle one stays bound
          // (nothing queues work on an offline CPU in the model).
          if (!hasWork(a)) continue;
          a.unboundFrom = cpu;
          a.cpu = target.id;
          continue;
        }
        if (a.kind !== "task" && a.kind !== "hotplug") continue;
        if (a.pinned && a.frames.length === 0) continue; // waits for its CPU to come back
        a.cpu = target.id;
      }
      if (c.current !== null && m.actors[c.current]!.cpu !== cpu)
        c.current = null;
      c.online = false;
      c.irqsOff = false;
      schedWrites.n++;
      return undefined;
    },
  },
  {
    line: "cpuhp teardown callback: slub_cpu_dead(cpu)",
    run: (k) => call("slub_cpu_dead", { cpu: num(k.L, "cpu") }),
  },
  {
    label: "unlock",
    line: "cpus_write_unlock()",
    run: (k) => {
      release(k, { kind: "cpuHotplug", write: true });
      return ret();
    },
  },
]);

const cpuUp = fn("cpu_up", [
  {
    line: "cpus_write_lock()",
    run: (k) =>
      acquire(k, { kind: "cpuHotplug", write: true }, "sleep")
        ? undefined
        : RETRY,
  },
  {
    line: "bringup_cpu(cpu): mark it online",
    run: (k) => {
      const c = k.m.cpus[num(k.L, "cpu")]!;
      if (c.online) note(k, `cpu ${c.id} is already online`);
      c.online = true;
      schedWrites.n++;
      // workqueue_online_cpu(): the pool's workers are bound to the CPU again. Simplified: a
      // worker busy with a work item at that moment stays unbound (the kernel rebinds it too).
      for (const a of k.m.actors)
        if (a.unboundFrom === c.id && a.frames.length === 0) {
          a.cpu = c.id;
          delete a.unboundFrom;
        }
      return undefined;
    },
  },
  {
    line: "cpus_write_unlock()",
    run: (k) => {
      release(k, { kind: "cpuHotplug", write: true });
      return ret();
    },
  },
]);

/** Page cache: another user of the page allocator, so a discarded slab page can be reused. */
const allocPages = fn("alloc_pages", [
  {
    line: "page = alloc_pages(GFP_KERNEL, 0): add to the page cache",
    run: (k) => {
      const pid = allocPage(k.m);
      if (pid === null) {
        note(k, "out of pages");
        k.a.note = "the page allocator has no free page";
        return ret();
      }
      const p = pageAt(k.m, pid)!;
      p.use = "pagecache";
      p.objcgs = null;
      // Page cache uses the same struct page words (mapping, index, lru) for its own fields.
      p.frozen = false;
      p.freelist = null;
      p.next = null;
      p.pages = LRU_GARBAGE.pages;
      p.pobjects = LRU_GARBAGE.pobjects;
      p.fp = [];
      k.m.pageSlots[k.L.slot as string]!.push(pid);
      return ret();
    },
  },
]);

const putPage = fn("put_page", [
  {
    line: "put_page(page): drop it from the page cache, back to the page allocator",
    run: (k) => {
      const slot = k.m.pageSlots[k.L.slot as string]!;
      const pid = slot.pop();
      if (pid === undefined) {
        k.a.note = `page slot ${String(k.L.slot)} is empty`;
        return ret();
      }
      freeToPageAllocator(k.m, pid);
      return ret();
    },
  },
]);

export function describePage(m: Machine, pid: number | null): string {
  if (pid === null) return "NULL";
  const p = pageAt(m, pid)!;
  return `${fmtPage(pid)}(${p.use}${p.frozen ? ", frozen" : ""})`;
}

export const commonFns: Record<string, KernelFn> = table([
  discardSlab,
  memcgSlabAlloc,
  getFreelist,
  acquireSlab,
  getPartial,
  getAnyPartial,
  slabFree,
  doShrink,
  kmemCacheShrink,
  cpuDown,
  cpuUp,
  allocPages,
  putPage,
]);

/**
 * get_partial_node(): take slabs off a node's partial list under list_lock, the first as the
 * new cpu slab, further ones onto the per-CPU partial list until enough objects are gathered.
 * v5.14 takes list_lock with a plain spin_lock (irqs are already off) and installs the first
 * slab as `c->page` itself; v5.15 uses spin_lock_irqsave and hands the slab back (`*ret_page`).
 * Returns [object, page].
 */
/** The loop condition of get_partial_node: stop once enough objects are gathered. */
function enoughOrNext(k: K) {
  if (!hasCpuPartial(k.m) || num(k.L, "available") > slubCpuPartial(k.m) / 2)
    return goto("unlock");
  return goto("next");
}

export function getPartialNodeFn(opts: {
  irqsave: boolean;
  installCpuPage: boolean;
}): KernelFn {
  return fn("get_partial_node", [
    {
      line: "if (!n || !n->nr_partial) return NULL  (racy check)",
      run: (k) => {
        k.L.object = null;
        k.L.ret = null;
        k.L.available = 0;
        k.L.i = 0;
        return nodeAt(k.m, num(k.L, "node"))!.nrPartial === 0
          ? ret([null, null])
          : undefined;
      },
    },
    {
      line: opts.irqsave
        ? "spin_lock_irqsave(&n->list_lock, flags)"
        : "spin_lock(&n->list_lock)",
      run: (k) =>
        spinLockNode(k, num(k.L, "node"), opts.irqsave) ? undefined : RETRY,
    },
    {
      label: "next",
      line: "list_for_each_entry_safe(page, page2, &n->partial, slab_list): if (!pfmemalloc_match(page, flags)) continue",
      run: (k) => {
        const n = nodeAt(k.m, num(k.L, "node"))!;
        let i = num(k.L, "i");
        while (
          i < n.partial.length &&
          !pfmemallocMatch(k, n.partial[i]!, false).ok
        )
          i++;
        k.L.i = i;
        const pid = n.partial[i];
        if (pid === undefined) return goto("unlock");
        k.L.page = pid;
        return call("acquire_slab", {
          node: n.id,
          page: pid,
          mode: k.L.object === null,
        });
      },
      after: (k, v) => {
        const [t, objects] = v as [number | null, number];
        if (t === null) return goto("unlock");
        k.L.available = num(k.L, "available") + objects;
        k.L.t = t;
        return k.L.object === null ? undefined : goto("put_cpu_partial");
      },
    },
    opts.installCpuPage
      ? {
          line: "c->page = page; stat(s, ALLOC_FROM_PARTIAL); object = t",
          run: (k) => {
            const pid = num(k.L, "page");
            cpuSlab(k, num(k.L, "c")).page = pid;
            disownSlab(k, pid);
            stat(k, "ALLOC_FROM_PARTIAL");
            k.L.object = k.L.t ?? null;
            return enoughOrNext(k);
          },
        }
      : {
          line: "*ret_page = page; stat(s, ALLOC_FROM_PARTIAL); object = t",
          run: (k) => {
            k.L.ret = num(k.L, "page");
            stat(k, "ALLOC_FROM_PARTIAL");
            k.L.object = k.L.t ?? null;
            return enoughOrNext(k);
          },
        },
    {
      label: "put_cpu_partial",
      line: "put_cpu_partial(s, page, 0); stat(s, CPU_PARTIAL_NODE)",
      run: (k) =>
        call("put_cpu_partial", { page: num(k.L, "page"), drain: false }),
      after: (k) => {
        stat(k, "CPU_PARTIAL_NODE");
        return enoughOrNext(k);
      },
    },
    {
      label: "unlock",
      line: opts.irqsave
        ? "spin_unlock_irqrestore(&n->list_lock, flags); return object"
        : "spin_unlock(&n->list_lock); return object",
      run: (k) => {
        spinUnlockNode(k, num(k.L, "node"), opts.irqsave);
        return ret([ref(k.L, "object"), ref(k.L, "ret")]);
      },
    },
  ]);
}
