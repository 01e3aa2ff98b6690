import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/**
 * Seed 000, R0-1b: what follows R0-1 with CONFIG_DEBUG_VM. The July 2021 RT tree's pfmemalloc
 * check asserts PageSlab, so the allocation stops at once on the freed page it installed. The
 * stale partial list it leaves (a free page of the page allocator) is never drained by a free:
 * its head's pobjects is half a kernel pointer, a negative number. A flush finds the freed cpu
 * slab instead.
 */
export const r01bStalePartialDrain: LibraryEntry = {
  id: "r0-1b-stale-partial-drain",
  kind: "race",
  summary:
    "R0-1 with CONFIG_DEBUG_VM: the allocation that installed a freed page as its cpu slab stops at the next check of it, the VM_BUG_ON in PageSlabPfmemalloc that this tree's unlocked pfmemalloc_match() carries. The partial list it leaves behind starts at a free page whose pobjects is garbage (negative), so no later free ever drains it; a flush then hits the freed cpu slab and stops on VM_BUG_ON(!old.frozen) in deactivate_slab, and flush_all waits forever for the dead worker.",
  source: {
    seed: "000 (Mike Galbraith: explosions in ___slab_alloc() during allocation and __unfreeze_partials() during free); 002 (Clark Williams' VM_BUG_ON in PageSlabPfmemalloc on 5.14.0-rc5-rt8)",
    fix: "[PATCH v4 33/35] and 35/35: put_cpu_partial under local_lock_irqsave",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "RT with DEBUG_VM: after R0-1, a VM_BUG_ON on the freed page and a list no free can drain",
    description:
      "Analysis: the schedule is ours. The first part is R0-1 (A allocates, B steals and drains the partial list in the middle); then C frees an object of a full slab and D shrinks the cache. With CONFIG_DEBUG_VM the July 2021 RT tree's pfmemalloc_match() asserts PageSlab on the page A installed. An earlier version of this scenario had a later free drain the stale list and trip VM_BUG_ON(!old.frozen) in __unfreeze_partials; with the page allocator's writes to the freed page modelled, that drain cannot happen. On v5.15 B waits for A's local lock, so the list is never left stale.",
    kernel: {
      variant: "rt-2021-07",
      cpus: 1,
      preemptRt: true,
      pagePool: 12,
      debugVm: true,
    },
    cache: { objects: 2, cpuPartial: 1, minPartial: 0 },
    prepare: [
      alloc("a"),
      alloc("a"),
      alloc("b"),
      alloc("b"),
      alloc("s"),
      alloc("s"),
      alloc("e"),
      alloc("e"),
      alloc("g"),
      alloc("g"),
      alloc("h"),
      alloc("h"),
      alloc("f"),
      alloc("f"),
      free("a"),
      free("b"),
      free("b"),
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "s" }] },
      { name: "C", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "g" }] },
      { name: "D", kind: "task", cpu: 0, ops: [{ kind: "shrink" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:new_slab+5", "B*34", "A*5", "C*13", "D*40"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 22,
        text: "As in R0-1: A holds the local lock and has read the head of c->partial (P1) when B preempts it, drains the list and discards P1.",
      },
      {
        step: 51,
        text: "P1 goes back to the page allocator, which writes its own fields over P1's freelist (NULL), next (P7, the free page it queues P1 in front of) and pages/pobjects (half a list pointer each).",
      },
      {
        step: 57,
        text: "A resumes and installs the freed P1 as its cpu slab and P1->next, now P7, a free page, as c->partial. B's slab P2 is lost.",
      },
      {
        step: 60,
        text: "A checks the page again, without the lock: this tree's pfmemalloc_match() asserts PageSlab, and P1 is no slab. With CONFIG_DEBUG_VM, VM_BUG_ON_PAGE(!PageSlab(page)) stops A here: the assertion Clark Williams hit on 5.14-rt, later replaced by pfmemalloc_match_unsafe().",
      },
      {
        step: 61,
        text: "C frees an object of another full slab, Q: Q is frozen and pushed in front of P7.",
      },
      {
        step: 70,
        text: "put_cpu_partial reads P7's pages and pobjects: half of a kernel pointer each, so pobjects is negative. However many slabs are pushed, the list never looks over cpu_partial: no free will ever drain it.",
      },
      {
        step: 74,
        text: "D shrinks the cache: flush_all queues the flush work on CPU 0 and waits for it.",
      },
      {
        step: 84,
        text: "The flush takes c->page, still the freed P1 that A installed.",
      },
      {
        step: 90,
        text: "deactivate_slab finds P1 not frozen (B unfroze it before freeing it): VM_BUG_ON(!old.frozen) kills the worker.",
      },
      {
        step: 91,
        text: "flush_all waits for a work item that will never finish: D hangs, holding flush_lock and cpus_read_lock.",
      },
    ],
  },
  goal: "Make the first free steal c->partial from the allocation, then let the later drain find the stale slab",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 with PREEMPT_RT, put_cpu_partial takes the local lock, so the first theft of R0-1 cannot happen and no stale c->partial is left behind.",
    },
    {
      step: 29,
      text: "B's free asks for the local lock that A holds, and sleeps; so do C's and D's later. The schedule's entries for them are refused while they wait.",
    },
    {
      step: 62,
      text: "A has released the lock: B takes it and pushes its slab.",
    },
    {
      step: 76,
      text: "C's push overflows cpu_partial and drains the list under the lock: every slab on it is frozen and really on this CPU's list.",
    },
    {
      step: 96,
      text: "The drain ends cleanly. No slab is both on the node list and on the CPU's: no finding.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [
    { code: "uaf-slab", step: 57 },
    { code: "list-corrupt", step: 57 },
    { code: "list-corrupt", step: 57 },
    { code: "slab-lost", step: 57 },
    { code: "vm-bug-on", step: 60 },
    { code: "uaf-slab", step: 70 },
    { code: "list-corrupt", step: 84 },
    { code: "uaf-slab", step: 88 },
    { code: "vm-bug-on", step: 90 },
    { code: "deadlock", step: 91 },
  ],
};
