import type { Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * S3.1-S3.6, and one more hole from reading the diff: the opt-in percpu array cache of "[PATCH RFC v3 5/9] mm/slub: add opt-in percpu
 * array cache of objects" (Vlastimil Babka, Nov 2023) and Suren Baghdasaryan's review of it
 * (seed 003). The RFC was never merged in this form; it grew into the percpu sheaves of 6.18.
 * The races run on v6.7-pca-rfc3 (the patch as posted) and replay on v6.7-pca-rfc3-fixed.
 */

const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const RFC = "v6.7-pca-rfc3";
const FIXED = "v6.7-pca-rfc3-fixed";

/** The cache of these scenarios: slabs of `objects`, cpu_partial twice that, arrays of 8. */
const pcaCache = (objects: 4 | 8): Scenario["cache"] => ({
  objects,
  cpuPartial: 2 * objects,
  minPartial: 1,
  percpuArray: { count: 8 },
});

/** The same schedule on the fixed RFC runs and finds nothing. */
const fixedClean = {
  fixed: { variant: FIXED },
  fixedOutcome: "clean",
} as const satisfies Pick<LibraryEntry, "fixed" | "fixedOutcome">;

/** The era, said once per scenario: these paths are not in any released kernel. */
const ERA =
  "This is the percpu array cache of the RFC v3 patch (Nov 2023, against a v6.7-rc SLUB; never merged as such, it became the percpu sheaves of 6.18), modelled over this engine's v5.15 SLUB core.";

export const s31IrqFreeLeak: LibraryEntry = {
  id: "s3-1-pca-irq-free-leak",
  kind: "race",
  summary:
    "A task frees into CPU 0's percpu array and holds its lock (preemption off, interrupts on). An IRQ on the same CPU allocates: the trylock fails, and the allocation quietly bypasses the array. The IRQ then frees: the trylock fails again, free_to_pca() returns false, and slab_free() ignores it. The object has passed the free hooks but is in no array and on no freelist: it is leaked.",
  source: {
    seed: '003: Suren Baghdasaryan\'s first comment, on slab_free() ("free_to_pca() can return false and leave the object alive")',
    fix: "falling back to do_slab_free() when free_to_pca() fails (the natural fix; no reply is in the thread)",
    basis: "history",
  },
  scenario: {
    ...base,
    title: "Percpu array RFC v3: an IRQ's free fails the trylock and is lost",
    description: `${ERA} The array's lock is a spinlock taken only with trylock, and only preemption (migration on RT) is disabled while it is held, so an interrupt on the same CPU can find it taken. On the allocation side that is a harmless bypass; on the free side the RFC drops the object.`,
    kernel: { variant: RFC, cpus: 2 },
    cache: pcaCache(4),
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "o1" } }],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "o1" }] },
      {
        name: "irq",
        kind: "irq",
        cpu: 0,
        ops: [
          { kind: "alloc", slot: "o2" },
          { kind: "free", slot: "o2" },
        ],
      },
    ],
    schedule: {
      steps: ["A>free_to_pca:retry+1", "irq*44"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: `${ERA} CPU 0's array holds 3 of 8 objects: the first allocation found it empty, refilled half of it (cpu_cache_refill 4) and took one, o1. Task A now frees o1: slab_free() runs the memcg and KASAN hooks first.`,
      },
      {
        step: 2,
        text: "pca_spin_trylock(): preempt_disable() (this is !RT), then spin_trylock() on CPU 0's array lock. A holds it. Interrupts stay on.",
      },
      {
        step: 3,
        text: "An interrupt arrives on CPU 0 and allocates (GFP_ATOMIC). alloc_from_pca()'s trylock fails: the array is bypassed, and the object comes from the slabs instead. No harm done on this side.",
      },
      {
        step: 43,
        text: "Still inside the interrupt, it frees the object again. slab_free() runs the hooks (the object is now poisoned for KASAN and uncharged), then calls free_to_pca().",
      },
      {
        step: 45,
        text: "The trylock fails again: A still holds the array. free_to_pca() returns false.",
      },
      {
        step: 46,
        text: 'slab_free() ignores the return value: the object is in no array, on no freelist, and its slab still counts it in use. Suren Baghdasaryan: "free_to_pca() can return false and leave the object alive. I think you need to handle the failure case here to avoid leaks." On the fixed kernel this step is do_slab_free() instead.',
      },
      {
        step: 47,
        text: "A resumes and pushes o1 onto the array as if nothing happened (free_cpu_cache 1).",
      },
    ],
  },
  goal: "Make the IRQ's free fail the array's trylock while A holds it, so the object is lost",
  fixedNarration: [
    {
      step: 0,
      text: "On the fixed RFC, slab_free() checks free_to_pca()'s answer and frees to the slab when the array is busy.",
    },
    {
      step: 4,
      text: "The IRQ's allocation fails the trylock and bypasses the array, as before.",
    },
    {
      step: 45,
      text: "The IRQ's free fails the trylock too: A still holds the array.",
    },
    {
      step: 46,
      text: "slab_free() sees the false and calls do_slab_free(): the object goes back to its slab.",
    },
    {
      step: 55,
      text: "A finishes its own free into the array. No object is lost.",
    },
  ],
  ...fixedClean,
  expect: [{ code: "object-leak", step: 46 }],
};

