/**
 * The PREEMPT_RT tree's SLUB of July 2021 (the local_lock series v2/v3 in 5.13-rt/5.14-rt), and
 * the fixes proposed in the thread of seed 000:
 *
 *   rt-2021-07   ___slab_alloc works on c->partial under the local lock, which on RT no longer
 *                disables irqs, while put_cpu_partial still links pages with a this_cpu_cmpxchg
 *                loop under slub_get_cpu_ptr (migrate_disable on RT: 2180da7ea70a) and
 *                unfreeze_partials detaches the chain with this_cpu_cmpxchg, without the lock.
 *                The fast paths take the local lock on RT, as in v5.15: the series had given up
 *                lockless fast paths on RT since its v2, the version the 5.13 RT tree took (seed
 *                002's cover letter, "Changes since RFC v1"). The unlocked peek at c->page uses
 *                pfmemalloc_match(), whose PageSlabPfmemalloc() asserts PageSlab: Clark
 *                Williams hit that VM_BUG_ON on 5.14.0-rc5-rt8 (seed 002, R5), and
 *                pfmemalloc_match_unsafe() came only with the fix-up of August 2021.
 *   rt-2021-07-lockless-whatif   hypothetical: rt-2021-07 with the lockless fast paths of the
 *                RFC v1 kept on RT. No tree had this; it shows why the series took the local
 *                lock in the fast paths (R3, basis: analysis).
 *   rt-2021-07-mike-v2   Mike Galbraith's v2: local_lock around unfreeze_partials() in the drain
 *                and in the flush work, and around __flush_cpu_slab() in slub_cpu_dead (seed
 *                000); on RT with memcg __unfreeze_partials drops the lock around its discard
 *                loop and takes it again, whoever called it.
 *   rt-2021-07-vlastimil     Vlastimil Babka's counter-proposal, as posted (with its typo).
 *   rt-2021-07-bent-up-half  Mike's "bent up half" of it.
 *   rt-2021-07-naive-lock    the naive fix: the lock across all of put_cpu_partial (R0-3).
 *
 * Built from the v5.15 table (whose fast paths, ___slab_alloc, deactivate_slab and flush paths
 * match the RT tree's at the time, but for the pfmemalloc peek) by overriding ___slab_alloc's
 * peek, put_cpu_partial and unfreeze_partials.
 */
import {
  call,
  fn,
  goto,
  num,
  ref,
  ret,
  RETRY,
  override,
  type FnTable,
  type K,
  type StepDef,
} from "../program";
import type { VariantName } from "../variants";
import {
  cpuSlab,
  disownSlab,
  holds,
  localLock,
  localUnlock,
  mutexLock,
  mutexUnlock,
  ownSlab,
  preemptDisable,
  preemptEnable,
  report,
  stat,
  kernelLog,
  stepOutcome,
} from "../prims";
import { chainOf } from "./common";
import {
  allocFastSteps,
  cThenTid,
  cpuPartialSteps,
  freeFastSteps,
  pfmemallocPeek,
  slabAllocSlowFn,
  slubGetCpuPtr,
  slubPutCpuPtr,
  unfreezeLoopSteps,
  v515Fns,
} from "./v5_15";

/**
 * The put_cpu_partial() of each proposal in seed 000; all keep the this_cpu_cmpxchg loop.
 *   rt-2021-07     slub_get_cpu_ptr (migrate_disable on RT) only; the drain calls unfreeze_partials.
 *   mike-v2        as rt-2021-07, with local_lock/local_unlock around the drain's unfreeze_partials.
 *   vlastimil      RT: local_lock for the whole loop; the drain empties c->partial with a plain write,
 *                  unlocks, unfreezes the detached chain and relocks. !RT: get_cpu_ptr and
 *                  unfreeze_partials. As posted, the closing `#ifndef CONFIG_PREMPT_RT` (sic) is
 *                  never defined, so every configuration ends with put_cpu_ptr(): on RT the lock is
 *                  never released and the preempt count underflows.
 *   bent-up-half   Mike's "bent up half" of it: the lock only `if (PREEMPT_RT && drain)`, and the
 *                  plain write + detached unfreeze on every configuration.
 *   naive          the naive fix of seed 000's R0-3: on RT the whole of put_cpu_partial under the
 *                  local lock, the drain's unfreeze_partials (and so discard_slab) included.
 */
type Proposal =
  "rt-2021-07" | "mike-v2" | "vlastimil" | "bent-up-half" | "naive";

