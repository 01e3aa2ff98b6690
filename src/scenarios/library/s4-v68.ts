import type { Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * v6.8 ("slub: Delay freezing of CPU partial slabs"): cpu partial slabs stay unfrozen, only the
 * cpu slab is frozen (freeze_slab), and a slab flag says whether a slab is on its node's list.
 */
const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const alloc = (slot: string) => ({ kind: "alloc", slot }) as const;
const free = (slot: string) => ({ kind: "free", slot }) as const;
const onCpu = <T>(cpu: number, ops: T[]) => ops.map((op) => ({ cpu, op }));

const SOURCE = {
  seed: "v6.8 mm/slub.c: ___slab_alloc, freeze_slab, __slab_free, put_cpu_partial, __put_partials, deactivate_slab",
  fix: 'merged for 6.8: "slub: Delay freezing of CPU partial slabs" (Chengming Zhou)',
  basis: "outside",
} as const;

export const v68Tour: LibraryEntry = {
  id: "v68-tour",
  kind: "tour",
  summary:
    "The 6.8 paths end to end: a free into a full slab parks it on the freeing CPU's partial list without freezing it; an allocation there takes it off the list and freezes it with one cmpxchg (freeze_slab); a flush puts the cpu slab back on its node list, which sets the slab's on-node-list flag.",
  source: SOURCE,
  scenario: {
    ...base,
    title: "Tour (v6.8): unfrozen cpu partial slabs and freeze_slab",
    kernel: { variant: "v6.8", cpus: 2 },
    cache: { objects: 2, cpuPartial: 4, minPartial: 1 },
    prepare: onCpu(0, [alloc("a"), alloc("a"), alloc("b")]),
    actors: [
      {
        name: "B",
        kind: "task",
        cpu: 1,
        ops: [free("a"), alloc("c"), { kind: "shrink" }],
      },
    ],
    narration: [
      {
        step: 0,
        text: "CPU 0 filled slab P0 and moved on to P1, so P0 is full, unfrozen and on no list (SLUB keeps no full list). B, on CPU 1, frees one of P0's objects.",
      },
      {
        step: 6,
        text: "P0 was full (prior is NULL) and not frozen: the free needs no list_lock. 6.8 does not freeze it here (5.15 did): the cmpxchg only links the object in.",
      },
      {
        step: 12,
        text: "put_cpu_partial links P0 into CPU 1's partial list as it is, unfrozen (cpu_partial_free). A cpu partial slab is now !frozen and without the on-node-list flag.",
      },
      {
        step: 24,
        text: "B allocates on CPU 1, which has no cpu slab: ___slab_alloc pops P0 off c->partial under the local lock (cpu_partial_alloc).",
      },
      {
        step: 29,
        text: "freeze_slab: one cmpxchg on {freelist, counters} takes P0's whole freelist and sets frozen. Only now, as the cpu slab, is P0 frozen.",
      },
      {
        step: 61,
        text: "kmem_cache_shrink flushes every CPU. On CPU 0, deactivate_slab unfreezes the cpu slab P1 with its cmpxchg first, and only then takes list_lock to add it to the node list. (CPU 1's P0 is full by now: it goes on no list.)",
      },
      {
        step: 71,
        text: "add_partial puts P1 on the node list and sets its on-node-list flag (PG_workingset in the kernel), under list_lock.",
      },
    ],
  },
  expect: [],
};

export const v68EmptyStaysOnCpuPartial: LibraryEntry = {
  id: "v68-empty-slab-on-cpu-partial",
  kind: "tour",
  summary:
    "A free empties a slab that sits, unfrozen, on another CPU's partial list. __slab_free locks the node list and reads the on-node-list flag: clear, so the slab belongs to a CPU's partial list and the free leaves it there, empty. This is correct: the slab is freed later, when that CPU's partial list is put back (__put_partials discards empty slabs the node does not need).",
  source: SOURCE,
  scenario: {
    ...base,
    title: "v6.8: an empty slab legitimately stays on a CPU's partial list",
    description:
      "A teaching scenario: nothing is wrong. Without the frozen bit on cpu partial slabs, the flag is how __slab_free tells a slab on its node list from one on some CPU's partial list.",
    kernel: { variant: "v6.8", cpus: 2 },
    cache: { objects: 2, cpuPartial: 8, minPartial: 0 },
    prepare: onCpu(0, [alloc("a"), alloc("a"), alloc("b")]),
    actors: [
      { name: "B", kind: "task", cpu: 1, ops: [free("a")] },
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [free("a"), { kind: "shrink" }],
      },
    ],
    schedule: { steps: ["B*13", "A*10"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "P0 is full and on no list; CPU 0's cpu slab is P1. B, on CPU 1, frees one of P0's two objects.",
      },
      {
        step: 12,
        text: "P0 was full, so B's free puts it on CPU 1's partial list, unfrozen (cpu_partial_free).",
      },
      {
        step: 13,
        text: "A, on CPU 0, frees P0's last object. P0 is not A's cpu slab, so it takes __slab_free.",
      },
      {
        step: 19,
        text: "The slab will be empty and is not frozen: A takes list_lock and reads the on-node-list flag. It is clear: P0 is on some CPU's partial list.",
      },
      {
        step: 22,
        text: "prior was not NULL and the flag is clear: __slab_free takes no list action and returns. P0 stays on CPU 1's partial list with inuse 0, and no check objects: it is still reachable and will be handled when that list is put back.",
      },
      {
        step: 58,
        text: "kmem_cache_shrink flushes CPU 1: put_partials hands its list to __put_partials, which finds P0 empty with enough partial slabs on the node and discards it (deactivate_empty, free_slab).",
      },
    ],
  },
  expect: [],
};