export const s32OfflineDestroy: LibraryEntry = {
  id: "s3-2-pca-offline-destroy",
  kind: "race",
  summary:
    "CPU 2's percpu array holds 5 objects when the CPU goes offline. slub_cpu_dead() flushes the CPU's slabs but not its array, and kmem_cache_destroy() does not flush arrays either: the 5 objects are stranded, shutdown finds objects in use, and the cache (with its cpu_array) is never freed.",
  source: {
    seed: '003: the diff never touches slub_cpu_dead, shrink or __kmem_cache_release; Suren Baghdasaryan\'s third comment ("where do you free s->cpu_array?")',
    fix: "flush every array on CPU offline and before shutdown (analysis; no reply is in the thread)",
    basis: "analysis",
  },
  scenario: {
    ...base,
    title:
      "Percpu array RFC v3: CPU offline and cache destroy strand the cached objects",
    description: `${ERA} Analysis: the hunks of the quoted diff are contiguous, so the diff is complete, and none of them adds a flush of the arrays to CPU hotplug, kmem_cache_shrink or kmem_cache_destroy.`,
    kernel: { variant: RFC, cpus: 3 },
    cache: pcaCache(4),
    prepare: [{ cpu: 2, op: { kind: "prefill", count: 5 } }],
    actors: [
      {
        name: "hotplug",
        kind: "hotplug",
        cpu: 0,
        ops: [{ kind: "cpuOffline", cpu: 2 }],
      },
      { name: "T", kind: "task", cpu: 0, ops: [{ kind: "destroy" }] },
    ],
    schedule: { steps: ["hotplug*23"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: `${ERA} kmem_cache_prefill_percpu_array() left 5 objects in CPU 2's array. CPU 2 goes offline.`,
      },
      {
        step: 3,
        text: "slub_cpu_dead() flushes CPU 2's cpu slab and partial list. The RFC adds nothing here: the array keeps its 5 objects, and nothing can reach them while the CPU is down.",
      },
      {
        step: 23,
        text: "kmem_cache_destroy(): flush_all flushes the cpu slabs of the online CPUs, free_partial discards the empty slabs. The arrays are not flushed.",
      },
      {
        step: 39,
        text: 'Shutdown finds slabs with objects in use: "Slab cache still has objects". They are the 5 objects in CPU 2\'s array, which nobody will ever free; the cache stays, and so does s->cpu_array (Suren Baghdasaryan: "where do you free s->cpu_array?"). On the fixed kernel, slub_cpu_dead() and __kmem_cache_shutdown() empty the arrays first (cpu_cache_flush 5) and the cache goes away.',
      },
    ],
  },
  goal: "Take CPU 2 offline and destroy the cache while objects sit in CPU 2's percpu array",
  fixedNarration: [
    {
      step: 0,
      text: "On the fixed RFC, slub_cpu_dead() and __kmem_cache_shutdown() empty the percpu arrays first.",
    },
    {
      step: 4,
      text: "slub_cpu_dead() flushes the dead CPU's array back to the slabs (flush_pca_cpu).",
    },
    { step: 7, text: "The objects are freed to their slabs in bulk." },
    {
      step: 125,
      text: "Shutdown finds no object in use: the cache and its cpu_array go away.",
    },
  ],
  ...fixedClean,
  expect: [{ code: "object-leak", step: 39 }],
};

