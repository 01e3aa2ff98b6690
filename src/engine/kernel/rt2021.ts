/**
 * The PREEMPT_RT tree's SLUB of July 2021 (the local_lock series v2/v3 in 5.13-rt/5.14-rt), and
 * the fixes proposed in the thread of seed 000:
 *
 *   rt-2021-07   ___slab_alloc works on c->partial under the local lock, which on RT no longer
 *                disables irqs, while put_cpu_partial still links pages with a this_cpu_cmpxchg
 *                loop under slub_get_cpu_ptr (migrate_disable on RT: 2180da7ea70a) and
 *                unfreeze_partials detaches the chain with this_cpu_cmpxchg, without the lock.
 *                The fast paths are lockless on RT as well (before patch 35 of the series).
 *   rt-2021-07-mike-v2   Mike Galbraith's v2: the local lock around unfreeze_partials() (seed
 *                000); modelled in put_cpu_partial's drain, not in the flush work.
 *
 * Built from the v5.15 table (whose ___slab_alloc, deactivate_slab and flush paths match the RT
 * tree's at the time) by overriding put_cpu_partial, unfreeze_partials and the fast paths.
 * Simplified: Mike's unlock/relock around the discard loop for memcg is not modelled (no memcg).
 */
import {
  call,
  fn,
  goto,
  num,
  ref,
  ret,
  variant,
  type K,
  type StepDef,
  type Variant,
} from "../program";
import {
  cpuSlab,
  disownSlab,
  localLockIrqsave,
  localUnlockIrqrestore,
  migrateDisable,
  migrateEnable,
  note,
  ownSlab,
  partialTotals,
  preemptDisable,
  preemptEnable,
  slabPage,
  stat,
} from "../prims";
import { chainOf, slubCpuPartial } from "./common";
import { allocFastSteps, cThenTid, freeFastSteps, v515Fns } from "./v5_15";

/** slub_get_cpu_ptr(): preempt_disable on !RT, migrate_disable on RT. */
function getCpuPtr(k: K): void {
  if (k.m.config.preemptRt) migrateDisable(k);
  else preemptDisable(k);
  k.L.c = k.cpu;
}
function putCpuPtr(k: K): void {
  if (k.m.config.preemptRt) migrateEnable(k);
  else preemptEnable(k);
}

/** put_cpu_partial() with the cmpxchg loop; `drainLocked` adds Mike's lock around the drain. */
function putCpuPartialSteps(drainLocked: boolean): StepDef[] {
  const drain: StepDef[] = drainLocked
    ? [
        {
          line: "if (drain && pobjects > slub_cpu_partial(s)) { local_lock_irqsave(&s->cpu_slab->lock, flags);",
          run: (k) => (localLockIrqsave(k) ? undefined : { kind: "retry" }),
        },
        {
          line: "unfreeze_partials(s);",
          run: () => call("unfreeze_partials"),
        },
        {
          line: "local_unlock_irqrestore(&s->cpu_slab->lock, flags); oldpage = NULL; pobjects = 0; pages = 0; stat(s, CPU_PARTIAL_DRAIN); }",
          run: (k) => {
            localUnlockIrqrestore(k);
            k.L.oldpage = null;
            k.L.pobjects = 0;
            k.L.pages = 0;
            stat(k, "CPU_PARTIAL_DRAIN");
            return undefined;
          },
        },
      ]
    : [
        {
          line: "if (drain && pobjects > slub_cpu_partial(s)) { unfreeze_partials(s);",
          run: () => call("unfreeze_partials"),
          after: (k) => {
            k.L.oldpage = null;
            k.L.pobjects = 0;
            k.L.pages = 0;
            stat(k, "CPU_PARTIAL_DRAIN");
            return undefined;
          },
        },
      ];
  return [
    {
      line: "slub_get_cpu_ptr(s->cpu_slab)  (!RT: preempt_disable; RT: migrate_disable)",
      run: (k) => {
        getCpuPtr(k);
        return undefined;
      },
    },
    {
      label: "loop",
      line: "do { pages = 0; pobjects = 0; oldpage = this_cpu_read(s->cpu_slab->partial);",
      run: (k) => {
        k.L.pages = 0;
        k.L.pobjects = 0;
        k.L.oldpage = cpuSlab(k, k.cpu).partial;
        return k.L.oldpage === null ? goto("link") : undefined;
      },
    },
    {
      line: "if (oldpage) { pobjects = oldpage->pobjects; pages = oldpage->pages;",
      run: (k) => {
        const t = partialTotals(k, num(k.L, "oldpage"));
        k.L.pobjects = t.pobjects;
        k.L.pages = t.pages;
        return k.L.drain === true && t.pobjects > slubCpuPartial(k.m)
          ? undefined
          : goto("link");
      },
    },
    ...drain,
    {
      label: "link",
      line: "pages++; pobjects += page->objects - page->inuse; page->pages = pages; page->pobjects = pobjects; page->next = oldpage",
      run: (k) => {
        const p = slabPage(k, num(k.L, "page"), "put_cpu_partial");
        p.pages = num(k.L, "pages") + 1;
        p.pobjects = num(k.L, "pobjects") + (p.objects - p.inuse);
        p.next = ref(k.L, "oldpage");
        return undefined;
      },
    },
    {
      line: "} while (this_cpu_cmpxchg(s->cpu_slab->partial, oldpage, page) != oldpage)",
      run: (k) => {
        const here = cpuSlab(k, k.cpu);
        if (here.partial !== ref(k.L, "oldpage")) {
          note(k, "cmpxchg-fail");
          return goto("loop");
        }
        here.partial = num(k.L, "page");
        disownSlab(k, num(k.L, "page"));
        return undefined;
      },
    },
    {
      line: "slub_put_cpu_ptr(s->cpu_slab)",
      run: (k) => {
        putCpuPtr(k);
        return ret();
      },
    },
  ];
}

