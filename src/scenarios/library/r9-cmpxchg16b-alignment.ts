import type { LibraryEntry } from "./entry";

/**
 * R9, Sven Eckelmann's boot crash (seed 002 L6902-7083): patch 35 put `local_lock_t lock` first
 * in kmem_cache_cpu; with CONFIG_LOCK_STAT it is 56 bytes, so {freelist, tid} starts at offset 56
 * and the fast path's cmpxchg16b faults. Fixed by moving the lock after `partial` (L7776-7897).
 */
export const r9Cmpxchg16bAlignment: LibraryEntry = {
  id: "r9-cmpxchg16b-alignment",
  kind: "race",
  summary:
    "Not a race but a layout bug: the v4 series put the new local lock at the start of kmem_cache_cpu. With lock statistics on, the lock is 56 bytes, which pushes freelist and tid to offsets 56 and 64. The lockless fast path swaps the two words with one cmpxchg16b instruction, which needs them 16-byte aligned: the first fast-path allocation dies with a general protection fault. Moving the lock to the end of the structure fixes it.",
  source: {
    seed: "002 L6902-6935 (Sven's report), L7315-7363 (Vlastimil's pahole), L7594-7642 (Sebastian's pahole for four configs), L7667-7669 (why DEBUG_VM would have caught it), L7776-7897 (the fix)",
    fix: "mm, slub: fix kmem_cache_cpu fields alignment for double cmpxchg (fix-up of patch 35, seed 002 L7776-7897)",
    basis: "history",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title:
      "Sven Eckelmann's crash: with LOCK_STAT, the local lock misaligns the fast path's cmpxchg16b",
    description:
      "History: x86_64 with CONFIG_LOCK_STAT crashed at boot in kmem_cache_alloc on cmpxchg16b 0x38(%rdi) (seed 002 L6921-6928). The layout offsets are the ones pahole printed in the thread; the lockdep-only sizes (48 bytes on !RT) are derived from the same structures. Analysis: the engine checks cmpxchg16b's alignment rule where the fast paths use this_cpu_cmpxchg_double; it does not model the processor. The same allocation on v5.15 (lock after partial) runs clean, and so does v4 without LOCK_STAT.",
    kernel: { variant: "v4", cpus: 1, lockStat: true },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "boot" } }],
    actors: [
      {
        name: "swapper",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "alloc", slot: "x" }],
      },
    ],
    schedule: { steps: ["swapper*6"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "The kernel is built with CONFIG_LOCK_STAT, as in Sven's config. In v4 as posted, kmem_cache_cpu begins with the local lock, 56 bytes with lock statistics; freelist sits at offset 56 and tid at 64 (pahole in the thread). The allocation prepared before this step took the slow path and filled c->freelist, so this one can use the lockless fast path.",
      },
      {
        step: 2,
        text: "object = c->freelist: there is a free object, and c->page is on a suitable node. No slow path.",
      },
      {
        step: 5,
        text: "this_cpu_cmpxchg_double swaps freelist and tid in one instruction, cmpxchg16b, whose 16-byte operand must be 16-byte aligned. The per-cpu structure starts 16-byte aligned, but offset 56 is not: general protection fault, as in the boot log (cmpxchg16b 0x38(%rdi)). Without LOCK_STAT the lock is empty on !RT and v4 is fine; with plain lockdep it is 48 bytes, still aligned, and on RT 32 or 144 (the thread: only LOCK_STAT broke, L7851-7852, L7287-7288). With CONFIG_DEBUG_VM, a VM_BUG_ON in __pcpu_double_call_return_bool would have caught it first (L7667-7669). The fix moves the lock after partial; on v5.15 this step succeeds.",
      },
    ],
  },
  goal: "Reach the fast path's cmpxchg16b with lock statistics on",
  fixedNarration: [
    {
      step: 0,
      text: "On v5.15 the local lock sits at the end of kmem_cache_cpu: freelist and tid stay at offsets 0 and 8, 16-byte aligned even with lock statistics on.",
    },
    {
      step: 5,
      text: "The fast path's cmpxchg16b on {freelist, tid} is aligned: it succeeds, no general protection fault.",
    },
  ],
  fixed: { variant: "v5.15" },
  fixedOutcome: "clean",
  expect: [{ code: "cmpxchg16b-misaligned", step: 5 }],
};