export const s33RefillMigrates: LibraryEntry = {
  id: "s3-3-pca-refill-migrates",
  kind: "tour",
  summary:
    "CPU 0's array is empty, so an allocation refills it: refill_pca() drops the lock and the pin and bulk-allocates 4 objects. Meanwhile the task migrates to CPU 1, whose array already holds 6 of 8. The refill pushes only 2 (cpu_cache_refill 2) and bulk-frees the other 2, as the RFC's own comment foresees; the retry then pops one from CPU 1's array.",
  source: {
    seed: '003: refill_pca() ("We could have migrated to a different cpu or somebody else freed to the pca while we were bulk allocating")',
    basis: "history",
  },
  scenario: {
    ...base,
    title: "Tour: percpu array RFC v3, a refill migrates to another CPU",
    description: `${ERA} refill_pca() holds no lock and no pin while it bulk-allocates, so the array it finally locks may be another CPU's, or may have filled up meanwhile. It copes: it pushes what fits and gives the rest back.`,
    kernel: { variant: RFC, cpus: 2 },
    cache: pcaCache(8),
    prepare: [{ cpu: 1, op: { kind: "prefill", count: 6 } }],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "a" }] },
    ],
    schedule: {
      steps: ["A>refill_pca:bulk_alloc+1", "A@1>refill_pca:bulk_alloc+2"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: `${ERA} CPU 1's array holds 6 of 8 objects (prefilled); CPU 0's is empty. Task A allocates on CPU 0.`,
      },
      {
        step: 2,
        text: "The array is empty: batch = count / 2 = 4. A unlocks and unpins, and since GFP_KERNEL may block and this is not an interrupt, it refills.",
      },
      {
        step: 6,
        text: "refill_pca(): __kmem_cache_alloc_bulk() into the on-stack objects[32], unlocked and unpinned. The 4 objects belong to this call alone: no other context can see them.",
      },
      {
        step: 57,
        text: "A was migrated to CPU 1 between the bulk allocation and the trylock. pca_spin_trylock() locks the array of the CPU it runs on now: CPU 1's, with 6 of 8 used.",
      },
      {
        step: 58,
        text: "batch = min(allocated, count - used) = 2: only 2 fit (cpu_cache_refill 2).",
      },
      {
        step: 60,
        text: "batch < allocated: the other 2 go back to their slab with __kmem_cache_free_bulk().",
      },
      {
        step: 78,
        text: "refill_pca() returned true: alloc_from_pca() retries, on CPU 1 now, and pops the top object (alloc_cpu_cache 1).",
      },
    ],
  },
  expect: [],
};

export const s34RtPrefillLeak: LibraryEntry = {
  id: "s3-4-rt-prefill-trylock-leak",
  kind: "race",
  summary:
    "On PREEMPT_RT the array's holder is only migrate-disabled, so a task on the same CPU can preempt it. Task H prefills: refill_pca() bulk-allocates 4 objects, then its trylock fails because the preempted task L holds the array. refill_pca() returns false with the 4 objects still in its on-stack buffer: they are leaked, and the prefill returns -ENOMEM.",
  source: {
    seed: '003: refill_pca() ("if (!pca) { pcp_trylock_finish(UP_flags); return false; }" after the bulk allocation); the RT pinning comment of pcpu_task_pin',
    fix: "bulk-free the buffer when the trylock fails (analysis)",
    basis: "analysis",
  },
  scenario: {
    ...base,
    title:
      "Percpu array RFC v3 on RT: the prefill's trylock loses and leaks its objects",
    description: `${ERA} Analysis: nobody in the thread raises this. On !RT the same leak needs an interrupt that prefills, which the prefill forbids; on RT two tasks suffice, because pcpu_task_pin() is migrate_disable() there ("otherwise RT spinlock usage is interfered with and a high priority task cannot preempt the allocator").`,
    kernel: { variant: RFC, cpus: 1, preemptRt: true },
    cache: pcaCache(8),
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "o" } }],
    actors: [
      { name: "L", kind: "task", cpu: 0, ops: [{ kind: "free", slot: "o" }] },
      { name: "H", kind: "task", cpu: 0, ops: [{ kind: "prefill", count: 7 }] },
    ],
    schedule: { steps: ["L>free_to_pca:retry+1", "H*81"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: `${ERA} PREEMPT_RT. CPU 0's array holds 3 of 8. Task L frees into it.`,
      },
      {
        step: 2,
        text: "pca_spin_trylock() on RT: migrate_disable(), not preempt_disable(). L holds the array lock and can still be preempted.",
      },
      {
        step: 3,
        text: "H preempts L and asks for 7 objects in the array: 3 are there, so refill_pca(s, 4).",
      },
      {
        step: 7,
        text: "__kmem_cache_alloc_bulk() fills the on-stack objects[] with 4 objects, unlocked.",
      },
      {
        step: 81,
        text: "The trylock fails: L, preempted, still holds the array.",
      },
      {
        step: 82,
        text: "refill_pca() returns false and its buffer goes out of scope: the 4 objects are allocated from their slab, in no array and owned by nobody. On the fixed kernel they are bulk-freed first.",
      },
      {
        step: 83,
        text: "The prefill returns -ENOMEM, although memory was there. L then finishes its free.",
      },
    ],
  },
  goal: "Make the prefill's trylock lose after refill_pca has allocated its batch",
  fixedNarration: [
    {
      step: 0,
      text: "On the fixed RFC, refill_pca() gives its objects back when the trylock fails.",
    },
    {
      step: 81,
      text: "H's trylock fails, as on the broken kernel: the preempted L holds the array.",
    },
    {
      step: 82,
      text: "refill_pca() frees the 4 objects in bulk before returning false.",
    },
    {
      step: 131,
      text: "The prefill still returns -ENOMEM, but nothing leaks.",
    },
  ],
  ...fixedClean,
  expect: [
    { code: "object-leak", step: 82 },
    { code: "object-leak", step: 82 },
    { code: "object-leak", step: 82 },
    { code: "object-leak", step: 82 },
  ],
};

