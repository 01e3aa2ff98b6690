import type { LibraryEntry } from "./entry";

/**
 * R1, Jann Horn's put_cpu_partial race (seed 002 L3364-3381): before patch 33, put_cpu_partial
 * reads c->partial and then the old head's pages/pobjects with irqs on, so an IRQ can discard
 * that page in between and another CPU can reuse it.
 */
export const r1PutCpuPartialStalePage: LibraryEntry = {
  id: "r1-put-cpu-partial-stale-page",
  kind: "race",
  summary:
    "put_cpu_partial reads the head of the per-CPU partial list and, a moment later, that page's pages/pobjects fields, with interrupts on. An interrupt drains the list in between and frees the (empty) head page back to the page allocator; another CPU takes it as page cache, so the task reads page-cache memory as if it were a slab. The page then comes back as a slab at the head of the same list, and the task's cmpxchg succeeds on it, storing the garbage totals.",
  source: {
    seed: "002 L3364-3381 (Jann Horn's report), L3396-3397 (fixed by patch 33), L35-36, L139-140",
    fix: "[PATCH v4 33/35] mm, slub: protect put_cpu_partial() with disabled irqs instead of cmpxchg",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Jann Horn's race: put_cpu_partial reads a page that an IRQ has just freed",
    description:
      "Analysis: the report describes the race in words (seed 002 L3364-3381); this schedule is one way to make it happen. Two-object slabs, cpu_partial 1, min_partial 0. CPU 0's partial list is P1 (empty, with pobjects 2 from when it was linked) then P0. A frees into the full slab P2, freezes it and enters put_cpu_partial; an IRQ frees into P3 and drains the list; a task on CPU 1 takes the freed page for the page cache and gives it back; a second interrupt makes it a slab again and pushes it onto the same list. On v5.15 (patch 33) put_cpu_partial reads and replaces the head under the local lock with irqs off, and drains a detached chain only after unlocking: the interrupt cannot come in between, so replaying this schedule there refuses the interrupt's entries.",
    kernel: { variant: "v5.14", cpus: 2, pagePool: 8 },
    cache: { objects: 2, cpuPartial: 1, minPartial: 0 },
    prepare: [
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "a" } },
      { cpu: 0, op: { kind: "alloc", slot: "b" } },
      { cpu: 0, op: { kind: "alloc", slot: "b" } },
      { cpu: 0, op: { kind: "alloc", slot: "c" } },
      { cpu: 0, op: { kind: "alloc", slot: "c" } },
      { cpu: 0, op: { kind: "alloc", slot: "d" } },
      { cpu: 0, op: { kind: "alloc", slot: "d" } },
      { cpu: 0, op: { kind: "alloc", slot: "e" } },
      { cpu: 0, op: { kind: "free", slot: "a" } },
      { cpu: 0, op: { kind: "free", slot: "b" } },
      { cpu: 0, op: { kind: "free", slot: "b" } },
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "c" }] },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "free", slot: "d" }] },
      {
        name: "B",
        kind: "task",
        cpu: 1,
        ops: [
          { kind: "allocPageCache", slot: "pc" },
          { kind: "freePageCache", slot: "pc" },
        ],
      },
      {
        name: "irq2",
        kind: "irq",
        cpu: 0,
        ops: [
          { kind: "alloc", slot: "g" },
          { kind: "alloc", slot: "g" },
          { kind: "alloc", slot: "g" },
          { kind: "alloc", slot: "h" },
          { kind: "alloc", slot: "i" },
          { kind: "alloc", slot: "j" },
          { kind: "free", slot: "h" },
        ],
      },
    ],
    schedule: {
      steps: ["A*10", "irq*36", "B>put_page", "A", "B", "irq2*155"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "A frees an object of P2, a full slab on no list. The first free into a full slab freezes it for this CPU instead of taking the node's list_lock.",
      },
      {
        step: 8,
        text: "P2 is frozen; put_cpu_partial will push it onto CPU 0's partial list. v5.14 only disables preemption here: interrupts stay on.",
      },
      {
        step: 9,
        text: "A reads the head of the partial list: oldpage = P1. P1 is empty (all its objects were freed while it sat on the list).",
      },
      {
        step: 10,
        text: "An interrupt arrives on CPU 0 and frees an object of P3, freezing P3 too. Its put_cpu_partial finds pobjects over the limit and drains the list.",
      },
      {
        step: 40,
        text: "Draining unfreezes the chain; P1 is empty and min_partial is reached, so P1 goes back to the page allocator. A still holds the pointer.",
      },
      {
        step: 44,
        text: "The interrupt puts P3 at the head of the partial list and returns.",
      },
      {
        step: 46,
        text: "On CPU 1, B allocates a page for the page cache and gets P1's page.",
      },
      {
        step: 47,
        text: "A reads oldpage->pobjects and oldpage->pages: page-cache memory, in the report 'halves of the pointer page->lru.prev'. The high half of a kernel address read as an int is negative, so A sees no reason to drain.",
      },
      {
        step: 48,
        text: "B frees its page-cache page: P1's page is back in the page allocator.",
      },
      {
        step: 49,
        text: "A second interrupt on CPU 0 allocates until it needs a new slab, and gets P1's page again (the allocator hands out the most recently freed page).",
      },
      {
        step: 199,
        text: "It frees an object of that slab once it is full: the slab, P1 again, is frozen and pushed to the head of CPU 0's partial list. c->partial is P1 once more: the ABA.",
      },
      {
        step: 205,
        text: "A's this_cpu_cmpxchg(partial, P1, P2) compares only the pointer, so it succeeds. P2 is now the head, carrying A's garbage totals: pages is a pointer half, pobjects negative (Jann's report: they 'show up in root-only sysfs files').",
      },
    ],
  },
  goal: "Make the IRQ drain c->partial and free its head page between put_cpu_partial's read of that head and its use of it",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 the free takes the same slow path, but put_cpu_partial now runs under local_lock_irqsave: interrupts stay off from its read of c->partial to its write.",
    },
    {
      step: 7,
      text: "A takes the local lock with interrupts off. The schedule's IRQ entries that fall in this section are refused: an interrupt cannot enter an irq-off section.",
    },
    {
      step: 13,
      text: "A writes the new head of c->partial, still with interrupts off: nothing could change the list between its read and its write.",
    },
    {
      step: 15,
      text: "Only now, with interrupts back on, can the IRQ run. It finds a consistent list.",
    },
    {
      step: 221,
      text: "The empty slab the drain found is discarded by A itself, after its own list work. Every page A read was still a slab: no finding.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "impossible",
  expect: [
    { code: "uaf-slab", step: 47 },
    { code: "list-corrupt", step: 205 },
  ],
};