function putCpuPartialSteps(style: Proposal): StepDef[] {
  const rt = (k: K) => k.m.config.preemptRt;
  const lockedHere = (k: K) =>
    style === "vlastimil"
      ? rt(k)
      : style === "bent-up-half"
        ? rt(k) && k.L.drain === true
        : false;
  const enter: StepDef[] = [
    {
      line:
        style === "vlastimil" || style === "naive"
          ? "#ifndef CONFIG_PREEMPT_RT get_cpu_ptr(s->cpu_slab); #else local_lock(&s->cpu_slab->lock); #endif"
          : "slub_get_cpu_ptr(s->cpu_slab)  (!RT: preempt_disable; RT: migrate_disable)",
      run: (k) => {
        if ((style === "vlastimil" || style === "naive") && rt(k)) {
          if (!localLock(k)) return RETRY;
          k.L.c = k.cpu;
          return undefined;
        }
        if (style === "vlastimil" || style === "naive") {
          preemptDisable(k);
          k.L.c = k.cpu;
          return undefined;
        }
        slubGetCpuPtr(k);
        return style === "bent-up-half" ? undefined : goto("loop");
      },
    },
  ];
  if (style === "bent-up-half")
    enter.push({
      line: "if (IS_ENABLED(CONFIG_PREEMPT_RT) && drain) local_lock(&s->cpu_slab->lock)",
      run: (k) => (lockedHere(k) && !localLock(k) ? RETRY : undefined),
    });
  const unfreezeDetached: StepDef[] = [
    {
      line: "this_cpu_write(s->cpu_slab->partial, NULL)",
      run: (k) => {
        for (const pid of chainOf(k.m, ref(k.L, "oldpage"))) ownSlab(k, pid);
        cpuSlab(k, k.cpu).partial = null;
        return undefined;
      },
    },
    {
      line:
        style === "vlastimil"
          ? "local_unlock(&s->cpu_slab->lock)  (RT)"
          : "if (IS_ENABLED(CONFIG_PREEMPT_RT) && drain) local_unlock(&s->cpu_slab->lock)",
      run: (k) => {
        if (lockedHere(k)) localUnlock(k);
        return undefined;
      },
    },
    {
      line: "__unfreeze_partials(s, oldpage)",
      run: (k) => call("__unfreeze_partials", { partial: num(k.L, "oldpage") }),
    },
    {
      line:
        style === "vlastimil"
          ? "local_lock(&s->cpu_slab->lock); oldpage = NULL; pobjects = 0; pages = 0; stat(s, CPU_PARTIAL_DRAIN)  (RT)"
          : "if (IS_ENABLED(CONFIG_PREEMPT_RT) && drain) local_lock(&s->cpu_slab->lock); oldpage = NULL; ...",
      run: (k) => {
        if (lockedHere(k) && !localLock(k)) return RETRY;
        return drained(k);
      },
    },
  ];
  const drain: StepDef[] =
    style === "mike-v2"
      ? [
          {
            line: "if (drain && pobjects > slub_cpu_partial(s)) { local_lock(&s->cpu_slab->lock);",
            run: (k) => (localLock(k) ? undefined : RETRY),
          },
          {
            line: "unfreeze_partials(s);",
            run: () => call("unfreeze_partials"),
          },
          {
            line: "local_unlock(&s->cpu_slab->lock); oldpage = NULL; pobjects = 0; pages = 0; stat(s, CPU_PARTIAL_DRAIN); }",
            run: (k) => {
              localUnlock(k);
              return drained(k);
            },
          },
        ]
      : style === "rt-2021-07" || style === "naive"
        ? [
            {
              line: "if (drain && pobjects > slub_cpu_partial(s)) { unfreeze_partials(s);",
              run: () => call("unfreeze_partials"),
              after: drained,
            },
          ]
        : style === "vlastimil"
          ? [
              {
                line: "if (drain && pobjects > slub_cpu_partial(s)) {  #ifndef CONFIG_PREEMPT_RT unfreeze_partials(s);",
                run: (k) => (rt(k) ? undefined : call("unfreeze_partials")),
                after: (k) => {
                  drained(k);
                  return goto("link");
                },
              },
              ...unfreezeDetached,
            ]
          : unfreezeDetached;
  const leave: StepDef[] =
    style === "naive"
      ? [
          {
            line: "#ifndef CONFIG_PREEMPT_RT put_cpu_ptr(s->cpu_slab); #else local_unlock(&s->cpu_slab->lock); #endif",
            run: (k) => {
              if (rt(k)) localUnlock(k);
              else preemptEnable(k);
              return ret();
            },
          },
        ]
      : style === "vlastimil"
        ? [
            {
              line: "#ifndef CONFIG_PREMPT_RT put_cpu_ptr(s->cpu_slab); #else local_unlock(...); #endif  (sic: PREMPT)",
              run: (k) => {
                // CONFIG_PREMPT_RT is never defined: this branch is taken on RT as well.
                preemptEnable(k);
                return ret();
              },
            },
          ]
        : [
            ...(style === "bent-up-half"
              ? [
                  {
                    line: "if (IS_ENABLED(CONFIG_PREEMPT_RT) && drain) local_unlock(&s->cpu_slab->lock)",
                    run: (k: K) => {
                      if (lockedHere(k)) localUnlock(k);
                      return undefined;
                    },
                  } satisfies StepDef,
                ]
              : []),
            {
              line: "slub_put_cpu_ptr(s->cpu_slab)",
              run: (k) => {
                slubPutCpuPtr(k);
                return ret();
              },
            },
          ];
  return [
    ...enter,
    cpuPartialSteps.loopHead,
    cpuPartialSteps.readTotals,
    ...drain,
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
        return undefined;
      },
    },
    ...leave,
  ];
}

