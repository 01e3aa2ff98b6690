import type { LibraryEntry } from "./entry";

/**
 * R4: since patches 13-21, ___slab_alloc peeks at c->page with irqs on and re-checks it under
 * the local lock (seed 002 L1488-1489, L2279-2283, L3896-3899). Here an IRQ replaces c->page in
 * that window, and the re-check sends the task back to reread_page: no bug.
 */
export const r4RecheckRereadPage: LibraryEntry = {
  id: "r4-recheck-reread-page",
  kind: "tour",
  summary:
    "v5.15's slow path reads c->page without the lock, so an interrupt can replace it before the lock is taken. Every such peek is followed by a re-check under the lock: here page != c->page sends the task back to reread_page, and it allocates from the slab the interrupt installed.",
  source: {
    seed: "002 L1488-1489, L2279-2283 (the idea of patches 13-21), L3896-3899 (the re-check)",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "The re-check under the lock: an IRQ replaces c->page, the slow path goes back to reread_page",
    kernel: { variant: "v5.15", cpus: 1 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
      { cpu: 0, op: { kind: "alloc", slot: "x" } },
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "alloc", slot: "z" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:redo", "irq*37"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "The cpu slab P0 is full and c->freelist empty: A's allocation takes the slow path.",
      },
      {
        step: 6,
        text: "A reads c->page = P0 with irqs on: a peek, not yet under the local lock.",
      },
      {
        step: 7,
        text: "An interrupt allocates too. It finds P0 exhausted, unfreezes it and installs a new slab P1 as c->page.",
      },
      {
        step: 47,
        text: "A takes the local lock and re-checks: page (P0) != c->page (P1). Without this check A would take objects from P0, a slab no longer frozen for this CPU.",
      },
      {
        step: 48,
        text: "A unlocks and goes back to reread_page; this time it finds P1 and allocates from it.",
      },
    ],
  },
  expect: [],
};