/** unfreeze_partials(): detach this CPU's chain with this_cpu_cmpxchg, no lock. */
const unfreezePartialsCmpxchg = fn("unfreeze_partials", [
  {
    label: "again",
    line: "partial_page = this_cpu_read(s->cpu_slab->partial)",
    run: (k) => {
      k.L.partial = cpuSlab(k, k.cpu).partial;
      return k.L.partial === null ? ret() : undefined;
    },
  },
  {
    line: "} while (this_cpu_cmpxchg(s->cpu_slab->partial, partial_page, NULL) != partial_page)",
    run: (k) => {
      const here = cpuSlab(k, k.cpu);
      const p = ref(k.L, "partial");
      if (here.partial !== p) {
        note(k, "cmpxchg-fail");
        return goto("again");
      }
      for (const pid of chainOf(k.m, p)) ownSlab(k, pid);
      here.partial = null;
      return undefined;
    },
  },
  {
    line: "__unfreeze_partials(s, partial_page)",
    run: (k) => call("__unfreeze_partials", { partial: num(k.L, "partial") }),
    after: () => ret(),
  },
]);

/** The fast paths of the RT tree before patch 35: lockless on RT too. */
const slabAllocNodeLockless = fn("slab_alloc_node", [
  ...cThenTid,
  ...allocFastSteps(false),
]);
const doSlabFreeLockless = fn("do_slab_free", [
  ...cThenTid,
  ...freeFastSteps(false),
]);

const rt202107 = variant(
  "rt-2021-07",
  "PREEMPT_RT tree, July 2021: c->partial under the local lock in ___slab_alloc, but a lockless cmpxchg loop in put_cpu_partial and lockless fast paths",
  true,
  v515Fns,
  [
    slabAllocNodeLockless,
    doSlabFreeLockless,
    fn("put_cpu_partial", putCpuPartialSteps(false)),
    unfreezePartialsCmpxchg,
  ],
);

const mikeV2 = variant(
  "rt-2021-07-mike-v2",
  "rt-2021-07 with Mike Galbraith's v2: the local lock around the drain's unfreeze_partials() only",
  true,
  rt202107.fns,
  [fn("put_cpu_partial", putCpuPartialSteps(true))],
);

/** The variants of this file, registered by kernel/index.ts. */
export const rt2021Variants: readonly Variant[] = [rt202107, mikeV2];
