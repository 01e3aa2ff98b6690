import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/**
 * Seed 000, R0-3: with memcg, discarding a slab frees its obj_cgroups vector with kfree(), which
 * can come back into __slab_free() -> put_cpu_partial(). A fix that holds the local lock around
 * the whole of put_cpu_partial, unfreezing included, then waits for a lock its own task holds.
 */
export const r03MemcgRecursion: LibraryEntry = {
  id: "r0-3-memcg-recursion",
  kind: "race",
  summary:
    "On RT with memcg, a put_cpu_partial that keeps the local lock while it drains reaches discard_slab, whose memcg teardown kfree()s the slab's obj_cgroups vector. That free freezes the vector's full slab and calls put_cpu_partial again, which takes the local lock its own task already holds: a self-deadlock.",
  source: {
    seed: "000 (Mike Galbraith's comment in his v2: 'memcg_free_page_obj_cgroups() ->kfree() may send us back to __slab_free() -> put_cpu_partial() for an unfortunate second encounter with cpu_slab->lock'; Vlastimil: 'handles also the recursion issue differently by not locking around __unfreeze_partials()')",
    fix: "[PATCH v4 33/35]: put_cpu_partial detaches the chain under the lock and unfreezes it after unlocking",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "RT + memcg: discard -> kfree -> put_cpu_partial comes back for the lock it holds",
    description:
      "Analysis: the recursion is named in seed 000; the state and schedule are ours. One CPU, PREEMPT_RT, memcg accounting, two-object slabs, cpu_partial 1, min_partial 0. P0 was accounted, so it has an obj_cgroups vector, which lives in the full slab P1. CPU 0's partial list is P2 then P0 (empty); B frees into another full slab and drains the list. On v5.15 the drain runs after the lock is dropped, so the vector's free takes the lock normally.",
    kernel: {
      variant: "rt-2021-07-naive-lock",
      cpus: 1,
      preemptRt: true,
      memcg: true,
      pagePool: 10,
    },
    cache: { objects: 2, cpuPartial: 1, minPartial: 0 },
    prepare: [
      alloc("x"),
      alloc("a", 0, true),
      alloc("y"),
      alloc("z"),
      alloc("w"),
      alloc("q"),
      alloc("q"),
      alloc("r"),
      free("x"),
      free("a"),
      free("z"),
    ],
    actors: [
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "q" }] },
    ],
    narration: [
      {
        step: 0,
        text: "B frees an object of P3, a full slab: the free freezes P3 and calls put_cpu_partial.",
      },
      {
        step: 7,
        text: "The naive fix takes the local lock for the whole of put_cpu_partial on RT, drain included.",
      },
      {
        step: 10,
        text: "The partial list P2 -> P0 is over cpu_partial: still holding the lock, B unfreezes it. P2 goes to the node list; P0 is empty and is discarded.",
      },
      {
        step: 29,
        text: "discard_slab: P0 was charged to a memcg, so its obj_cgroups vector is kfree()d first. The vector lives in P1, a full slab of the same cache.",
      },
      {
        step: 36,
        text: "Freeing into the full P1 freezes it, and __slab_free calls put_cpu_partial for it.",
      },
      {
        step: 37,
        text: "put_cpu_partial takes the local lock, which B itself has held since step 7: B sleeps on its own lock forever ('an unfortunate second encounter with cpu_slab->lock').",
      },
    ],
  },
  goal: "Make the discard's memcg kfree come back to put_cpu_partial while its own task holds the local lock",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 put_cpu_partial holds the local lock only while it reads and writes c->partial; the drain (unfreeze and discard) runs after it is released.",
    },
    { step: 7, text: "B takes the local lock in put_cpu_partial." },
    {
      step: 29,
      text: "The discard, with the memcg kfree of the slab's obj_cgroups, runs with the lock already released.",
    },
    {
      step: 37,
      text: "That kfree reaches put_cpu_partial again and takes the local lock, which is free: no recursion.",
    },
    { step: 44, text: "Both frees finish. No lockdep report, no deadlock." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [
    { code: "lockdep-recursion", step: 37 },
    { code: "deadlock", step: 37 },
  ],
};
