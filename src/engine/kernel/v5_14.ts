/**
 * SLUB in mainline v5.14 (the same as 5.13, before the local_lock series): the slow paths run
 * with irqs disabled from __slab_alloc (allocate_slab re-enables them around a blocking page
 * allocation), the fast paths read the tid in a loop until it matches the CPU, put_cpu_partial
 * links pages with a this_cpu_cmpxchg loop under preempt_disable only, unfreeze_partials pops the
 * live per-CPU chain, flush_all is an IPI (on_each_cpu_cond) whose handler flushes in hardirq
 * context, and slub_cpu_dead disables irqs around each cache. No PREEMPT_RT in this release.
 * Overrides of the v5.15 table: slab_alloc_node, __slab_alloc, ___slab_alloc, new_slab_objects,
 * get_partial_node, new_slab, deactivate_slab, do_slab_free, put_cpu_partial, unfreeze_partials,
 * flush_slab, __flush_cpu_slab, flush_cpu_slab (the IPI handler), flush_all, slub_cpu_dead.
 * Simplified as in v5.15 (no debug caches, kfence, bulk paths). flush_all follows kernel/smp.c's
 * order (smp_call_function_many_cond): has_cpu_slab of each remote CPU while queueing the calls,
 * the IPIs, and only then has_cpu_slab of its own CPU, right before flushing it locally; an
 * interrupt in between can change that last answer. The remote calls are queued in one step.
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
  type StepDef,
} from "../program";
import {
  bumpTidIfFixed,
  cpuSlab,
  disownChain,
  disownSlab,
  getFreepointer,
  irqDisable,
  irqEnable,
  irqRestore,
  irqSave,
  mutexLock,
  mutexUnlock,
  nextTid,
  ownChain,
  ownObject,
  preemptDisable,
  preemptEnable,
  slabPage,
  stat,
  vmBugOn,
  stepOutcome,
  pageAt,
  setWait,
  setOwnsCpuSlab,
} from "../prims";
import { schedWrites } from "../schedWrites";
import {
  allocPage,
  getPartialNodeFn,
  makeSlab,
  mightSleep,
  nodeMatch,
  pfmemallocMatch,
  slubCpuPartial,
} from "./common";
import {
  allocFastSteps,
  deactivateSlabSteps,
  cpuPartialSteps,
  freeFastSteps,
  hasCpuSlab,
  slowSteps,
  unfreezeLoopSteps,
  v515Fns,
} from "./v5_15";

const c = (k: K) => cpuSlab(k, num(k.L, "c"));

/** 5.13/5.14 fast-path prologue: read tid and c until they agree (the CPU did not change). */
const tidLoop: StepDef[] = [
  {
    label: "redo",
    line: "do { tid = this_cpu_read(s->cpu_slab->tid);",
    run: (k) => {
      k.L.tid = cpuSlab(k, k.cpu).tid;
      return undefined;
    },
  },
  {
    line: "c = raw_cpu_ptr(s->cpu_slab);",
    run: (k) => {
      k.L.c = k.cpu;
      return undefined;
    },
  },
  {
    line: "} while (IS_ENABLED(CONFIG_PREEMPTION) && unlikely(tid != READ_ONCE(c->tid))); barrier()",
    run: (k) => (c(k).tid !== num(k.L, "tid") ? goto("redo") : undefined),
  },
];

const slabAllocNode = fn("slab_alloc_node", [
  ...tidLoop,
  ...allocFastSteps(false),
]);
const doSlabFree = fn("do_slab_free", [...tidLoop, ...freeFastSteps(false)]);

/** __slab_alloc(): the whole slow path with irqs disabled; `c` re-read after disabling them. */
const slabAllocWrapper = fn("__slab_alloc", [
  {
    line: "local_irq_save(flags); c = this_cpu_ptr(s->cpu_slab)  (we may have been migrated)",
    run: (k) => {
      irqSave(k);
      k.L.c = k.cpu;
      return call("___slab_alloc", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
        c: k.cpu,
      });
    },
    after: (k, v) => {
      k.L.p = v;
      return undefined;
    },
  },
  {
    line: "local_irq_restore(flags); return p",
    run: (k) => {
      irqRestore(k);
      return ret(k.L.p ?? null);
    },
  },
]);