/** After a drain: the old chain is gone from this CPU. */
function drained(k: K): undefined {
  k.L.oldpage = null;
  k.L.pobjects = 0;
  k.L.pages = 0;
  stat(k, "CPU_PARTIAL_DRAIN");
  return undefined;
}

/** unfreeze_partials(): detach this CPU's chain with this_cpu_cmpxchg (under the lock on RT for `locked`). */
function unfreezePartialsFn(locked: boolean) {
  const lock: StepDef[] = locked
    ? [
        {
          line: "#ifdef CONFIG_PREEMPT_RT local_lock(&s->cpu_slab->lock); #endif",
          run: (k) =>
            k.m.config.preemptRt && !localLock(k) ? RETRY : undefined,
        },
      ]
    : [];
  const unlock: StepDef[] = locked
    ? [
        {
          line: "#ifdef CONFIG_PREEMPT_RT local_unlock(&s->cpu_slab->lock); #endif",
          run: (k) => {
            if (k.m.config.preemptRt) localUnlock(k);
            return k.L.partial === null ? ret() : undefined;
          },
        },
      ]
    : [];
  return fn("unfreeze_partials", [
    ...lock,
    {
      label: "again",
      line: "partial_page = this_cpu_read(s->cpu_slab->partial)",
      run: (k) => {
        k.L.partial = cpuSlab(k, k.cpu).partial;
        return k.L.partial === null
          ? locked
            ? goto("detached")
            : ret()
          : undefined;
      },
    },
    {
      line: "} while (this_cpu_cmpxchg(s->cpu_slab->partial, partial_page, NULL) != partial_page)",
      run: (k) => {
        const here = cpuSlab(k, k.cpu);
        const p = ref(k.L, "partial");
        if (here.partial !== p) {
          stepOutcome(k, "cmpxchgFailed");
          return goto("again");
        }
        for (const pid of chainOf(k.m, p)) ownSlab(k, pid);
        here.partial = null;
        return undefined;
      },
    },
    ...unlock.map((u) => ({ ...u, label: "detached" })),
    {
      line: "__unfreeze_partials(s, partial_page)",
      run: (k) => call("__unfreeze_partials", { partial: num(k.L, "partial") }),
      after: () => ret(),
    },
  ]);
}

/** Hypothetical fast paths: lockless on RT too, as in the series' RFC v1 (R3's "what if"). */
const slabAllocNodeLockless = fn("slab_alloc_node", [
  ...cThenTid,
  ...allocFastSteps(false),
]);
const doSlabFreeLockless = fn("do_slab_free", [
  ...cThenTid,
  ...freeFastSteps(false),
]);

const rt202107 = override(v515Fns, [
  slabAllocSlowFn(pfmemallocPeek.asserting),
  fn("put_cpu_partial", putCpuPartialSteps("rt-2021-07")),
  unfreezePartialsFn(false),
]);

const locklessWhatif = override(rt202107, [
  slabAllocNodeLockless,
  doSlabFreeLockless,
]);

