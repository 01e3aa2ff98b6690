import type { Op, Scenario } from "../../engine";
import type { LibraryEntry } from "./entry";

/**
 * v6.18 ("SLUB percpu sheaves", Vlastimil Babka, merged for 6.18): a cache that opts in with a
 * sheaf capacity gets percpu sheaves and node barns in front of the 6.8 kmem_cache_cpu path,
 * which stays underneath: the refill of a sheaf and every allocation the sheaves cannot serve
 * go through the cpu slab.
 */

const base = {
  format: "slabscope/scenario",
  version: 1,
} as const satisfies Pick<Scenario, "format" | "version">;

const alloc = (slot: string): Op => ({ kind: "alloc", slot });
const free = (slot: string): Op => ({ kind: "free", slot });

export const v618Tour: LibraryEntry = {
  id: "v618-tour",
  kind: "tour",
  summary:
    "One alloc/free burst walked through 6.18: the cache opted in to sheaves of 2 objects. The first allocation finds an empty main sheaf and refills it, with the CPU's sheaves unlocked, through the old kmem_cache_cpu path (a new cpu slab, then its lockless freelist). An interrupt that allocates while the task holds the sheaves' lock fails the trylock and falls through to the cpu slab's fast path. Frees push onto main until it is full; a flush empties the sheaves and then the cpu slab.",
  source: {
    seed: "outside: mm/slub.c of v6.18 (slab_alloc_node, alloc_from_pcs, __pcs_replace_empty_main, refill_sheaf, slab_free, free_to_pcs, flush_cpu_slab)",
    basis: "outside",
  },
  scenario: {
    ...base,
    title: "Tour (v6.18): opt-in sheaves over the cpu slab",
    description:
      "One CPU. The cache was created with sheaf_capacity 2 (4 objects per slab). Task A allocates three objects and frees them, then shrinks the cache; an interrupt allocates and frees one object while A holds the sheaves' lock.",
    kernel: { variant: "v6.18", cpus: 1 },
    cache: { objects: 4, sheafCapacity: 2, minPartial: 1 },
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          alloc("x"),
          alloc("x"),
          alloc("x"),
          free("x"),
          free("x"),
          free("x"),
          { kind: "shrink" },
        ],
      },
      { name: "I", kind: "irq", cpu: 0, ops: [alloc("y"), free("y")] },
    ],
    schedule: {
      steps: ["A>alloc_from_pcs:pop#2", "I*19"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "This cache asked for sheaves (kmem_cache_args.sheaf_capacity = 2), so s->cpu_sheaves is set and slab_alloc_node tries alloc_from_pcs first. A cache without a sheaf capacity would go straight to the 6.8 path below. CPU 0's main sheaf is empty, the barn too.",
      },
      {
        step: 6,
        text: "main is empty, no spare, no full sheaf in the barn (BARN_GET_FAIL). A GFP_KERNEL caller may block, so it will refill a sheaf itself.",
      },
      {
        step: 7,
        text: "The sheaves' lock is dropped for the refill: from here to the relock the task could be preempted or migrated.",
      },
      {
        step: 10,
        text: "refill_sheaf is __kmem_cache_alloc_bulk in 6.18: the kmem_cache_cpu path underneath. This CPU has no cpu slab yet, so the first object takes ___slab_alloc.",
      },
      {
        step: 28,
        text: "A new slab becomes the frozen cpu slab, as in 6.8; its first object goes to the sheaf, the rest stays on c->freelist.",
      },
      {
        step: 44,
        text: "The second object comes off c->freelist by the lockless fast path (the tid cmpxchg). The sheaf now holds 2: full.",
      },
      {
        step: 49,
        text: "local_lock() again, this_cpu_ptr() re-read. main is still empty: it becomes the spare, the refilled sheaf becomes main.",
      },
      {
        step: 56,
        text: "A's second allocation holds CPU 0's sheaves lock (trylock succeeded; main has an object) and is about to pop.",
      },
      {
        step: 57,
        text: "An interrupt on CPU 0 allocates. Its local_trylock() of the sheaves fails: the lock's owner is the task it interrupted.",
      },
      {
        step: 60,
        text: "alloc_from_pcs returned NULL, so slab_alloc_node goes below the sheaves: __slab_alloc_node, the 6.8 fast path on the cpu slab's c->freelist, which the irq can use safely (the tid cmpxchg).",
      },
      {
        step: 68,
        text: "Its free fails the trylock the same way and goes to do_slab_free: the object's slab is the cpu slab, so it is pushed back onto c->freelist.",
      },
      {
        step: 76,
        text: "A pops its object from main. Its third allocation (step 79 on) finds main empty; the empty spare becomes the sheaf to refill, this time entirely from c->freelist.",
      },
      {
        step: 111,
        text: "Frees: slab_free sees a local object and s->cpu_sheaves, so free_to_pcs pushes onto main.",
      },
      {
        step: 120,
        text: "main is full: __pcs_replace_full_main swaps it with the spare, which has room.",
      },
      {
        step: 132,
        text: "kmem_cache_shrink: flush_all_cpus_locked queues the flush work where has_cpu_slab() or has_pcs_used() — this CPU has both.",
      },
      {
        step: 133,
        text: "flush_cpu_slab of 6.18: pcs_flush_all first (the spare, then main, back to their slab through __slab_free; the slab is the frozen cpu slab, so no list work)...",
      },
      {
        step: 164,
        text: "...then the 6.8 flush: the cpu slab is deactivated (unfrozen, then put on the node list) and the cpu partial list is put back.",
      },
      {
        step: 189,
        text: "The shrink finds the slab empty on the node list and discards it. Every object went through the sheaves or the cpu slab and came back: nothing is lost.",
      },
    ],
  },
  expect: [],
};