function deactivateCall(k: K, page: number, freelist: number | null) {
  return call("deactivate_slab", { page, freelist, c: num(k.L, "c") });
}

const slabAllocSlow = fn("___slab_alloc", [
  slowSteps.allocSlowpath,
  {
    line: "page = c->page; if (!page) goto new_slab",
    run: (k) => {
      const page = c(k).page;
      k.L.page = page;
      return page === null ? goto("new_slab") : undefined;
    },
  },
  {
    label: "redo",
    line: "if (unlikely(!node_match(page, node))) { stat(s, ALLOC_NODE_MISMATCH); deactivate_slab(s, page, c->freelist, c); goto new_slab; }",
    run: (k) => {
      if (nodeMatch(k, num(k.L, "page"), ref(k.L, "node"))) return undefined;
      stat(k, "ALLOC_NODE_MISMATCH");
      return deactivateCall(k, num(k.L, "page"), c(k).freelist);
    },
    after: () => goto("new_slab"),
  },
  {
    line: "if (unlikely(!pfmemalloc_match(page, gfpflags))) { deactivate_slab(s, page, c->freelist, c); goto new_slab; }",
    run: (k) => {
      const r = pfmemallocMatch(k, num(k.L, "page"), true);
      if (r.bug) return HALT;
      return r.ok
        ? undefined
        : deactivateCall(k, num(k.L, "page"), c(k).freelist);
    },
    after: () => goto("new_slab"),
  },
  {
    line: "freelist = c->freelist; if (freelist) goto load_freelist  (must check again: migration or IRQ)",
    run: (k) => {
      const fl = c(k).freelist;
      k.L.freelist = fl;
      return fl !== null ? goto("load_freelist") : undefined;
    },
  },
  slowSteps.getFreelistCall,
  {
    line: "if (!freelist) { c->page = NULL; stat(s, DEACTIVATE_BYPASS); goto new_slab; }  (no tid bump unless the 2022 fix is applied)",
    run: (k) => {
      c(k).page = null;
      setOwnsCpuSlab(k, null);
      bumpTidIfFixed(k, c(k));
      stat(k, "DEACTIVATE_BYPASS");
      return goto("new_slab");
    },
  },
  slowSteps.refill,
  {
    label: "load_freelist",
    line: "VM_BUG_ON(!c->page->frozen)",
    run: (k) => {
      const page = c(k).page;
      const frozen = page !== null && pageAt(k.m, page)!.frozen;
      return vmBugOn(
        k,
        !frozen,
        "!c->page->frozen",
        page === null ? [] : [page],
      )
        ? HALT
        : undefined;
    },
  },
  {
    line: "c->freelist = get_freepointer(s, freelist)",
    run: (k) => {
      const fl = num(k.L, "freelist");
      c(k).freelist = getFreepointer(k, fl);
      disownChain(k, fl);
      ownObject(k, fl);
      return undefined;
    },
  },
  {
    line: "c->tid = next_tid(c->tid); return freelist",
    run: (k) => {
      const cs = c(k);
      cs.tid = nextTid(k.m, cs.tid);
      return ret(k.L.freelist ?? null);
    },
  },
  {
    label: "new_slab",
    line: "new_slab: if (slub_percpu_partial(c)) { page = c->page = slub_percpu_partial(c);",
    run: (k) => {
      const cs = c(k);
      if (!k.m.config.cpuPartial || cs.partial === null)
        return goto("new_objects");
      k.L.page = cs.partial;
      cs.page = cs.partial;
      // Until the next step the page is both c->page and the head of c->partial.
      setOwnsCpuSlab(k, num(k.L, "c"));
      return undefined;
    },
  },
  {
    line: "slub_set_percpu_partial(c, page); stat(s, CPU_PARTIAL_ALLOC); goto redo; }",
    run: (k) => {
      setOwnsCpuSlab(k, null);
      c(k).partial = slabPage(
        k,
        num(k.L, "page"),
        "slub_set_percpu_partial",
      ).next;
      stat(k, "CPU_PARTIAL_ALLOC");
      return goto("redo");
    },
  },
  {
    label: "new_objects",
    line: "freelist = new_slab_objects(s, gfpflags, node, &c); if (unlikely(!freelist)) { slab_out_of_memory(); return NULL; }",
    run: (k) =>
      call("new_slab_objects", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
        c: num(k.L, "c"),
      }),
    after: (k, v) => {
      const [freelist, cpu] = v as [number | null, number];
      k.L.freelist = freelist;
      k.L.c = cpu;
      if (freelist === null) {
        k.a.note = "slab_out_of_memory: the page allocator has no free page";
        return ret(null);
      }
      return undefined;
    },
  },
  {
    line: "page = c->page; if (likely(!kmem_cache_debug(s) && pfmemalloc_match(page, gfpflags))) goto load_freelist",
    run: (k) => {
      const page = c(k).page;
      k.L.page = page;
      return page !== null && pfmemallocMatch(k, page, true).ok
        ? goto("load_freelist")
        : undefined;
    },
  },
  {
    line: "deactivate_slab(s, page, get_freepointer(s, freelist), c); return freelist",
    run: (k) => {
      const fl = num(k.L, "freelist");
      const next = getFreepointer(k, fl);
      disownChain(k, fl);
      ownObject(k, fl);
      return deactivateCall(k, num(k.L, "page"), next);
    },
    after: (k) => ret(k.L.freelist ?? null),
  },
]);

