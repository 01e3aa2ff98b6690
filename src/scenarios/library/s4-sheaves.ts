import type { Op, Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * The percpu sheaves of v7.0 ("slab: replace cpu (partial) slabs with sheaves", Vlastimil Babka,
 * January 2026): a tour of the alloc and free fast paths through main, spare and barn.
 */

const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const alloc = (slot: string): Op => ({ kind: "alloc", slot });
const free = (slot: string): Op => ({ kind: "free", slot });
const times = (n: number, op: Op): Op[] => Array.from({ length: n }, () => op);

export const s4SheavesTour: LibraryEntry = {
  id: "s4-sheaves-tour",
  kind: "tour",
  summary:
    "v7.0 has no cpu slab: allocations pop from this CPU's main sheaf under a local trylock and frees push onto it. An empty main is refilled from slabs with the lock dropped, or swapped with the spare, or traded for a full sheaf of the node's barn; a full main is swapped with the spare or parked in the barn.",
  source: {
    seed: "outside: mm/slub.c of v7.0 (alloc_from_pcs, free_to_pcs, __pcs_replace_empty_main, __pcs_replace_full_main)",
    basis: "outside",
  },
  scenario: {
    ...base,
    title: "Tour: v7.0 sheaves: main, spare and the barn",
    description:
      "One task on one CPU allocates 12 objects, frees them all, then allocates 12 again. Sheaves hold 4 objects (half the old cpu_partial of 8), the barn at most 2 full and 2 empty sheaves.",
    kernel: { variant: "v7.0", cpus: 1 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          ...times(12, alloc("x")),
          ...times(12, free("x")),
          ...times(12, alloc("x")),
        ],
      },
    ],
    narration: [
      {
        step: 0,
        text: "v7.0 has no kmem_cache_cpu: slab_alloc_node goes to alloc_from_pcs, this CPU's sheaves. CPU 0's main sheaf is empty (every CPU starts with one), there is no spare, and node 0's barn is empty.",
      },
      {
        step: 2,
        text: "local_trylock(): on !RT this only disables preemption; it fails only for a context that interrupted the holder on the same CPU, and then the allocation takes the slow path.",
      },
      {
        step: 6,
        text: "main is empty, no spare to swap with, and the barn has no full sheaf to trade (BARN_GET_FAIL). A GFP_KERNEL caller may block, so it will fill a sheaf itself.",
      },
      {
        step: 7,
        text: "The CPU's lock is dropped before the refill: refilling allocates slabs and may sleep. From here until the relock, the task could be preempted or migrated.",
      },
      {
        step: 9,
        text: "refill_sheaf: the node has no partial slab, so a new slab is allocated and its 4 objects go straight into the detached sheaf (sheaf_refill 4). Watch the sheaf held by A in the sheaves panel.",
      },
      {
        step: 16,
        text: "local_lock() again, and this_cpu_ptr() re-read: had A moved, this would be another CPU's sheaves.",
      },
      {
        step: 17,
        text: "main is still empty, so it becomes the spare and the refilled sheaf becomes main.",
      },
      {
        step: 18,
        text: "The fast path proper: read the top object of main, decrement its size, unlock. No cmpxchg and no tid any more.",
      },
      {
        step: 150,
        text: "Freeing: free_to_pcs pushes onto main. main is full now, but the spare has room: __pcs_replace_full_main swaps them and the push goes on.",
      },
      {
        step: 173,
        text: "Both main and spare are full. barn_replace_full_sheaf would park the full main in the barn in exchange for an empty sheaf, but the barn has no empty one.",
      },
      {
        step: 176,
        text: "So A drops the lock, allocates an empty sheaf, takes the lock again, and installs it: the full main goes into the barn (BARN_PUT), the empty one becomes main.",
      },
      {
        step: 228,
        text: "Allocating again: main ran empty, and the spare is full, so they are swapped under the lock.",
      },
      {
        step: 259,
        text: "main and spare are both empty now. The barn has a full sheaf: under the barn lock, main's empty sheaf is traded for it (BARN_GET). No slab was touched.",
      },
    ],
  },
  expect: [],
};

export const s4RefillMigrates: LibraryEntry = {
  id: "s4-sheaves-refill-migrates",
  kind: "tour",
  summary:
    "A task refills a sheaf with CPU 0's lock dropped and migrates to CPU 1 meanwhile. It takes the lock again on CPU 1, re-reads that CPU's sheaves and puts the refilled sheaf where there is room there (CPU 1's main still has objects, so it becomes CPU 1's spare); then it allocates from CPU 1's main. Nothing is lost or held twice.",
  source: {
    seed: "outside: mm/slub.c of v7.0, __pcs_replace_empty_main (its comment: on success the lock is held, possibly on another CPU than at the call)",
    basis: "analysis",
  },
  scenario: {
    ...base,
    title: "v7.0 sheaves: migration while a refill runs with the lock dropped",
    description:
      "Two CPUs on one node. CPU 1's main sheaf was filled by an earlier allocation there. Task A on CPU 0 finds its main empty and refills a new sheaf with the lock dropped; it is migrated to CPU 1 before it takes the lock again.",
    kernel: { variant: "v7.0", cpus: 2 },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [{ cpu: 1, op: alloc("w") }],
    actors: [{ name: "A", kind: "task", cpu: 0, ops: [alloc("x")] }],
    schedule: {
      steps: ["A>refill_sheaf", "A@1>alloc_from_pcs:pop"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "CPU 1's main sheaf holds 3 objects (its first allocation refilled it with a new slab's 4). CPU 0's main is empty. Task A allocates on CPU 0.",
      },
      {
        step: 7,
        text: "No spare, no full sheaf in the barn: A drops CPU 0's lock to refill a new sheaf itself. It is no longer pinned to CPU 0.",
      },
      {
        step: 9,
        text: "A is migrated to CPU 1 while it fills the detached sheaf from a new slab. The sheaf is A's alone: it is on no CPU and in no barn.",
      },
      {
        step: 16,
        text: "local_lock() now takes CPU 1's lock, and this_cpu_ptr() gives CPU 1's sheaves: the code cannot assume it is back where it started.",
      },
      {
        step: 17,
        text: "CPU 1's main is not empty, and it has no spare: the refilled sheaf becomes CPU 1's spare. Had both been taken, it would have gone into the barn A looked up before dropping the lock.",
      },
      {
        step: 18,
        text: "A pops its object from CPU 1's main. CPU 0 keeps its empty main; no object is lost or held twice.",
      },
    ],
  },
  expect: [],
};

export const sheavesScenarios: readonly LibraryEntry[] = [
  s4SheavesTour,
  s4RefillMigrates,
];