export const v618RcuSheafBarrier: LibraryEntry = {
  id: "v618-rcu-sheaf-barrier",
  kind: "race",
  summary:
    "Task A kfree_rcu()s two objects on CPU 0; the second fills the CPU's rcu_free sheaf, which is detached to be handed to call_rcu(). In the v8 posting __kfree_rcu_sheaf() drops the CPU's lock first, and A is preempted right there. kvfree_rcu_barrier() on CPU 1 runs flush_rcu_sheaf on CPU 0 (nothing left in rcu_free), then rcu_barrier() (nothing queued yet), and returns: the first object, whose kfree_rcu() had returned long before, is still waiting for RCU. As merged, call_rcu() comes before the unlock, so the flush work cannot run on CPU 0 until the sheaf is queued.",
  source: {
    seed: 'outside: the review of "[PATCH v8 04/23] slab: add sheaf support for batching kfree_rcu() operations" (September 2025); mm/slub.c of v6.18, __kfree_rcu_sheaf and flush_all_rcu_sheaves',
    fix: "v6.18 as merged: call_rcu() of the full sheaf before local_unlock() (its comment: a racing flush_all_rcu_sheaves() must not miss it)",
    basis: "analysis",
  },
  scenario: {
    ...base,
    title:
      "v6.18 kfree_rcu sheaf (v8): kvfree_rcu_barrier() misses a sheaf between unlock and call_rcu()",
    description:
      "Two CPUs; the cache opted in to sheaves of 2 objects. A, a task on CPU 0, kfree_rcu()s its two objects; B, on CPU 1, calls kvfree_rcu_barrier(), as kmem_cache_destroy() callers do before destroying a cache whose objects were freed with kfree_rcu().",
    kernel: { variant: "v6.18-rcu-sheaf-v8", cpus: 2 },
    cache: { objects: 4, sheafCapacity: 2, minPartial: 1 },
    prepare: [
      { cpu: 0, op: alloc("a") },
      { cpu: 0, op: alloc("a") },
    ],
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          { kind: "kfreeRcu", slot: "a" },
          { kind: "kfreeRcu", slot: "a" },
        ],
      },
      { name: "B", kind: "task", cpu: 1, ops: [{ kind: "kvfreeRcuBarrier" }] },
    ],
    schedule: {
      steps: [
        "A>__kfree_rcu_sheaf:call_rcu#2",
        "B>flush_all_rcu_sheaves:wait",
        "kworker/0*2",
        "kworker/1*2",
        "B>kvfree_rcu_barrier:done",
        "B",
      ],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "A kfree_rcu()s its first object. The cache has sheaves, so kvfree_call_rcu() tries __kfree_rcu_sheaf(): under CPU 0's sheaves lock the object goes into pcs->rcu_free (a new sheaf: there is no empty spare).",
      },
      {
        step: 5,
        text: "The rcu_free sheaf holds 1 of 2: nothing to hand to RCU yet. kfree_rcu() returns: from now on the caller may rely on kvfree_rcu_barrier() to wait for this object.",
      },
      {
        step: 9,
        text: "The second object fills the sheaf: pcs->rcu_free = NULL, and the full sheaf is A's to hand to call_rcu().",
      },
      {
        step: 10,
        text: "v8: local_unlock() comes first. On !RT that re-enables preemption, and A is preempted here, the sheaf in its hands, call_rcu() not yet made.",
      },
      {
        step: 11,
        text: "B calls kvfree_rcu_barrier(): flush_all_rcu_sheaves() queues flush_rcu_sheaf on every online CPU, without looking whether they have a sheaf.",
      },
      {
        step: 17,
        text: "The work runs on CPU 0 (A is preempted, the lock is free): pcs->rcu_free is NULL. The comment in flush_all_rcu_sheaves() counts on this lock to know a racing __kfree_rcu_sheaf() has made its call_rcu(); here it has not.",
      },
      {
        step: 26,
        text: "rcu_barrier() waits for the callbacks queued so far: there are none. A's sheaf is not queued.",
      },
      {
        step: 28,
        text: "kvfree_rcu_barrier() returns with the first object still waiting for RCU, in the sheaf A holds. A kmem_cache_destroy() now would find objects remaining and leak the slab.",
      },
      {
        step: 29,
        text: "Only now does A call call_rcu(): too late for the barrier.",
      },
    ],
  },
  fixed: { variant: "v6.18" },
  fixedOutcome: "impossible",
  goal: "Preempt A after its second kfree_rcu() has filled the sheaf and dropped the lock, before call_rcu(), and let B's kvfree_rcu_barrier() run to its end",
  fixedNarration: [
    {
      step: 0,
      text: "On v6.18 as merged, __kfree_rcu_sheaf() hands a full sheaf to call_rcu() before it drops the CPU's sheaves lock.",
    },
    {
      step: 9,
      text: "A stops before its call_rcu() with the lock held and preemption disabled: the flush work cannot run on CPU 0 before A is done.",
    },
    {
      step: 18,
      text: "B's flush_work() waits for CPU 0's flush_rcu_sheaf, which waits for A: the schedule's entries for it are refused.",
    },
    {
      step: 19,
      text: "A makes its call_rcu() and unlocks; the work then finds rcu_free NULL, but the sheaf is already queued, and rcu_barrier() runs its callback: both objects are back in their slab when the barrier returns.",
    },
  ],
  expect: [{ code: "object-leak", step: 28 }],
};