export const s35PrefillMigrate: LibraryEntry = {
  id: "s3-5-pca-prefill-migrate",
  kind: "tour",
  summary:
    "A task prefills CPU 0's array to 4, is migrated to CPU 1, then allocates with GFP_ATOMIC. CPU 1's array is empty and an atomic allocation may not refill it, so the allocation falls through to the slabs: nothing breaks, but the prefill did not help. The prefilled objects stay on CPU 0.",
  source: {
    seed: '003: kmem_cache_prefill_percpu_array() and the commit message ("only opportunistic as there\'s no cpu pinning between the prefill and usage")',
    basis: "history",
  },
  scenario: {
    ...base,
    title:
      "Tour: percpu array RFC v3, a prefill is not honoured after a migration",
    description: `${ERA} The prefill tops up the array of whatever CPU the caller runs on (raw_cpu_ptr, "racy but we don't care"), and nothing pins the caller until it allocates.`,
    kernel: { variant: RFC, cpus: 2 },
    cache: pcaCache(8),
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          { kind: "prefill", count: 4 },
          { kind: "alloc", slot: "a", gfp: "GFP_ATOMIC" },
        ],
      },
    ],
    schedule: {
      steps: ["A>slab_alloc_node", "A@1>alloc_from_pca:retry"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: `${ERA} Task A prefills: it wants 4 objects in the array before entering a section where it may only allocate with GFP_ATOMIC.`,
      },
      {
        step: 56,
        text: "refill_pca() pushes the 4 objects onto CPU 0's array (cpu_cache_refill 4). The prefill returns 0.",
      },
      {
        step: 60,
        text: "A is migrated to CPU 1 before its allocation: nothing pinned it after the prefill.",
      },
      {
        step: 64,
        text: "CPU 1's array is empty, and a GFP_ATOMIC allocation may not refill it (!gfpflags_allow_blocking): alloc_from_pca() returns NULL.",
      },
      {
        step: 65,
        text: "The allocation falls through to __slab_alloc_node(). It succeeds here; under memory pressure it could fail, which is why the kernel-doc asks for GFP_ATOMIC | __GFP_NOFAIL after a prefill. CPU 0 keeps its 4 prefilled objects.",
      },
    ],
  },
  expect: [],
};

