import type { LibraryEntry } from "./entry";

/**
 * R5, Clark Williams' VM_BUG_ON (seed 002 L6545-6700, corrected at L6733-6890): since patch 13,
 * ___slab_alloc checks pfmemalloc_match() on c->page before disabling irqs; if the page was freed
 * in between, PageSlabPfmemalloc() asserts PageSlab and CONFIG_DEBUG_VM turns that into a BUG.
 */
export const r5PfmemallocVmBugOn: LibraryEntry = {
  id: "r5-pfmemalloc-vm-bug-on",
  kind: "race",
  summary:
    "The v4 slow path reads c->page with interrupts on and checks it before taking the lock, planning to re-check under the lock. An interrupt deactivates that slab and, because it is empty, frees the page. The task's early check then asks whether the page is a pfmemalloc slab; the helper it uses asserts that the page is a slab at all, and with CONFIG_DEBUG_VM that assertion stops the kernel. The re-check would have caught the stale page; only the assertion was wrong. The fix uses a check that does not assert.",
  source: {
    seed: "002 L6585-6591 (Clark's BUG), L6619-6623 (the cause, and that !RT can hit it through an IRQ), L6650-6680 and L6883 (the fix), L1543-1552 (patch 13, which moved the check)",
    fix: "mm, slub: fix ___slab_alloc for PageSlab-less pages, pfmemalloc_match_unsafe() (fix-up of patch 13, seed 002 L6733-6890)",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Clark Williams' VM_BUG_ON: pfmemalloc_match() on a page an interrupt has just freed",
    description:
      "Analysis: Clark saw the BUG on PREEMPT_RT running hackbench (seed 002 L6585-6591), where a preempting task freed the page; the seed says !RT can hit it through an interrupt (L6621-6623), and this schedule does that on one CPU with two NUMA nodes. One-object slabs and min_partial 0, so the interrupt's deactivation frees the page at once; a node-1 allocation is one way for an interrupt to deactivate the cpu slab. On v5.15 the early check is pfmemalloc_match_unsafe(), which reads the flag without asserting, and the re-check under the lock sends the task back to reread_page.",
    kernel: { variant: "v4", cpus: 1, nodes: 2, debugVm: true },
    cache: { objects: 1, cpuPartial: 2, minPartial: 0 },
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "x" } }],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
      {
        name: "irq",
        kind: "irq",
        cpu: 0,
        ops: [
          { kind: "free", slot: "x" },
          { kind: "alloc", slot: "z", node: 1 },
        ],
      },
    ],
    schedule: {
      steps: ["A>___slab_alloc:redo", "irq*47", "A*2"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "Slabs hold one object here. The prepared allocation took the only object of P0, CPU 0's cpu slab: c->freelist is empty, so A's allocation goes to the slow path.",
      },
      {
        step: 6,
        text: "___slab_alloc reads c->page = P0 with interrupts on. Since patch 13 the node and pfmemalloc checks on this page run before the lock is taken, and the page is checked again under the lock.",
      },
      {
        step: 7,
        text: "An interrupt on CPU 0 frees P0's object. P0 is the cpu slab, so the free takes the fast path: the object goes onto c->freelist.",
      },
      {
        step: 13,
        text: "A second interrupt allocates from node 1 (kmalloc_node). P0 is on node 0: the fast path refuses it and the slow path deactivates it.",
      },
      {
        step: 35,
        text: "deactivate_slab puts the free object back into P0: nothing in P0 is in use and min_partial is 0, so P0 goes back to the page allocator. PageSlab is cleared.",
      },
      {
        step: 36,
        text: "The interrupt takes a new slab P1 from node 1, installs it as c->page and returns.",
      },
      {
        step: 54,
        text: "A resumes with its stale P0. node_match() passes: A asked for any node.",
      },
      {
        step: 55,
        text: "pfmemalloc_match(P0) calls PageSlabPfmemalloc(), which asserts PageSlab: P0 is not a slab any more. With CONFIG_DEBUG_VM this is VM_BUG_ON_PAGE, the 'kernel BUG at include/linux/page-flags.h:814' of Clark's report, in ___slab_alloc. The stale page itself was harmless: the re-check under the lock (page != c->page) would have sent A back to reread_page, which is what happens on v5.15 with pfmemalloc_match_unsafe().",
      },
    ],
  },
  goal: "Make the interrupt free A's cpu slab between A's unlocked read of c->page and its pfmemalloc check",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 the same schedule runs: the IRQ still frees A's cpu slab while A's slow path is between its unlocked read of c->page and its checks.",
    },
    {
      step: 55,
      text: "The early check now uses pfmemalloc_match_unsafe(), which reads the flag without asserting that the page is a slab: no VM_BUG_ON here.",
    },
    {
      step: 57,
      text: "Under the lock, the re-check sees that c->page changed and goes back to reread_page: the stale page is never used.",
    },
    { step: 89, text: "A returns an object from a live slab. No finding." },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [{ code: "vm-bug-on", step: 55 }],
};