export const v618BarnMemoryless: LibraryEntry = {
  id: "v618-barn-memoryless",
  kind: "race",
  summary:
    "A topology case, not an interleaving: node 1 has CPUs but no memory, so the cache has no kmem_cache_node there, and numa_mem_id() on CPU 1 still names node 1. Task A, on CPU 1, allocates from a cache that opted in to sheaves. Its main sheaf is empty and it has no spare, so __pcs_replace_empty_main() asks get_barn() for node 1's barn: get_node(s, 1) is NULL, and the merge-window code dereferences it. The fix makes get_barn() return NULL and the sheaf path give up, so the allocation falls back to the cpu slab, whose page comes from node 0.",
  source: {
    seed: 'outside: the report "Boot fails with 59faa4da7cd4 and 3accabda4da1" (linux-kernel, October 2025: a NULL pointer dereference in __pcs_replace_empty_main on a CPU of a memoryless node, once the vma and maple node caches used sheaves) and the fix posted in its thread',
    fix: '"slab: fix NULL pointer when trying to access barn" (Vlastimil Babka, October 2025): get_barn() returns NULL when the node has no kmem_cache_node, and its callers drop the lock and fall back',
    basis: "history",
  },
  scenario: {
    ...base,
    title:
      "v6.18 sheaves: get_barn() on a memoryless node dereferences a NULL kmem_cache_node",
    description:
      "Two CPUs on two nodes; node 1 has no memory (kernel.memorylessNodes), so every page is node 0's and the cache has no kmem_cache_node, hence no barn, for node 1. The cache opted in to sheaves of 2 objects. A, a task on CPU 1, allocates two objects and frees them.",
    kernel: {
      variant: "v6.18-barn-null",
      cpus: 2,
      nodes: 2,
      memorylessNodes: [1],
    },
    cache: { objects: 4, sheafCapacity: 2, minPartial: 1 },
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 1,
        pinned: true,
        ops: [alloc("a"), alloc("a"), free("a"), free("a")],
      },
    ],
    narration: [
      {
        step: 0,
        text: "A allocates on CPU 1. The cache has sheaves, so alloc_from_pcs() comes first: the trylock of CPU 1's sheaves succeeds.",
      },
      {
        step: 3,
        text: "The main sheaf is empty (nothing was ever freed to it), so the sheaf must be replaced under the lock.",
      },
      {
        step: 4,
        text: "There is no spare: the next place to look is the barn of this CPU's memory node.",
      },
      {
        step: 5,
        text: "get_barn() reads get_node(s, numa_mem_id())->barn. numa_mem_id() is 1 on this CPU, and node 1 has no memory, so the cache never got a kmem_cache_node for it: s->node[1] is NULL and the read of ->barn oopses (address 0x40 in the report, the barn's offset in kmem_cache_node). In the report this happened during boot.",
      },
    ],
  },
  fixed: { variant: "v6.18" },
  fixedOutcome: "clean",
  goal: "Allocate from the sheaves on a CPU of the memoryless node",
  fixedNarration: [
    {
      step: 0,
      text: "The same allocation on v6.18 as released, which has the fix.",
    },
    {
      step: 5,
      text: "get_barn() now returns NULL for a node without a kmem_cache_node.",
    },
    {
      step: 6,
      text: "__pcs_replace_empty_main() drops the lock and returns NULL: the sheaves cannot serve this CPU.",
    },
    {
      step: 7,
      text: "The allocation falls back to the kmem_cache_cpu path; its new slab comes from node 0, the only node with memory.",
    },
    {
      step: 49,
      text: "The frees do not use the sheaves either: the slab's node (0) is not numa_mem_id() (1), so they go to do_slab_free. The sheaves of a memoryless node's CPU stay unused, which is why the fix's author noted the performance there will not be optimal.",
    },
  ],
  expect: [{ code: "oops", step: 5 }],
};