/** new_slab_objects(): a partial slab, else a new one; flush a cpu slab installed meanwhile. Returns [freelist, c]. */
const newSlabObjects = fn("new_slab_objects", [
  {
    line: "freelist = get_partial(s, flags, node, c); if (freelist) return freelist",
    run: (k) =>
      call("get_partial", {
        gfp: k.L.gfp ?? null,
        node: k.L.node ?? null,
        c: num(k.L, "c"),
      }),
    after: (k, v) => {
      const [freelist] = v as [number | null, number | null];
      return freelist !== null ? ret([freelist, num(k.L, "c")]) : undefined;
    },
  },
  {
    line: "page = new_slab(s, flags, node)",
    run: (k) =>
      call("new_slab", { gfp: k.L.gfp ?? null, node: k.L.node ?? null }),
    after: (k, v) => {
      k.L.page = v;
      return v === null ? ret([null, num(k.L, "c")]) : undefined;
    },
  },
  {
    line: "c = raw_cpu_ptr(s->cpu_slab); if (c->page) flush_slab(s, c)",
    run: (k) => {
      k.L.c = k.cpu;
      return c(k).page !== null ? call("flush_slab", { c: k.cpu }) : undefined;
    },
  },
  {
    line: "freelist = page->freelist; page->freelist = NULL; stat(s, ALLOC_SLAB)  (no other reference yet)",
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
    line: "c->page = page; *pc = c; return freelist",
    run: (k) => {
      const page = num(k.L, "page");
      c(k).page = page;
      disownSlab(k, page);
      return ret([ref(k.L, "freelist"), num(k.L, "c")]);
    },
  },
]);

/** allocate_slab(): irqs are re-enabled around a blocking page allocation. */
const newSlab = fn("new_slab", [
  {
    line: "if (gfpflags_allow_blocking(flags)) local_irq_enable()",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") irqEnable(k);
      return undefined;
    },
  },
  {
    line: "page = alloc_slab_page(); build the freelist; page->inuse = page->objects; page->frozen = 1",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") mightSleep(k, "alloc_pages(GFP_KERNEL)");
      const pid = allocPage(k.m, ref(k.L, "node"));
      k.L.page = pid;
      if (pid !== null) makeSlab(k, pid);
      return undefined;
    },
  },
  {
    line: "if (gfpflags_allow_blocking(flags)) local_irq_disable(); return page",
    run: (k) => {
      if (k.L.gfp === "GFP_KERNEL") irqDisable(k);
      return ret(k.L.page ?? null);
    },
  },
]);

/** deactivate_slab(s, page, freelist, c): as v5.15 with plain list_lock, then clears c itself. */
const deactivateSlab = fn("deactivate_slab", [
  ...deactivateSlabSteps(true),
  {
    line: "c->page = NULL",
    run: (k) => {
      c(k).page = null;
      return undefined;
    },
  },
  {
    line: "c->freelist = NULL  (no tid bump unless the 2022 fix is applied)",
    run: (k) => {
      c(k).freelist = null;
      bumpTidIfFixed(k, c(k));
      setOwnsCpuSlab(k, null);
      return ret();
    },
  },
]);