export const v68FreezeVsRemoteFree: LibraryEntry = {
  id: "v68-freeze-vs-remote-free",
  kind: "tour",
  summary:
    "freeze_slab reads a cpu partial slab's freelist and counters, then a free on another CPU changes them before freeze_slab's cmpxchg. The cmpxchg compares both words, fails and retries: the second attempt takes the freed object too. No object is lost.",
  source: SOURCE,
  scenario: {
    ...base,
    title: "v6.8: freeze_slab vs a remote free (the cmpxchg retries)",
    description:
      "Since 6.8 the freeze happens outside list_lock, in one cmpxchg on {freelist, counters}; a concurrent __slab_free on the unfrozen slab is caught by that cmpxchg.",
    kernel: { variant: "v6.8", cpus: 2 },
    cache: { objects: 2, cpuPartial: 8, minPartial: 1 },
    prepare: [
      ...onCpu(0, [alloc("a"), alloc("a"), alloc("b"), alloc("b")]),
      ...onCpu(0, [free("a")]),
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [alloc("c")] },
      { name: "B", kind: "task", cpu: 1, ops: [free("a")] },
    ],
    schedule: {
      steps: ["A>freeze_slab:retry+1", "B*10"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "P0 is on CPU 0's partial list, unfrozen, with one free object; CPU 0's cpu slab P1 is full. A allocates on CPU 0.",
      },
      {
        step: 25,
        text: "A finds P1 exhausted, pops P0 off c->partial and calls freeze_slab, which reads P0's freelist and counters.",
      },
      {
        step: 26,
        text: "Before A's cmpxchg, B frees P0's other object on CPU 1. P0 would become empty and is unfrozen, so B locks list_lock and reads the flag: clear (A holds P0, off every list). B's cmpxchg succeeds and it takes no list action: P0's freelist and inuse changed under A.",
      },
      {
        step: 36,
        text: "A's cmpxchg compares {freelist, counters} with what it read: both changed, so it fails (cmpxchg_double_fail) and freeze_slab reads again.",
      },
      {
        step: 38,
        text: "The second cmpxchg succeeds: A takes both free objects and P0 is frozen as the cpu slab. Nothing is lost.",
      },
    ],
  },
  expect: [],
};

export const v68Scenarios: LibraryEntry[] = [
  v68Tour,
  v68EmptyStaysOnCpuPartial,
  v68FreezeVsRemoteFree,
];
