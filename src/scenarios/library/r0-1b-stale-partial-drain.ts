import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/**
 * Seed 000, R0-1b: the follow-on crash "during free". After R0-1, CPU 0's c->partial points at
 * P0, which the theft unfroze onto the node list; a later drain finds it unfrozen.
 */
export const r01bStalePartialDrain: LibraryEntry = {
  id: "r0-1b-stale-partial-drain",
  kind: "race",
  summary:
    "R0-1 leaves CPU 0's partial list pointing at a slab that is already unfrozen and on the node list. Two later frees push onto that list; the second drains it, and __unfreeze_partials finds the stale slab not frozen: the second crash of seed 000, 'in __unfreeze_partials() during free'.",
  source: {
    seed: "000 (Mike Galbraith: explosions in ___slab_alloc() during allocation and __unfreeze_partials() during free)",
    fix: "[PATCH v4 33/35] and 35/35: put_cpu_partial under local_lock_irqsave",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "RT: the stale c->partial left by R0-1 crashes a later drain",
    description:
      "Analysis: the schedule is ours. The first part is R0-1 (A allocates, B steals and drains the partial list in the middle); then C and D, of lower priority, each free an object of a full slab. With CONFIG_DEBUG_VM the drain's VM_BUG_ON(!old.frozen) fires. On v5.15 B waits for A's local lock, so the list is never left stale.",
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
      { name: "D", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "h" }] },
    ],
    schedule: {
      steps: ["A*22", "B*34", "A*10", "C*13", "D*24"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 22,
        text: "As in R0-1: A holds the local lock and has read the head of c->partial (P1) when B preempts it, drains the list and discards P1.",
      },
      {
        step: 57,
        text: "A resumes and installs the freed P1 as its cpu slab and P1's stale next, P0, as c->partial; P0 is already unfrozen on the node list.",
      },
      {
        step: 65,
        text: "A's get_freelist reads the freed P1: with CONFIG_DEBUG_VM, VM_BUG_ON(!new.frozen) stops A here (the crash 'in ___slab_alloc() during allocation').",
      },
      {
        step: 66,
        text: "C frees an object of another full slab, Q: Q is frozen and pushed in front of the stale P0.",
      },
      {
        step: 79,
        text: "D frees into a third full slab; the list is over cpu_partial, so D drains it: Q, then P0.",
      },
      {
        step: 102,
        text: "P0 is not frozen: VM_BUG_ON(!old.frozen) in __unfreeze_partials, the second crash of seed 000, 'during free'. Without CONFIG_DEBUG_VM it would be added to the node list a second time.",
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
    { code: "uaf-slab", step: 65 },
    { code: "vm-bug-on", step: 65 },
    { code: "list-corrupt", step: 91 },
    { code: "vm-bug-on", step: 102 },
  ],
};
