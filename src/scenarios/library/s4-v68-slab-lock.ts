import type { Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * "slub: Delay freezing of CPU partial slabs" as it was in linux-next (November 2023): without
 * cmpxchg_double, slab_lock() is a bit spinlock in the slab's flags word, and the new
 * on-node-list flag in the same word was changed with non-atomic bit operations.
 */
const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const alloc = (slot: string) => ({ kind: "alloc", slot }) as const;
const free = (slot: string) => ({ kind: "free", slot }) as const;

export const v68SlabLockLostUpdate: LibraryEntry = {
  id: "v68-slab-lock-lost-update",
  kind: "race",
  summary:
    "On a machine without a double-word cmpxchg (or for a debug cache), SLUB updates a slab's freelist and counters under slab_lock(), a bit spinlock in the slab's flags word. The delayed-freezing series put the new on-node-list flag in the same word and, as first merged into linux-next, set and cleared it with non-atomic bit operations. A CPU taking a slab off its node list reads the word while another CPU holds slab_lock, the holder unlocks, and the stale word is stored back: PG_locked is set again with nobody holding it, and the next slab_lock() on that slab spins forever with irqs off.",
  source: {
    seed: 'outside the thread: Mark Brown\'s report on linux-next (Raspberry Pi 3, arm multi_v7_defconfig: RCU stalls at boot, bisected to "slub: Delay freezing of partial slabs"), and mm/slub.c of v6.8 (slab_lock, slab_unlock, __update_freelist_slow, slab_set_node_partial, slab_clear_node_partial)',
    fix: '"mm/slub: try to fix hangs without cmpxchg64/128" (Vlastimil Babka, Nov 2023, folded into the series before 6.8): set_bit/clear_bit for the flag and bit_spin_unlock for slab_unlock, all atomic',
    basis: "outside",
  },
  scenario: {
    ...base,
    title:
      "v6.8 in linux-next without cmpxchg_double: a non-atomic flag update puts back PG_locked (slab_lock hangs)",
    description:
      "Outside the thread. cache.cmpxchgDouble is false: no __CMPXCHG_DOUBLE, as on 32-bit arm, which has no cmpxchg64 for the slab's two words, or for any debug cache. Without cpu partial slabs, so that a free into a full slab puts it on the node list directly. The model keeps two bits of the flags word, PG_locked and PG_workingset (the on-node-list flag).",
    kernel: { variant: "v6.8-next-2023-11", cpus: 2, cpuPartial: false },
    cache: { objects: 3, minPartial: 1, cmpxchgDouble: false },
    prepare: [
      { cpu: 0, op: alloc("a") },
      { cpu: 0, op: alloc("a") },
      { cpu: 0, op: alloc("a") },
      { cpu: 0, op: alloc("b") },
      { cpu: 0, op: free("a") },
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [free("a")] },
      { name: "B", kind: "task", cpu: 1, ops: [alloc("c")] },
    ],
    schedule: {
      steps: [
        "A>__update_freelist_slow:unlock",
        "B>get_partial_node:next+1",
        "A*2",
        "B*1",
      ],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "Slab P0 is on node 0's partial list (its on-node-list flag set) with one free object and two allocated. A, on CPU 0, frees one of them; B, on CPU 1, which has no cpu slab, allocates.",
      },
      {
        step: 6,
        text: "P0 keeps objects in use and had a free one, so A's free needs no list_lock: only slab_update_freelist. The cache has no __CMPXCHG_DOUBLE, so it takes the slow form.",
      },
      {
        step: 8,
        text: "Irqs off, then slab_lock(): bit_spin_lock sets PG_locked in P0's flags word with an atomic test-and-set. A holds P0's slab lock.",
      },
      {
        step: 9,
        text: "Under the lock, A compares both words and writes the new freelist and counters.",
      },
      {
        step: 22,
        text: "B, under list_lock, takes P0 off the node list: remove_partial clears the on-node-list flag with __clear_bit, a load of the whole flags word and a store. The load sees PG_locked set (A holds it) and PG_workingset set.",
      },
      {
        step: 23,
        text: "A unlocks with __bit_spin_unlock: also a load of the word...",
      },
      {
        step: 24,
        text: "...and a plain store of it with PG_locked cleared. The lock is free.",
      },
      {
        step: 25,
        text: "B stores its word: PG_workingset cleared as intended, but PG_locked put back as B read it. A's unlock is lost: P0's lock bit is set and nobody holds it.",
      },
      {
        step: 30,
        text: "B freezes P0 to make it its cpu slab: slab_update_freelist, slow form again.",
      },
      {
        step: 34,
        text: "slab_lock() finds PG_locked set and spins, with irqs off, forever: nothing will clear the bit. On the machine in the report this showed as RCU stalls. In the other order (A's store last) it is the on-node-list flag that comes back, on a slab that is off the list.",
      },
    ],
  },
  goal: "Without cmpxchg_double, make a node-list flag update and a slab_unlock race on one slab's flags word",
  fixedNarration: [
    {
      step: 0,
      text: "v6.8 as released: the flag is changed with set_bit/clear_bit and slab_unlock uses bit_spin_unlock, atomic read-modify-writes of the flags word.",
    },
    {
      step: 22,
      text: "B takes P0 off the node list; clear_bit changes only PG_workingset, whatever the other bits of the word do meanwhile.",
    },
    {
      step: 23,
      text: "A's bit_spin_unlock clears only PG_locked: neither update can undo the other.",
    },
    {
      step: 32,
      text: "B's slab_lock() finds the bit clear and takes it; the freeze completes and B allocates.",
    },
  ],
  fixed: { variant: "v6.8" },
  fixedOutcome: "clean",
  expect: [{ code: "deadlock", step: 35 }],
};

export const v68SlabLockScenarios: LibraryEntry[] = [v68SlabLockLostUpdate];