export const v618DeferRawFreeptr: LibraryEntry = {
  id: "v618-defer-raw-freeptr",
  kind: "race",
  summary:
    "kfree_nolock() may not take the slow path, so an object whose slab is not this CPU's cpu slab is deferred: defer_free() links it into the CPU's llist through the word at s->offset, its free pointer, and queues an irq_work. The irq_work, free_deferred_objects(), clears that link before handing the object to __slab_free(). In 6.18-rc1 it stored a raw NULL; with CONFIG_SLAB_FREELIST_HARDENED a free pointer is stored encoded, so the raw NULL reads back as a pointer to nowhere, and slub_debug's check of the object being freed reports \"Freepointer corrupt\" and does not free it. The fix stores NULL with set_freepointer().",
  source: {
    seed: 'outside: the kernel test robot\'s report on linux-next (October 2025, "Freepointer corrupt" with kmalloc_nolock objects) and the fix "slab: fix clearing freelist in free_deferred_objects()" (Vlastimil Babka, 13 October 2025, Fixes: af92793e52c3 "slab: Introduce kmalloc_nolock() and kfree_nolock().")',
    fix: '"slab: fix clearing freelist in free_deferred_objects()": point x back to the object start first, then set_freepointer(s, x, NULL), which encodes NULL on a hardened kernel',
    basis: "history",
  },
  scenario: {
    ...base,
    title:
      'v6.18-rc1 kfree_nolock: a raw NULL in a hardened free pointer ("Freepointer corrupt")',
    description:
      "Two CPUs; CONFIG_SLAB_FREELIST_HARDENED and slub_debug (the robot's config: the free pointer sits outside the object and is checked when the object is freed). Object a was allocated on CPU 0, from its cpu slab. B, a task on CPU 1 (a BPF program, say), kfree_nolock()s it: CPU 1's cpu slab is another one (none at all here), so the free is deferred to CPU 1's irq_work. In the kernel a slub_debug cache has no cpu slab, so every kfree_nolock() of it is deferred; the model keeps the cpu slab and frees from the other CPU instead.",
    kernel: {
      variant: "v6.18-defer-rawfp",
      cpus: 2,
      slubDebug: true,
      freelistHardened: true,
    },
    cache: { objects: 4, minPartial: 1 },
    prepare: [{ cpu: 0, op: alloc("a") }],
    actors: [
      {
        name: "B",
        kind: "task",
        cpu: 1,
        ops: [{ kind: "kfreeNolock", slot: "a" }],
      },
    ],
    narration: [
      {
        step: 0,
        text: "B kfree_nolock()s object a: do_slab_free() with cnt == 0, which tells it that the caller may not spin.",
      },
      {
        step: 3,
        text: "The object's slab is CPU 0's cpu slab, not CPU 1's: __slab_free() might need list_lock or the cpu slab's lock, which a caller that may not spin cannot take.",
      },
      {
        step: 4,
        text: "So the free is deferred: llist_add(head + s->offset, &df->objects) writes the llist link into the object's free pointer word, a raw pointer, not an encoded one. The list was empty, so CPU 1's irq_work is queued.",
      },
      {
        step: 5,
        text: "The irq_work runs on CPU 1 as a hard interrupt: free_deferred_objects() takes the whole list.",
      },
      {
        step: 8,
        text: "6.18-rc1 clears the link with *(void **)x = NULL. With CONFIG_SLAB_FREELIST_HARDENED every free pointer is stored XORed with the cache's secret and its own address; a raw 0 is not how NULL is stored.",
      },
      {
        step: 9,
        text: '__slab_free() of a slub_debug cache checks the object (free_debug_processing -> check_object): its free pointer decodes to an address outside the slab. "Freepointer corrupt", and the object is not freed: the slab counts it allocated for ever.',
      },
    ],
  },
  fixed: { variant: "v6.18" },
  fixedOutcome: "clean",
  goal: "kfree_nolock() an object on a CPU whose cpu slab is another one, on a hardened kernel with slub_debug",
  fixedNarration: [
    {
      step: 0,
      text: "The same deferred free on v6.18 as released.",
    },
    {
      step: 8,
      text: "The fix points x back at the object and stores NULL with set_freepointer(), encoded as the hardened kernel expects.",
    },
    {
      step: 9,
      text: "The debug check decodes NULL: nothing to report, and __slab_free() puts the object back in its slab.",
    },
  ],
  expect: [
    { code: "freelist-corrupt", step: 9 },
    { code: "object-leak", step: 9 },
  ],
};