/** Mike's v2 also wraps the flush work's unfreeze_partials() in the lock. */
const flushCpuSlabMike = fn("flush_cpu_slab", [
  {
    line: "c = this_cpu_ptr(s->cpu_slab); if (c->page) flush_slab(s, c, true)",
    run: (k) => {
      k.L.c = k.cpu;
      return cpuSlab(k, k.cpu).page !== null
        ? call("flush_slab", { c: k.cpu })
        : undefined;
    },
  },
  {
    line: "local_lock(&s->cpu_slab->lock)",
    run: (k) => (localLock(k) ? undefined : RETRY),
  },
  { line: "unfreeze_partials(s)", run: () => call("unfreeze_partials") },
  {
    line: "local_unlock(&s->cpu_slab->lock)",
    run: (k) => {
      localUnlock(k);
      return ret();
    },
  },
]);

/**
 * Mike's v2 __unfreeze_partials(): his callers hold the local lock, so on RT with memcg he drops
 * it around the discard loop, where memcg's kfree() of the obj_cgroups vector can come back into
 * put_cpu_partial (the "wart" of his patch). The unlock and relock depend only on the
 * configuration: a caller without the lock trips the lockdep_assert_held() first.
 */
const unfreezePartialsMike = fn(
  "__unfreeze_partials",
  unfreezeLoopSteps({
    irqsave: true,
    pop: "detached",
    aroundDiscard: {
      before: {
        line: "if (IS_ENABLED(CONFIG_PREEMPT_RT) && memcg_kmem_enabled()) { lockdep_assert_held(&s->cpu_slab->lock); local_unlock(&s->cpu_slab->lock); }",
        run: (k) => {
          if (!(k.m.config.preemptRt && k.m.config.memcg)) return undefined;
          if (
            k.m.config.lockdep &&
            !holds(k.a, { kind: "cpuSlab", cpu: k.cpu })
          )
            report(
              k,
              "vm-bug-on",
              kernelLog(
                "WARNING: lockdep_assert_held(&s->cpu_slab->lock) failed in __unfreeze_partials",
              ),
            );
          localUnlock(k);
          return undefined;
        },
      },
      after: {
        line: "if (IS_ENABLED(CONFIG_PREEMPT_RT) && memcg_kmem_enabled()) local_lock(&s->cpu_slab->lock)",
        run: (k) =>
          k.m.config.preemptRt && k.m.config.memcg && !localLock(k)
            ? RETRY
            : ret(),
      },
    },
  }),
);

/** Mike's v2 slub_cpu_dead(): this CPU's local lock around the dead CPU's flush. */
const slubCpuDeadMike = fn("slub_cpu_dead", [
  {
    line: "mutex_lock(&slab_mutex)",
    run: (k) => (mutexLock(k, { kind: "slabMutex" }) ? undefined : RETRY),
  },
  {
    line: "list_for_each_entry(s, &slab_caches, list) { local_lock(&s->cpu_slab->lock);",
    run: (k) => (localLock(k) ? undefined : RETRY),
  },
  {
    line: "__flush_cpu_slab(s, cpu);",
    run: (k) => call("__flush_cpu_slab", { cpu: num(k.L, "cpu") }),
  },
  {
    line: "local_unlock(&s->cpu_slab->lock); }",
    run: (k) => {
      localUnlock(k);
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

const mikeV2 = override(rt202107, [
  fn("put_cpu_partial", putCpuPartialSteps("mike-v2")),
  flushCpuSlabMike,
  unfreezePartialsMike,
  slubCpuDeadMike,
]);

const vlastimil = override(rt202107, [
  fn("put_cpu_partial", putCpuPartialSteps("vlastimil")),
  unfreezePartialsFn(true),
]);

const bentUpHalf = override(rt202107, [
  fn("put_cpu_partial", putCpuPartialSteps("bent-up-half")),
]);

const naive = override(rt202107, [
  fn("put_cpu_partial", putCpuPartialSteps("naive")),
]);

/** The function tables of this file's variants, by name (kernel/index.ts collects them). */
export const rt2021Tables = {
  "rt-2021-07": rt202107,
  "rt-2021-07-lockless-whatif": locklessWhatif,
  "rt-2021-07-mike-v2": mikeV2,
  "rt-2021-07-vlastimil": vlastimil,
  "rt-2021-07-bent-up-half": bentUpHalf,
  "rt-2021-07-naive-lock": naive,
} satisfies Partial<Record<VariantName, FnTable>>;
