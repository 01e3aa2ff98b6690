import type { LibraryEntry } from "./entry";
import { alloc, free } from "./prepare";

/**
 * Seed 000, R0-6(b) (analysis): Mike's "bent up half" replaces unfreeze_partials(), whose
 * cmpxchg would notice a concurrent change, by a plain this_cpu_write(partial, NULL) on every
 * configuration. On !RT that write runs with only preemption disabled, so an interrupt can take
 * the head of the list in between.
 */
export const r06BentUpHalfIrq: LibraryEntry = {
  id: "r0-6-bent-up-half-irq",
  kind: "race",
  summary:
    "On !RT, put_cpu_partial runs with interrupts on. With the bent-up half, its drain reads the head of c->partial and later empties the list with a plain write. An interrupt that allocates in between takes that head as its cpu slab; the plain write then throws the rest of the list away and the drain unfreezes the slab the CPU is allocating from.",
  source: {
    seed: "000 (Mike's 'somewhat bent up half': this_cpu_write(s->cpu_slab->partial, NULL) ... __unfreeze_partials(s, oldpage))",
    fix: "[PATCH v4 33/35]: put_cpu_partial reads and replaces c->partial with irqs off, no plain write outside it",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "The bent-up half on !RT: an IRQ allocation slips between the read and the write",
    description:
      "Analysis: this regression is our reading of the patch; the thread does not discuss it. One CPU, !RT, two-object slabs, cpu_partial 1. CPU 0's cpu slab P3 is exhausted; its partial list is P1 (one free object, pobjects 2) then P0; P2 is full. Task A frees into P2; an interrupt allocates in the middle of A's drain. On v5.15 the drain happens with irqs off and on a detached chain: the interrupt cannot come in between.",
    kernel: { variant: "rt-2021-07-bent-up-half", cpus: 1, debugVm: true },
    cache: { objects: 2, cpuPartial: 1, minPartial: 5 },
    prepare: [
      alloc("a"),
      alloc("a"),
      alloc("b"),
      alloc("b"),
      alloc("s"),
      alloc("s"),
      alloc("e"),
      alloc("e"),
      free("a"),
      free("b"),
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "s" }] },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "alloc", slot: "i" }] },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
    ],
    schedule: { steps: ["A*11", "irq*39", "A*23"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "A frees an object of P2, a full slab: the free freezes P2 and calls put_cpu_partial.",
      },
      {
        step: 7,
        text: "On !RT the bent-up half only disables preemption here (the lock is taken on RT only): interrupts stay on.",
      },
      {
        step: 10,
        text: "A has read the head, P1, and its pobjects: the list is over cpu_partial, so A will drain it.",
      },
      {
        step: 11,
        text: "An interrupt allocates. The cpu slab P3 is exhausted, so its slow path takes P1, the head of c->partial, as the new cpu slab and leaves P0 as the head.",
      },
      {
        step: 50,
        text: "A empties c->partial with a plain write and goes on to unfreeze its own copy of the old chain, which starts with P1: the slab CPU 0 is now allocating from.",
      },
      {
        step: 66,
        text: "P1 is unfrozen and put on the node partial list while it is still c->page. The original unfreeze_partials() detached the list with a cmpxchg, which would have failed and retried.",
      },
      {
        step: 86,
        text: "The next allocation on CPU 0 refills from its cpu slab P1, which is no longer frozen: VM_BUG_ON(!new.frozen) in get_freelist.",
      },
    ],
  },
  goal: "Let an IRQ allocation take the head of c->partial between the drain's read of it and its plain write",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 put_cpu_partial reads and writes c->partial with interrupts off (local_lock_irqsave).",
    },
    {
      step: 7,
      text: "A disables interrupts and takes the local lock. The IRQ's scripted entries that fall here are refused: an interrupt cannot enter.",
    },
    { step: 11, text: "A writes c->partial while interrupts are still off." },
    {
      step: 29,
      text: "The IRQ runs only once A has re-enabled interrupts; it finds a consistent list.",
    },
    { step: 104, text: "Every slab is where one list says it is. No finding." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [
    { code: "list-corrupt", step: 50 },
    { code: "list-corrupt", step: 66 },
    { code: "vm-bug-on", step: 86 },
  ],
};
