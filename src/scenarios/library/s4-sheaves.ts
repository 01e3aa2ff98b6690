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

export const sheavesScenarios: readonly LibraryEntry[] = [s4SheavesTour];
