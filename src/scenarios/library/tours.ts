import type { Scenario } from "../../engine";
import { defaultScenario } from "./default";
import type { LibraryEntry } from "./entry";

const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const alloc = (slot: string) => ({ kind: "alloc", slot }) as const;
const free = (slot: string) => ({ kind: "free", slot }) as const;
const onCpu = <T>(cpu: number, ops: T[]) => ops.map((op) => ({ cpu, op }));

/** Tours: the paths without a bug, each with the counters that prove which path ran. */
export const tours: LibraryEntry[] = [
  {
    id: "tour-fast-path",
    kind: "tour",
    summary:
      "The lockless fast paths: an allocation takes the object at the head of c->freelist with one this_cpu_cmpxchg_double on {freelist, tid}, and a free pushes it back the same way.",
    source: {
      seed: "002 L1191-1269, L3995-4046 (the fast paths and the tid)",
      basis: "history",
    },
    scenario: {
      ...base,
      title: "Tour: the lockless fast paths and the tid",
      kernel: { variant: "v5.15", cpus: 1 },
      cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
      prepare: onCpu(0, [alloc("warm")]),
      actors: [
        {
          name: "A",
          kind: "task",
          cpu: 0,
          ops: [alloc("x"), free("x"), alloc("x")],
        },
      ],
      narration: [
        {
          step: 0,
          text: "A's cpu slab P0 has free objects on c->freelist. slab_alloc_node reads c, then the tid through c: the tid is the fast path's sequence number, with the CPU in its low bits.",
        },
        {
          step: 5,
          text: "One this_cpu_cmpxchg_double swaps {freelist, tid} for {next object, next tid}: no lock, no irq toggling. Had anything changed c->freelist in between, the tid would differ and A would retry.",
        },
        {
          step: 6,
          text: "The free: the object's slab is c->page, so it goes back onto c->freelist with the same kind of cmpxchg (free_fastpath).",
        },
      ],
    },
    expect: [],
  },
  {
    id: "tour-refill-from-cpu-partial",
    kind: "tour",
    summary:
      "The slow path when the cpu slab is exhausted: get_freelist finds nothing (deactivate_bypass), the next slab comes off this CPU's partial list (cpu_partial_alloc), and its page freelist refills c->freelist (alloc_refill).",
    source: {
      seed: "002 L1503-1557, L3895-3970 (___slab_alloc, new_slab label)",
      basis: "history",
    },
    scenario: {
      ...base,
      title: "Tour: a slow-path refill from the per-CPU partial list",
      kernel: { variant: "v5.15", cpus: 1 },
      cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
      prepare: onCpu(0, [
        ...Array.from({ length: 4 }, () => alloc("a")),
        ...Array.from({ length: 4 }, () => alloc("b")),
        free("a"),
      ]),
      actors: [{ name: "A", kind: "task", cpu: 0, ops: [alloc("c")] }],
      narration: [
        {
          step: 0,
          text: "The cpu slab P1 is full and c->freelist is empty; P0, with one free object, waits frozen on this CPU's partial list.",
        },
        {
          step: 15,
          text: "get_freelist takes P1's page freelist, which is empty: P1 is unfrozen and c->page cleared (deactivate_bypass). P1 is full, so it goes on no list.",
        },
        {
          step: 21,
          text: "new_slab: the partial list is not empty, so under the local lock P0 becomes the cpu slab and c->partial its successor (cpu_partial_alloc).",
        },
        {
          step: 32,
          text: "Back at redo: get_freelist takes P0's free objects onto c->freelist (alloc_refill) and the first one is returned.",
        },
      ],
    },
    expect: [],
  },
  {
    id: "tour-free-freezes-full-slab",
    kind: "tour",
    summary: defaultScenario.description ?? defaultScenario.title,
    source: {
      seed: "002 L2657 (put_cpu_partial's comment), L3443-3514",
      basis: "history",
    },
    scenario: defaultScenario,
    expect: [],
  },
  {
    id: "tour-drain-on-overflow",
    kind: "tour",
    summary:
      "Frees into four full slabs freeze each onto CPU 1's partial list. When pobjects passes cpu_partial, put_cpu_partial detaches the whole chain under the local lock and unfreezes it onto the node list after unlocking (cpu_partial_drain).",
    source: {
      seed: "002 L3443-3514 (patch 33: drain after the critical section)",
      basis: "history",
    },
    scenario: {
      ...base,
      title: "Tour: draining the per-CPU partial list when it overflows",
      kernel: { variant: "v5.15", cpus: 2 },
      cache: { objects: 4, cpuPartial: 2, minPartial: 5 },
      prepare: onCpu(0, [
        ...["a", "b", "c", "d"].flatMap((s) =>
          Array.from({ length: 4 }, () => alloc(s)),
        ),
        alloc("e"),
      ]),
      actors: [
        {
          name: "B",
          kind: "task",
          cpu: 1,
          ops: ["a", "b", "c", "d"].map(free),
        },
      ],
      narration: [
        {
          step: 0,
          text: "CPU 0 filled four slabs (P0-P3, full, on no list). B on CPU 1 frees one object of each.",
        },
        {
          step: 10,
          text: "Each first free into a full slab freezes it and links it at the head of CPU 1's partial list; the head's pobjects counts the free objects of the whole chain.",
        },
        {
          step: 47,
          text: "The fourth freeze finds pobjects 3 > cpu_partial 2: the old chain is detached under the local lock ...",
        },
        {
          step: 51,
          text: "... and unfrozen onto node 0's partial list after the lock is dropped (cpu_partial_drain).",
        },
      ],
    },
    expect: [],
  },
  {
    id: "tour-cpu-offline-flush",
    kind: "tour",
    summary:
      "Taking a CPU offline: the hotplug thread holds cpu_hotplug_lock for write and, in slub_cpu_dead, flushes the dead CPU's cpu slab and partial list under slab_mutex, without any local lock (nobody else can touch a dead CPU's kmem_cache_cpu).",
    source: {
      seed: "002 L2814-2828, L5758-5767 (slub_cpu_dead)",
      basis: "history",
    },
    scenario: {
      ...base,
      title: "Tour: a flush on CPU offline",
      kernel: { variant: "v5.15", cpus: 2 },
      cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
      prepare: [
        ...onCpu(1, [
          ...Array.from({ length: 4 }, () => alloc("a")),
          alloc("b"),
        ]),
        ...onCpu(0, [free("a")]),
        ...onCpu(1, [free("a")]),
      ],
      actors: [
        {
          name: "hotplug",
          kind: "hotplug",
          cpu: 0,
          ops: [
            { kind: "cpuOffline", cpu: 1 },
            { kind: "cpuOnline", cpu: 1 },
          ],
        },
      ],
      narration: [
        {
          step: 0,
          text: "CPU 1 has a cpu slab with free objects; CPU 0 froze P0 onto its own partial list. The hotplug thread on CPU 0 takes CPU 1 down.",
        },
        {
          step: 3,
          text: "slub_cpu_dead runs on the hotplug thread: slab_mutex, then __flush_cpu_slab on the dead CPU's kmem_cache_cpu.",
        },
      ],
    },
    expect: [],
  },
];