/** put_cpu_partial() before patch 33: preempt_disable and a this_cpu_cmpxchg retry loop. */
const putCpuPartial = fn("put_cpu_partial", [
  {
    line: "preempt_disable()",
    run: (k) => {
      preemptDisable(k);
      return undefined;
    },
  },
  cpuPartialSteps.loopHead,
  cpuPartialSteps.readTotals,
  {
    line: "if (drain && pobjects > slub_cpu_partial(s)) { local_irq_save(flags);",
    run: (k) => {
      irqSave(k);
      return undefined;
    },
  },
  {
    line: "unfreeze_partials(s, this_cpu_ptr(s->cpu_slab));",
    run: (k) => call("unfreeze_partials", { c: k.cpu }),
  },
  {
    line: "local_irq_restore(flags); oldpage = NULL; pobjects = 0; pages = 0; stat(s, CPU_PARTIAL_DRAIN); } }",
    run: (k) => {
      irqRestore(k);
      k.L.oldpage = null;
      k.L.pobjects = 0;
      k.L.pages = 0;
      stat(k, "CPU_PARTIAL_DRAIN");
      return undefined;
    },
  },
  cpuPartialSteps.link,
  {
    line: "} while (this_cpu_cmpxchg(s->cpu_slab->partial, oldpage, page) != oldpage)",
    run: (k) => {
      const here = cpuSlab(k, k.cpu);
      if (here.partial !== ref(k.L, "oldpage")) {
        stepOutcome(k, "cmpxchgFailed");
        return goto("loop");
      }
      here.partial = num(k.L, "page");
      disownSlab(k, num(k.L, "page"));
      return slubCpuPartial(k.m) === 0 ? undefined : goto("out");
    },
  },
  {
    line: "if (unlikely(!slub_cpu_partial(s))) { local_irq_save(flags);",
    run: (k) => {
      irqSave(k);
      return undefined;
    },
  },
  {
    line: "unfreeze_partials(s, this_cpu_ptr(s->cpu_slab));",
    run: (k) => call("unfreeze_partials", { c: k.cpu }),
  },
  {
    line: "local_irq_restore(flags); }",
    run: (k) => {
      irqRestore(k);
      return undefined;
    },
  },
  {
    label: "out",
    line: "preempt_enable()",
    run: (k) => {
      preemptEnable(k);
      return ret();
    },
  },
]);

const unfreezePartials = fn(
  "unfreeze_partials",
  unfreezeLoopSteps({ irqsave: false, pop: "cpu" }),
);

const flushSlab = fn("flush_slab", [
  {
    line: "stat(s, CPUSLAB_FLUSH); deactivate_slab(s, c->page, c->freelist, c)",
    run: (k) => {
      stat(k, "CPUSLAB_FLUSH");
      const cs = c(k);
      return call("deactivate_slab", {
        page: cs.page,
        freelist: cs.freelist,
        c: num(k.L, "c"),
      });
    },
  },
  {
    line: "c->tid = next_tid(c->tid)",
    run: (k) => {
      const cs = c(k);
      cs.tid = nextTid(k.m, cs.tid);
      return ret();
    },
  },
]);

const flushCpuSlabOf = fn("__flush_cpu_slab", [
  {
    line: "c = per_cpu_ptr(s->cpu_slab, cpu); if (c->page) flush_slab(s, c)",
    run: (k) => {
      k.L.c = num(k.L, "cpu");
      return c(k).page !== null
        ? call("flush_slab", { c: num(k.L, "c") })
        : undefined;
    },
  },
  {
    line: "unfreeze_partials(s, c)",
    run: (k) => call("unfreeze_partials", { c: num(k.L, "c") }),
    after: () => ret(),
  },
]);

/** flush_cpu_slab(void *d): the IPI handler, in hardirq context on its CPU. */
const flushCpuSlabIpi = fn("flush_cpu_slab", [
  {
    line: "__flush_cpu_slab(s, smp_processor_id())",
    run: (k) => call("__flush_cpu_slab", { cpu: k.cpu }),
    after: () => ret(),
  },
]);