export const v618NolockLockHeld: LibraryEntry = {
  id: "v618-nolock-lock-held",
  kind: "race",
  summary:
    "A kmalloc_nolock() caller in an NMI finds a lock held by the context it interrupted. For the bucket's cpu_slab lock, the merged code answers -EBUSY and retries once in the next kmalloc bucket. For n->list_lock, which a slub_debug cache takes for every allocation, it only trylocks: the partial slabs are out of reach, a new slab is allocated, and its trylock fails too. 6.18-rc1 then discarded the slab and went back to new_objects: with the lock's holder unable to run until the NMI returns, that loop never ends. The fix fails the allocation instead. The NMI's kfree_nolock() is deferred to the irq_work, which frees the object once the interrupted free is done.",
  source: {
    seed: 'outside: "[PATCH] slab: prevent infinite loop in kmalloc_nolock() with debugging" (Vlastimil Babka, 3 November 2025, reported by Harry Yoo in the review of a later series; Fixes: af92793e52c3 "slab: Introduce kmalloc_nolock() and kfree_nolock()."); mm/slub.c of v6.18 (kmalloc_nolock, ___slab_alloc, alloc_single_from_new_slab, do_slab_free, defer_free)',
    fix: 'c379b745e12a "slab: prevent infinite loop in kmalloc_nolock() with debugging": when alloc_single_from_new_slab() fails and the caller may not spin, ___slab_alloc() returns NULL instead of going back to new_objects',
    basis: "history",
  },
  scenario: {
    ...base,
    title:
      "v6.18-rc kmalloc_nolock() in an NMI: n->list_lock held by the interrupted free, an endless new_objects loop",
    description:
      "One CPU; slub_debug, so the cache's allocations go through n->list_lock (in the kernel a debug cache has no cpu slab; the model's tasks still use one, only kmalloc_nolock takes the debug branches). No cpu partial lists: a free to a full slab puts it on the node list under list_lock. A, a task, frees object b of the full slab P0; an NMI arrives while A holds list_lock, and its BPF program calls kmalloc_nolock(64) and kfree_nolock() of x, another object of P0. The basis: the issue's wording (a nolock caller that finds the lock held and retries the next bucket) fits the cpu_slab lock, where the merged code retries in the next bucket; the bug of the 6.18 cycle was this one, with the list_lock.",
    kernel: {
      variant: "v6.18-nolock-loop",
      cpus: 1,
      slubDebug: true,
      cpuPartial: false,
      pagePool: 8,
    },
    cache: { objects: 2, minPartial: 1 },
    prepare: [
      { cpu: 0, op: alloc("b") },
      { cpu: 0, op: alloc("x") },
      { cpu: 0, op: alloc("c") },
    ],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [free("b")] },
      {
        name: "N",
        kind: "nmi",
        cpu: 0,
        ops: [
          { kind: "kmallocNolock", slot: "n", size: 64 },
          { kind: "kfreeNolock", slot: "x" },
        ],
      },
    ],
    schedule: { steps: ["A>__slab_free+4", "N"], rest: "round-robin" },
    narration: [
      {
        step: 0,
        text: "A frees b. Its slab P0 is full and is not the cpu slab, so the free takes the slow path.",
      },
      {
        step: 8,
        text: "Without cpu partial lists a full slab that gets a free object goes on the node list: A takes n->list_lock, irqs off.",
      },
      {
        step: 9,
        text: "An NMI arrives regardless. Its BPF program calls kmalloc_nolock(64).",
      },
      {
        step: 13,
        text: "The bucket's cpu_slab lock is free, so there is no -EBUSY and no retry in the next bucket: the allocation goes on. The cache has slub_debug: no cpu slab, every object is taken under n->list_lock.",
      },
      {
        step: 14,
        text: "get_partial(): a caller that may not spin only trylocks n->list_lock, and A holds it.",
      },
      {
        step: 15,
        text: "So a new slab, from alloc_frozen_pages_nolock().",
      },
      {
        step: 16,
        text: "alloc_single_from_new_slab() must put the new slab on the node list: the trylock fails again, and the slab is discarded.",
      },
      {
        step: 17,
        text: "6.18-rc1: goto new_objects. Nothing has changed and nothing can: A cannot run until the NMI returns. Every pass allocates a slab and throws it away, until memory runs out.",
      },
    ],
  },
  fixed: { variant: "v6.18" },
  fixedOutcome: "clean",
  goal: "Interrupt a context that holds n->list_lock with an NMI whose kmalloc_nolock() needs that lock",
  fixedNarration: [
    {
      step: 0,
      text: "The same NMI on v6.18 as released.",
    },
    {
      step: 17,
      text: "The fix: a caller that may not spin does not go back to new_objects; ___slab_alloc() returns NULL.",
    },
    {
      step: 18,
      text: "NULL is not -EBUSY: kmalloc_nolock() does not retry in the next bucket, it returns NULL. The BPF program copes.",
    },
    {
      step: 21,
      text: "Its kfree_nolock() of x: P0 is not the cpu slab, and a caller that may not spin must not take the slow path. The object goes on the CPU's deferred list, and the irq_work is queued.",
    },
    {
      step: 26,
      text: "A finishes its free and drops list_lock, irqs back on.",
    },
    {
      step: 31,
      text: "The irq_work runs: free_deferred_objects() hands x to __slab_free(), which may take list_lock now.",
    },
  ],
  expect: [{ code: "deadlock", step: 17 }],
};

export const v618Scenarios: readonly LibraryEntry[] = [
  v618Tour,
  v618RcuSheafBarrier,
  v618BarnMemoryless,
  v618DeferRawFreeptr,
  v618NolockLockHeld,
];
