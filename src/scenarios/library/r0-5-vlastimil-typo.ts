import type { LibraryEntry } from "./entry";

/**
 * Seed 000, R0-5 (analysis): Vlastimil Babka's counter-proposal, as posted, closes
 * put_cpu_partial with `#ifndef CONFIG_PREMPT_RT` (sic). The misspelt option is never defined,
 * so on RT the function ends with put_cpu_ptr() instead of local_unlock().
 */
export const r05VlastimilTypo: LibraryEntry = {
  id: "r0-5-vlastimil-typo",
  kind: "race",
  summary:
    "A one-letter typo in an #ifndef makes every put_cpu_partial on RT return with the per-CPU local lock still held and the preempt count one below zero. The next allocation on that CPU that needs the lock waits forever: '-ENOBOOT'.",
  source: {
    seed: "000 (Vlastimil's patch: '#ifndef CONFIG_PREMPT_RT put_cpu_ptr(s->cpu_slab); #else local_unlock(&s->cpu_slab->lock); #endif'; Mike: 'it still manages to be a -ENOBOOT')",
    fix: "not in the thread: the typo is our reading; the upstream fix (patches 33 and 35) replaced the approach",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "A typo leaves the local lock held (Vlastimil's counter-proposal on RT)",
    description:
      "Analysis: no participant in the thread names the typo; Mike reported the patch did not boot and suspected lock-order trouble. One CPU, PREEMPT_RT. B frees an object of a full slab, which calls put_cpu_partial; A then allocates.",
    kernel: { variant: "rt-2021-07-vlastimil", cpus: 1, preemptRt: true },
    cache: { objects: 2, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "b" } },
    ],
    actors: [
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "a" }] },
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "alloc", slot: "x" }],
      },
    ],
    schedule: { steps: ["B*12"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "B frees an object of P0, a full slab: the free freezes P0 and calls put_cpu_partial.",
      },
      {
        step: 7,
        text: "On RT the proposal takes the local lock for the whole of put_cpu_partial (migrate_disable plus the per-CPU sleeping lock).",
      },
      {
        step: 11,
        text: "The closing #ifndef tests CONFIG_PREMPT_RT, which no kernel defines: B calls put_cpu_ptr() (preempt_enable) instead of local_unlock(). It returns with the lock held, migration still disabled and the preempt count at -1.",
      },
      {
        step: 12,
        text: "A allocates. On RT this tree sends every allocation through __slab_alloc, whose fast path is not lockless there: it needs the local lock too.",
      },
      {
        step: 21,
        text: "A asks for the local lock, owned by B, which has long returned: A sleeps forever. On a real machine: -ENOBOOT.",
      },
    ],
  },
  goal: "Leave the local lock held after put_cpu_partial, then make the next allocation wait for it",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 put_cpu_partial takes and releases the local lock with local_lock_irqsave / local_unlock_irqrestore: no #ifndef to get wrong.",
    },
    { step: 7, text: "B takes the local lock." },
    {
      step: 11,
      text: "B releases it on the way out: the lock is free and the preempt count is back where it was.",
    },
    {
      step: 12,
      text: "A's allocation runs later and gets the lock whenever it needs it.",
    },
    { step: 28, text: "Both finish. No preempt-count leak, no deadlock." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [
    { code: "preempt-leak", step: 11 },
    { code: "deadlock", step: 22 },
  ],
};
