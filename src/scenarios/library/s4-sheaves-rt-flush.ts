import type { Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * v7.0 on PREEMPT_RT: sheaf_flush_main() takes each batch under local_trylock() and gives up when
 * it fails, so the flush work of kmem_cache_destroy() can leave a CPU's main sheaf unflushed.
 * Fixed by "slab: distinguish lock and trylock for sheaf_flush_main()" (Vlastimil Babka,
 * February 2026; reported by Marcelo Tosatti, Cc stable).
 */
const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

export const s4RtFlushMainTrylock: LibraryEntry = {
  id: "s4-rt-destroy-unflushed",
  kind: "race",
  summary:
    "On PREEMPT_RT the per-CPU sheaves lock is a sleeping lock and its holder can be preempted. kmem_cache_destroy() queues a flush on each CPU; on CPU 0 the flush work empties the spare, then tries the lock for the main sheaf just after a preempted task took it for a free. local_trylock() fails and sheaf_flush_main() simply returns: the main sheaf keeps its objects, shutdown finds the cache still in use, and the cache is never freed. The fix flushes under local_lock(), which waits for the task.",
  source: {
    seed: 'outside the thread: mm/slub.c of the sheaves series (sheaf_flush_main, pcs_flush_all, __kmem_cache_shutdown); the fix "slab: distinguish lock and trylock for sheaf_flush_main()" (commit 48647d3f9a64, Feb 2026)',
    fix: '"slab: distinguish lock and trylock for sheaf_flush_main()" (Vlastimil Babka, reported by Marcelo Tosatti; Fixes: "slab: add opt-in caching layer of percpu sheaves", Cc stable)',
    basis: "outside",
  },
  scenario: {
    ...base,
    title:
      "v7.0 on PREEMPT_RT: cache destroy leaves the main sheaf unflushed (the flush's trylock fails)",
    description:
      "Outside the thread. The commit says so itself: the trylock can fail only on PREEMPT_RT, and a task that frees into the cache while it is destroyed is a bug of its own; the same flush serves memory hot-remove, where concurrent use is legitimate. Here T frees its last object while D destroys the cache.",
    kernel: { variant: "v7.0", cpus: 2, preemptRt: true },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "t" } },
      { cpu: 0, op: { kind: "free", slot: "a" } },
    ],
    actors: [
      {
        name: "T",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "free", slot: "t" }],
      },
      { name: "D", kind: "task", cpu: 1, ops: [{ kind: "destroy" }] },
    ],
    schedule: {
      steps: [
        "T>free_to_pcs",
        "D>flush_all_cpus_locked:wait",
        "kworker/0>sheaf_flush_main",
        "T*1",
        "kworker/0*1",
      ],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "PREEMPT_RT. CPU 0's main sheaf holds 3 free objects and T holds one more, which it now frees on CPU 0. On CPU 1, D destroys the cache.",
      },
      {
        step: 6,
        text: "flush_all_cpus_locked: CPU 0 has sheaves in use, so D queues the flush work on CPU 0's kworker and will wait for it.",
      },
      {
        step: 9,
        text: "pcs_flush_all on CPU 0: under local_lock it takes the spare away and flushes it to the slabs. On RT the sheaves lock is a per-CPU sleeping lock and its holders stay preemptible.",
      },
      {
        step: 14,
        text: "T, on the same CPU, runs between the kworker's two steps: free_to_pcs takes the sheaves lock with local_trylock (it is free) and is about to push its object.",
      },
      {
        step: 15,
        text: 'sheaf_flush_main: local_trylock fails, T holds the lock. As posted it simply returns ("returns true if at least partially flushed", and pcs_flush_all ignores the result): the work item is done and CPU 0\'s main sheaf was never flushed. On !RT the trylock cannot fail here: T would hold the lock with preemption off.',
      },
      {
        step: 18,
        text: "T pushes its object onto main and unlocks. Main now holds 4 objects, and nobody will flush it again.",
      },
      {
        step: 31,
        text: "After barn_shrink and free_partial, slab P0 still has objects in use: shutdown fails.",
      },
      {
        step: 32,
        text: '"Slab cache still has objects": the 4 objects sit in CPU 0\'s main sheaf, so their slab, the sheaves and the cache are never freed. The commit notes that freeing into a cache while destroying it is a bug of its own, but the same flush serves memory hot-remove, where a concurrent user is legitimate.',
      },
    ],
  },
  goal: "On PREEMPT_RT, make the destroy's flush of CPU 0 find its sheaves lock taken",
  fixedNarration: [
    {
      step: 0,
      text: "With the fix, the flush work calls sheaf_flush_main(), which takes each batch under local_lock(); the trylock form is kept as sheaf_try_flush_main() for callers that may give up.",
    },
    {
      step: 15,
      text: "local_lock finds the sheaves lock held by T and, on RT, sleeps on it instead of returning.",
    },
    {
      step: 20,
      text: "T has pushed its object and unlocked: the flush takes the lock and empties all 4 objects of main, T's included, back to their slab.",
    },
    {
      step: 64,
      text: "Shutdown finds no object in use: the cache goes away.",
    },
  ],
  fixed: { variant: "v7.0-flush-lock" },
  fixedOutcome: "clean",
  expect: [{ code: "object-leak", step: 32 }],
};

export const rtFlushScenarios: LibraryEntry[] = [s4RtFlushMainTrylock];
