import type { Scenario } from "../../engine";

/**
 * The scenario the app opens on: two CPUs on v5.15. A task on CPU 0 fills a slab and moves on
 * to a new one; an IRQ on CPU 0 allocates in the middle of the task's slow path; a task on CPU 1
 * frees objects of the full slab, which freezes it onto CPU 1's per-CPU partial list.
 */
export const defaultScenario: Scenario = {
  format: "slabscope/scenario",
  version: 1,
  title: "Remote frees freeze a full slab onto another CPU's partial list",
  description:
    "Task A on CPU 0 allocates six objects from a cache with four objects per slab: the first comes from a new slab on the slow path, the next three from the lockless per-CPU freelist, the fifth finds the cpu slab full and starts a second slab. An IRQ on CPU 0 allocates while A is in its slow path with irqs on. Task B on CPU 1 then frees objects of the first, full slab: the first free freezes it and puts it on CPU 1's partial list; the next ones only push onto its freelist.",
  kernel: { variant: "v5.15", cpus: 2, fixes: ["tid-on-deactivation"] },
  cache: {
    name: "kmalloc-64",
    objectSize: 64,
    objects: 4,
    cpuPartial: 4,
    minPartial: 1,
  },
  actors: [
    {
      name: "A",
      kind: "task",
      cpu: 0,
      ops: [
        { kind: "alloc", slot: "a" },
        { kind: "alloc", slot: "a" },
        { kind: "alloc", slot: "a" },
        { kind: "alloc", slot: "a" },
        { kind: "alloc", slot: "b" },
        { kind: "alloc", slot: "b" },
      ],
    },
    { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "alloc", slot: "i" }] },
    {
      name: "B",
      kind: "task",
      cpu: 1,
      ops: [
        { kind: "free", slot: "a" },
        { kind: "free", slot: "a" },
        { kind: "free", slot: "a" },
      ],
    },
  ],
  schedule: {
    steps: ["A>___slab_alloc:new_objects#2", "irq*27"],
    rest: "round-robin",
  },
  narration: [
    {
      step: 0,
      text: "A's first allocation finds no cpu slab: slab_alloc_node falls into the slow path.",
    },
    {
      step: 62,
      text: "The cpu slab is full: get_freelist found nothing, so c->page was cleared. A looks for a new slab with irqs on.",
    },
    {
      step: 63,
      text: "An IRQ arrives on CPU 0 and allocates: it installs a slab of its own as c->page.",
    },
    {
      step: 103,
      text: "B frees an object of A's first, full slab from CPU 1: the slab is frozen and goes onto CPU 1's partial list.",
    },
    {
      step: 114,
      text: "Back in A, retry_load_page finds c->page set by the IRQ: A deactivates that slab and installs its own.",
    },
  ],
};