export const s36UafSlubDebug: LibraryEntry = {
  id: "s3-6-pca-uaf-slub-debug",
  kind: "tour",
  summary:
    "An object is freed into the percpu array, written through the stale pointer, and allocated again. With slub_debug=P nothing notices: objects in the array count as allocated, and the poison is only written and checked when objects move between the array and their slab. KASAN (kernel.kasan) reports the write, because its free hook runs on every user free.",
  source: {
    seed: '003: the commit message ("an use-after-free that occurs for an object cached in the array is undetected"; "KASAN, kmemcg and other hooks are executed on actual allocations and frees")',
    basis: "history",
  },
  scenario: {
    ...base,
    title:
      "Tour: percpu array RFC v3, a use-after-free that slub_debug cannot see",
    description: `${ERA} Replay it with kernel.kasan set to see KASAN report the write; on a kernel without the array (v5.15 with kernel.slubDebug) the object goes back to its slab and slub_debug reports it too.`,
    kernel: { variant: RFC, cpus: 1, slubDebug: true },
    cache: pcaCache(8),
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "o" } }],
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          { kind: "free", slot: "o", keep: true },
          { kind: "write", slot: "o" },
          { kind: "alloc", slot: "p" },
        ],
      },
    ],
    narration: [
      {
        step: 0,
        text: `${ERA} slub_debug=P is on. A frees its object but keeps the pointer. The object goes onto CPU 0's array (free_cpu_cache 1), not back to its slab, so slub_debug neither poisons nor checks it.`,
      },
      {
        step: 6,
        text: 'A writes through the stale pointer: a use-after-free. Undetected: "the objects in the array are considered as allocated from the slub_debug perspective". With KASAN this step is reported, since its hook poisoned the object when A freed it.',
      },
      {
        step: 10,
        text: "The next allocation pops the same object from the top of the array and hands it out with A's stray write in it.",
      },
    ],
  },
  expect: [],
};

export const s3AllocBulkReturnsFreed: LibraryEntry = {
  id: "s3-alloc-bulk-returns-freed",
  kind: "race",
  summary:
    "kmem_cache_alloc_bulk() takes 3 objects from the percpu array, then asks the slabs for the other 2, and the page allocator has nothing left. The RFC gives the 3 objects back to their slab, then adds them to its count anyway and returns them: the caller holds 3 objects that are also free on their slab's freelist.",
  source: {
    seed: '003: kmem_cache_alloc_bulk() ("if (allocated == 0 && from_pca > 0) { __kmem_cache_free_bulk(s, from_pca, p); }" followed by "allocated += from_pca;")',
    fix: "return 0 once the objects are given back (analysis)",
    basis: "analysis",
  },
  scenario: {
    ...base,
    title:
      "Percpu array RFC v3: a failed bulk allocation returns objects it has just freed",
    description: `${ERA} Analysis: not raised in the thread. The error path frees the objects taken from the array but does not reset the count it returns.`,
    kernel: { variant: RFC, cpus: 1, pagePool: 1 },
    cache: pcaCache(4),
    prepare: [{ cpu: 0, op: { kind: "alloc", slot: "x" } }],
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "allocBulk", slot: "y", count: 5 }],
      },
    ],
    narration: [
      {
        step: 0,
        text: `${ERA} The only page is in use: its 4 objects went to the array when it was refilled, and one of them is allocated. A asks for 5 objects at once.`,
      },
      {
        step: 2,
        text: "alloc_from_pca_bulk() takes the 3 objects the array has (alloc_cpu_cache 3). The bulk path never refills the array.",
      },
      {
        step: 4,
        text: "The other 2 must come from the slabs: __kmem_cache_alloc_bulk(). The cpu slab is exhausted and the page allocator has no page left.",
      },
      {
        step: 34,
        text: "The slab part fails and returns 0.",
      },
      {
        step: 35,
        text: "allocated == 0 and from_pca > 0: the RFC gives the 3 array objects back to their slab with __kmem_cache_free_bulk().",
      },
      {
        step: 66,
        text: "Then allocated += from_pca: the function returns 3, and p[] still names the 3 objects it has just freed. They are on their slab's freelist and in the caller's hands: the next allocations will hand them out again. The fix returns 0.",
      },
    ],
  },
  goal: "Make the bulk allocation fail after it took objects from the array",
  fixedNarration: [
    {
      step: 0,
      text: "On the fixed RFC, a bulk allocation that gives the array's objects back does not count them.",
    },
    {
      step: 34,
      text: "The slabs cannot supply the other 2 objects: __kmem_cache_alloc_bulk() fails.",
    },
    { step: 35, text: "The 3 objects from the array go back to their slab." },
    {
      step: 66,
      text: "allocated += from_pca adds 0: the call returns 0 and the caller holds nothing. No double allocation.",
    },
  ],
  ...fixedClean,
  expect: [
    { code: "double-alloc", step: 66 },
    { code: "double-alloc", step: 66 },
    { code: "double-alloc", step: 66 },
  ],
};

export const pcaScenarios: LibraryEntry[] = [
  s31IrqFreeLeak,
  s32OfflineDestroy,
  s33RefillMigrates,
  s34RtPrefillLeak,
  s35PrefillMigrate,
  s36UafSlubDebug,
  s3AllocBulkReturnsFreed,
];