/** flush_all() = on_each_cpu_cond(has_cpu_slab, flush_cpu_slab, s, 1): synchronous IPIs. */
const flushAll = fn("flush_all", [
  {
    line: "on_each_cpu_cond(has_cpu_slab, flush_cpu_slab, s, 1): preempt_disable()",
    run: (k) => {
      preemptDisable(k);
      k.L.me = k.cpu;
      k.L.cpu = 0;
      k.L.mask = [];
      k.L.sent = [];
      k.L.runLocal = false;
      return undefined;
    },
  },
  {
    label: "cond",
    line: "for_each_online_cpu(cpu): if (has_cpu_slab(cpu, s)) __cpumask_set_cpu(cpu, cpus)",
    run: (k) => {
      const m = k.m;
      let cpu = num(k.L, "cpu");
      while (cpu < m.cpus.length && !m.cpus[cpu]!.online) cpu++;
      if (cpu >= m.cpus.length) return undefined;
      k.L.cpu = cpu + 1;
      // The condition of the local CPU is tested only after the IPIs are sent (next steps).
      if (cpu === k.L.me) k.L.runLocal = true;
      else if (hasCpuSlab(k, cpu)) (k.L.mask as number[]).push(cpu);
      return goto("cond");
    },
  },
  {
    line: "smp_call_function_many_cond(): send the IPI to every other CPU in the mask",
    run: (k) => {
      for (const cpu of k.L.mask as number[]) {
        const h = k.m.actors.find(
          (a) => a.system && a.kind === "irq" && a.cpu === cpu,
        )!;
        h.ops.push({ kind: "flushCpuSlabWork", requester: k.a.id });
        schedWrites.n++;
        (k.L.sent as number[]).push(h.id, h.ops.length - 1);
      }
      return undefined;
    },
  },
  {
    line: "if (run_local && cond_func(this_cpu, info)): has_cpu_slab(smp_processor_id(), s)",
    run: (k) =>
      k.L.runLocal === true && hasCpuSlab(k, num(k.L, "me"))
        ? undefined
        : goto("wait"),
  },
  {
    line: "run_local: local_irq_save(flags); flush_cpu_slab(s)",
    run: (k) => {
      irqSave(k);
      return call("__flush_cpu_slab", { cpu: k.cpu });
    },
  },
  {
    line: "local_irq_restore(flags)",
    run: (k) => {
      irqRestore(k);
      return undefined;
    },
  },
  {
    label: "wait",
    line: "for_each_cpu(cpu, cfd->cpumask): csd_lock_wait(csd)  (spin until each handler is done)",
    run: (k) => {
      const q = k.L.sent as number[];
      if (q.length === 0) return undefined;
      const [actor, op] = [q[0]!, q[1]!];
      if (k.m.actors[actor]!.op > op) {
        q.splice(0, 2);
        setWait(k.a, null);
        return goto("wait");
      }
      setWait(k.a, { kind: "ipi", actor, op });
      stepOutcome(k, "spun");
      return RETRY;
    },
  },
  {
    line: "preempt_enable()",
    run: (k) => {
      preemptEnable(k);
      return ret();
    },
  },
]);

const slubCpuDead = fn("slub_cpu_dead", [
  {
    line: "mutex_lock(&slab_mutex)",
    run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry(s, &slab_caches, list): local_irq_save(flags); __flush_cpu_slab(s, cpu)",
    run: (k) => {
      irqSave(k);
      return call("__flush_cpu_slab", { cpu: num(k.L, "cpu") });
    },
  },
  {
    line: "local_irq_restore(flags)",
    run: (k) => {
      irqRestore(k);
      return undefined;
    },
  },
  {
    line: "mutex_unlock(&slab_mutex)",
    run: (k) => {
      mutexUnlock(k, { kind: "slabMutex" });
      return ret();
    },
  },
]);

export const v514Fns: Record<string, KernelFn> = {
  ...v515Fns,
  ...table([
    slabAllocNode,
    slabAllocWrapper,
    slabAllocSlow,
    newSlabObjects,
    getPartialNodeFn({ irqsave: false, installCpuPage: true }),
    newSlab,
    deactivateSlab,
    doSlabFree,
    putCpuPartial,
    unfreezePartials,
    flushSlab,
    flushCpuSlabOf,
    flushCpuSlabIpi,
    flushAll,
    slubCpuDead,
  ]),
};

// v5.14 has no detached-chain helpers and no flush work: keep the table to what it has.
delete v514Fns["__unfreeze_partials"];
delete v514Fns["unfreeze_partials_cpu"];
delete v514Fns["flush_all_cpus_locked"];
