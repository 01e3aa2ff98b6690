import type { LibraryEntry } from "./entry";

/**
 * R3, a "what if": had the fast paths stayed lockless on RT after the local_lock conversion, a
 * fast path could run in the middle of a slow path that holds the local lock (the holder is
 * preemptible on RT) and take an object the slow path has already read off c->freelist. No tree
 * shipped this: the series gave up lockless fast paths on RT from its v2 on, the version the RT
 * tree took, so the scenario runs on the hypothetical variant rt-2021-07-lockless-whatif.
 */
export const r3RtLocklessFastpath: LibraryEntry = {
  id: "r3-rt-lockless-fastpath",
  kind: "race",
  summary:
    "What if (hypothetical): had the fast paths stayed lockless on RT, this would break. On RT the local lock does not keep other tasks off the CPU. A slow path deactivating the cpu slab has read c->freelist under the lock when a higher-priority task's lockless fast path takes the first object of that same freelist. The slow path then splices the whole freelist, that object included, back onto the slab: the object is allocated and free at once.",
  source: {
    seed: "002 L3694-3699, L152-155 (the loss of lockless fast paths on RT), L3995-4043 (patch 35: RT allocations always go through __slab_alloc, RT frees take the local lock)",
    fix: "[PATCH v4 35/35] mm, slub: convert kmem_cpu_slab protection to local_lock",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "What if: on RT a lockless fast path slips into a slow path that holds the local lock",
    description:
      "Hypothetical, analysis only: no kernel tree had lockless fast paths together with the RT local lock; the variant rt-2021-07-lockless-whatif adds them to the July 2021 RT tree to show why the series dropped them. Seed 002 states the hazard (on RT the lockless fast paths could preempt a slow path holding the lock) and the cost of the fix ('loss of lockless fast paths'); the schedule is ours. One CPU on node 0 of two nodes, PREEMPT_RT. A asks for an object from node 1, so its slow path deactivates the node-0 cpu slab; B allocates from the same CPU. On v5.15 B's allocation takes __slab_alloc and the local lock, so it sleeps until A is done and then allocates safely.",
    kernel: {
      variant: "rt-2021-07-lockless-whatif",
      cpus: 1,
      nodes: 2,
      preemptRt: true,
    },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "w" } }],
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "alloc", slot: "y", node: 1 }],
      },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "z" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:deactivate_slab+3", "B*6"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "A asks for an object from node 1. Its cpu slab P0 is on node 0, so the fast path gives up and the slow path will deactivate P0.",
      },
      {
        step: 8,
        text: "A takes the local lock. On PREEMPT_RT that keeps neither interrupts nor other tasks off this CPU.",
      },
      {
        step: 10,
        text: "A reads c->freelist: the chain P0#1 -> P0#2 -> P0#3, which it is about to detach and splice back into P0.",
      },
      {
        step: 11,
        text: "B preempts A and allocates. In this hypothetical tree the fast path is lockless on RT too: it does not look at the lock A holds. (The real RT tree of July 2021 already took the lock here.)",
      },
      {
        step: 16,
        text: "B's cmpxchg on {freelist, tid} succeeds: B owns P0#1 and starts writing its own data into it.",
      },
      {
        step: 18,
        text: "A clears c->page and c->freelist and now holds a chain whose first object belongs to B: P0#1 is allocated and on a freelist at once, and the rest of the chain hangs off B's data.",
      },
      {
        step: 21,
        text: "deactivate_slab walks the chain: P0#1's free pointer is B's data. Patch 35 closes this by sending every RT allocation through the locked slow path, at the cost of the lockless fast paths.",
      },
    ],
  },
  goal: "Let B's lockless fast path take an object from the freelist A's slow path is deactivating",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 with PREEMPT_RT the lockless fast paths are off: every allocation goes through the slow path.",
    },
    { step: 3, text: "A's allocation takes the slow path." },
    {
      step: 11,
      text: "B preempts A, as on the broken kernel, but its allocation does not touch c->freelist without the lock: it takes the slow path too.",
    },
    {
      step: 18,
      text: "B finds c->page already cleared by A's deactivation and goes to get a slab of its own.",
    },
    {
      step: 85,
      text: "Each object has one owner: no double allocation, no leak.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [
    { code: "double-alloc", step: 18 },
    { code: "object-leak", step: 18 },
    { code: "object-leak", step: 18 },
    { code: "freelist-corrupt", step: 21 },
  ],
};
