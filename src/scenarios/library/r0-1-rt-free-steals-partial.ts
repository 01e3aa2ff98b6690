import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/**
 * Seed 000, R0-1: on PREEMPT_RT, a free preempts an allocation that holds the local lock in the
 * middle of taking the head of c->partial, drains the list and discards that head page. The
 * allocation then reads the freed page's `next`, which the page allocator has rewritten.
 */
export const r01RtFreeStealsPartial: LibraryEntry = {
  id: "r0-1-rt-free-steals-partial",
  kind: "race",
  summary:
    "On RT the local lock no longer disables interrupts, and put_cpu_partial does not take it: it only disables migration and uses a cmpxchg loop. A higher-priority free preempts an allocation right after it read the head of c->partial, drains the whole list (discarding the empty head page) and pushes its own slab. The allocation resumes and installs the discarded page as its cpu slab and, as its partial list, the pointer the page allocator has meanwhile written into that page's next: it walks the allocator's free pages as if they were slabs, and B's slab is lost.",
  source: {
    seed: "000 (Mike Galbraith, July 2021): root cause, 'kfree() blowing through ___slab_alloc() unimpeded', crashes 'while accessing an unmapped page->freelist'",
    fix: "[PATCH v4 33/35] mm, slub: protect put_cpu_partial() with disabled irqs instead of cmpxchg; 35/35 convert kmem_cpu_slab protection to local_lock",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "RT: a free steals the cpu partial list during an allocation",
    description:
      "Analysis: seed 000 gives the root cause and the symptoms; this step-by-step schedule is ours. One CPU, PREEMPT_RT, two-object slabs, cpu_partial 1, min_partial 0. CPU 0's cpu slab P4 is exhausted; its partial list is P1 (empty, pobjects 2) then P0; P2 is full. Task A allocates; task B, of higher priority, frees an object of P2. On v5.15 B's put_cpu_partial takes the local lock that A holds, so B sleeps until A is done: the theft cannot happen. A reads P1->next after the page allocator has written its own link there, so A installs one of its free pages.",
    kernel: { variant: "rt-2021-07", cpus: 1, preemptRt: true, pagePool: 10 },
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
      alloc("f"),
      alloc("f"),
      free("a"),
      free("b"),
      free("b"),
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "s" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:new_slab+5", "B*34"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "A allocates. Its cpu slab P4 is exhausted, so it takes the slow path.",
      },
      {
        step: 16,
        text: "get_freelist found nothing on P4: A clears c->page and goes to new_slab, to take the head of the per-CPU partial list.",
      },
      {
        step: 18,
        text: "A takes the local lock. On PREEMPT_RT it is a sleeping lock: interrupts stay on and A can still be preempted.",
      },
      {
        step: 21,
        text: "Under the lock, A reads the head of c->partial: page = P1.",
      },
      {
        step: 22,
        text: "B, of higher priority, preempts A and frees an object of P2, a full slab on no list.",
      },
      { step: 28, text: "B's free freezes P2 instead of taking list_lock." },
      {
        step: 29,
        text: "put_cpu_partial only disables migration: it never takes the lock A holds (seed 000: 'blowing through ___slab_alloc() unimpeded').",
      },
      {
        step: 32,
        text: "The list is over cpu_partial: B drains it. unfreeze_partials detaches the chain P1 -> P0 with a cmpxchg, no lock either.",
      },
      {
        step: 42,
        text: "P1 is empty and min_partial is reached: it goes on the discard list, linked through P1->next (NULL: it is the only one). P0 is unfrozen onto node 0's partial list.",
      },
      {
        step: 51,
        text: "P1 goes back to the page allocator, which keeps its own fields in the same words of struct page: page->freelist now holds the migratetype (0, so NULL), page->next the free page it queues P1 in front of (P5), pages/pobjects half a list pointer each.",
      },
      {
        step: 54,
        text: "B's cmpxchg installs P2 as the new head of c->partial. B is done.",
      },
      {
        step: 56,
        text: "A resumes where it was: c->page = P1, a page that is no longer a slab.",
      },
      {
        step: 57,
        text: "A sets c->partial = P1->next, read from the freed page: not the old P0 but P5, a free page of the page allocator. The kernel reports nothing (KASAN does not check struct page). P2, frozen, is now reachable from nowhere; P0 is safe on the node list.",
      },
      {
        step: 65,
        text: "A's get_freelist reads P1's freelist: the allocator's migratetype, NULL. It finds nothing, and its cmpxchg writes slab counters into the free page.",
      },
      {
        step: 69,
        text: "Back at new_slab, A takes P5 from 'its partial list', then P6 and on: it walks the page allocator's free list as if it were a list of slabs, writing into each free page. (At the end of that list the kernel would find the list head, a pointer into per-CPU data; the model ends the list with NULL.)",
      },
      {
        step: 160,
        text: "The walk is over: A finds P0 on node 0's partial list and allocates from it. No crash: the symptom Mike saw, 'accessing an unmapped page->freelist', needs a freelist pointer into memory that is gone, and here the page allocator has already written over page->freelist. What stays is the lost slab P2 and the free pages A wrote into.",
      },
    ],
  },
  goal: "Make B drain c->partial while A, holding the local lock, has just read its head P1",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 with PREEMPT_RT, put_cpu_partial takes the local lock, the lock the allocation holds while it works on c->partial.",
    },
    {
      step: 3,
      text: "On RT the lockless fast path is off: A goes straight to the slow path.",
    },
    {
      step: 21,
      text: "Under the lock, A reads the head of c->partial, as on the broken kernel.",
    },
    {
      step: 29,
      text: "B preempts A and frees; its put_cpu_partial asks for the local lock that A holds, and sleeps. The theft cannot happen: the schedule's entries for B are refused while it waits.",
    },
    {
      step: 30,
      text: "A goes on undisturbed: the page it installs is still a slab.",
    },
    {
      step: 33,
      text: "A has released the lock: B takes it and pushes its slab onto the list as A left it.",
    },
    {
      step: 53,
      text: "Both finish. No slab is freed under anyone: no finding.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [
    { code: "uaf-slab", step: 57 },
    { code: "list-corrupt", step: 57 },
    { code: "list-corrupt", step: 57 },
    { code: "slab-lost", step: 57 },
    { code: "uaf-slab", step: 65 },
    { code: "uaf-slab", step: 75 },
    { code: "list-corrupt", step: 75 },
    { code: "list-corrupt", step: 75 },
    { code: "uaf-slab", step: 83 },
    { code: "uaf-slab", step: 93 },
    { code: "list-corrupt", step: 93 },
    { code: "list-corrupt", step: 93 },
    { code: "uaf-slab", step: 101 },
    { code: "uaf-slab", step: 111 },
    { code: "list-corrupt", step: 111 },
    { code: "list-corrupt", step: 111 },
    { code: "uaf-slab", step: 119 },
    { code: "uaf-slab", step: 129 },
    { code: "list-corrupt", step: 129 },
    { code: "list-corrupt", step: 129 },
    { code: "uaf-slab", step: 137 },
    { code: "uaf-slab", step: 147 },
    { code: "list-corrupt", step: 147 },
    { code: "uaf-slab", step: 155 },
  ],
};
