import type { LibraryEntry } from "./entry";
import { alloc } from "./prepare";

/**
 * Seed 001: kmalloc_nolock() and kfree_nolock(), a 2025 patch series (v1 reviewed in May 2025),
 * on the kernel variants of kernel/nolock.ts. Each entry breaks on the variant without the
 * mechanism the review is about and holds on the one with it.
 */

const VERSION =
  "kmalloc_nolock() and kfree_nolock() belong to a 2025 series (v1, reviewed in May 2025, on a v6.15 base), modelled here on the 5.15-era SLUB core.";

/** Four allocations on CPU 0: its cpu slab P0 is full and c->freelist is NULL. */
const fullCpuSlab = [alloc("a"), alloc("a"), alloc("a"), alloc("a")];

/** S1.1 (R1-1): an NMI lands inside ___slab_alloc on !RT. */
export const s11NmiInSlabAlloc: LibraryEntry = {
  id: "s1-1-nmi-in-slab-alloc",
  kind: "race",
  summary:
    "On !RT, ___slab_alloc works on the (c->freelist, tid) pair with irqs off, trusting that nothing on this CPU runs its lockless fast path meanwhile. An NMI can: a BPF program calls kmalloc_nolock() while a task sits between reading c->freelist and writing it back. Without the local_lock_is_locked() test the NMI's fast path takes the same object the task is about to return. With it, the NMI sees the bucket's lock held, gets -EBUSY and retries once in the next size class.",
  source: {
    seed: "001: Alexei Starovoitov, 'In !PREEMPT_RT ___slab_alloc() manipulates (freelist,tid) pair in irq saved region ... use in_nmi() to check whether particular bucket is in irq protected section'",
    fix: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock() (v1, May 2025): the local_lock_is_locked() tests",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "!RT: an NMI lands in ___slab_alloc",
    description: `Analysis: the seed states the hazard the check exists for; this schedule is ours. One CPU, !RT, kmalloc-64 with four objects per slab. ${VERSION} The buggy kernel is v1 with its context checks taken out; v1 as reviewed has them.`,
    kernel: { variant: "v6.15-nolock-noguard", cpus: 1 },
    cache: { objects: 4 },
    prepare: fullCpuSlab,
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "free", slot: "a" }] },
      {
        name: "bpf",
        kind: "nmi",
        cpu: 0,
        ops: [{ kind: "kmallocNolock", slot: "y", size: 50 }],
      },
    ],
    schedule: {
      steps: ["A*10", "irq*7", "A*3", "bpf*12"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). CPU 0's cpu slab P0 is full and c->freelist is NULL. Task A allocates from kmalloc-64: the fast path finds no object and enters the slow path.",
      },
      {
        step: 10,
        text: "Before A disables irqs, an interrupt frees P0#3 through the lockless fast path: c->freelist is P0#3 again.",
      },
      {
        step: 17,
        text: "A takes the local lock (irqs off) and reads c->freelist = P0#3. It will write c->freelist = next and bump the tid in the next steps, trusting that nothing else on this CPU touches the pair.",
      },
      {
        step: 20,
        text: "An NMI arrives: a BPF program calls kmalloc_nolock(50), which picks kmalloc-64. Without the test 'if (!in_nmi() || !local_lock_is_locked(...))' it goes straight into the allocator.",
      },
      {
        step: 29,
        text: "The NMI's fast path compares c->freelist and tid: both unchanged, so its cmpxchg succeeds and it returns P0#3.",
      },
      {
        step: 33,
        text: "A resumes and loads c->freelist from P0#3, which the NMI's caller has already written over: P0#3 is handed out twice (double allocation). On v6.15-nolock-v1 the NMI sees the lock held, gets the internal -EBUSY, and retries once with size object_size + 1, in kmalloc-96.",
      },
    ],
  },
  goal: "Land the NMI's kmalloc_nolock between A's read of c->freelist and its write-back, and let it take the same object",
  fixedNarration: [
    {
      step: 0,
      text: "v1's kmalloc_nolock tests local_lock_is_locked() in NMI before it goes near c->freelist.",
    },
    {
      step: 20,
      text: "The NMI's BPF program calls kmalloc_nolock() while A holds kmalloc-64's lock in the slow path.",
    },
    {
      step: 24,
      text: "The bucket's lock is held: -EBUSY, and the NMI does not touch c->freelist.",
    },
    { step: 29, text: "kmalloc_nolock retries once in the next size class." },
    {
      step: 33,
      text: "A writes back c->freelist; the object it read is still only its own.",
    },
    {
      step: 36,
      text: "A returns its object. No double allocation, no corrupt freelist.",
    },
  ],
  fixed: { variant: "v6.15-nolock-v1" },
  fixedOutcome: "clean",
  expect: [
    { code: "freelist-corrupt", step: 33 },
    { code: "double-alloc", step: 33 },
  ],
};

/** S1.2 (R1-2): on RT, a tracepoint re-enters the same bucket in the task that holds its lock. */
export const s12RtTracepointReentry: LibraryEntry = {
  id: "s1-2-rt-tracepoint-reentry",
  kind: "race",
  summary:
    "Vlastimil argued that on PREEMPT_RT the local_lock_is_locked() test can never be true, since NMI and hardirq callers get NULL first. Alexei: 'not quite. There could be re-entrance due to kprobe/fentry/tracepoint.' A task holding kmalloc-64's per-CPU rt_spin_lock hits a tracepoint, and the BPF program there calls kmalloc_nolock() for the same bucket. Without the test the task takes a lock it already owns. With it, the lock is 'locked by current task': -EBUSY, and the retry goes to kmalloc-96.",
  source: {
    seed: "001: 'not quite. There could be re-entrance due to kprobe/fentry/tracepoint. Like trace_contention_begin(). The code is still preemptable.'; the re-entry point is Alexei's fuzzing harness, 'if (debug_callback) debug_callback();' before __local_unlock_irqrestore",
    fix: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock() (v1, May 2025): local_lock_is_locked() in __slab_alloc",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "RT: a tracepoint re-enters the same bucket",
    description: `Analysis of the exchange in seed 001; the schedule is ours. One CPU, PREEMPT_RT, an empty kmalloc-64. Task A allocates; a BPF program on a tracepoint in A's locked section (where Alexei's harness re-enters, just before local_unlock_irqrestore) calls kmalloc_nolock(50) in A's own context. ${VERSION}`,
    kernel: { variant: "v6.15-nolock-noguard", cpus: 1, preemptRt: true },
    cache: { objects: 4 },
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [{ kind: "alloc", slot: "x", reenter: { slot: "y", size: 50 } }],
      },
    ],
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). Task A allocates from kmalloc-64. On PREEMPT_RT every allocation takes __slab_alloc and the per-CPU rt_spin_lock; the cache is empty, so A builds a new slab.",
      },
      {
        step: 21,
        text: "A holds kmalloc-64's local lock (an rt_spin_lock owned by A; A stays preemptible).",
      },
      {
        step: 27,
        text: "Just before A unlocks, a tracepoint fires in A's own context and its BPF program calls kmalloc_nolock(50): the same bucket. This is not NMI or hardirq, so the RT refusal does not apply.",
      },
      {
        step: 42,
        text: "Without local_lock_is_locked() the re-entered path takes the lock again: A waits for itself. On v6.15-nolock-v1 __slab_alloc sees the lock 'locked by current task', returns -EBUSY, and the retry is served by kmalloc-96; A then unlocks and returns.",
      },
    ],
  },
  goal: "Make the tracepoint's kmalloc_nolock take the per-CPU lock its own task already holds",
  fixedNarration: [
    {
      step: 0,
      text: "v1 tests local_lock_is_locked() on RT too: a lock owned by the current task counts as locked.",
    },
    {
      step: 28,
      text: "The tracepoint fires in A, which holds kmalloc-64's per-CPU lock; the BPF program calls kmalloc_nolock() for the same bucket.",
    },
    {
      step: 39,
      text: "The lock is 'locked by current task': -EBUSY, without trying to take it.",
    },
    {
      step: 42,
      text: "The retry goes to kmalloc-96, whose lock nobody holds.",
    },
    {
      step: 48,
      text: "A returns from its own allocation. No recursion, no deadlock.",
    },
  ],
  fixed: { variant: "v6.15-nolock-v1" },
  fixedOutcome: "clean",
  expect: [
    { code: "lockdep-recursion", step: 42 },
    { code: "deadlock", step: 42 },
  ],
};

/** S1.3 (K4): on PREEMPT_RT kmalloc_nolock() refuses NMI and hardirq callers. */
export const s13RtNmiCaller: LibraryEntry = {
  id: "s1-3-rt-nmi-caller",
  kind: "race",
  summary:
    "On PREEMPT_RT the local lock is a sleeping lock, so no allocator path can run in NMI or hardirq context. v1 returns NULL at once there ('not supported from irq'). Without that test the NMI goes into ___slab_alloc and takes the sleeping per-CPU lock.",
  source: {
    seed: "001: 'if (!USE_LOCKLESS_FAST_PATH() && (in_nmi() || in_hardirq())) /* kmalloc_nolock() in PREEMPT_RT is not supported from irq */ return NULL;'",
    fix: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock() (v1, May 2025)",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "RT: kmalloc_nolock from an NMI",
    description: `Analysis: the seed quotes the refusal; what happens without it is ours. One CPU, PREEMPT_RT, an empty kmalloc-64. ${VERSION} On !RT (try --no-rt) the same call proceeds: the local lock is then only irqs off.`,
    kernel: { variant: "v6.15-nolock-noguard", cpus: 1, preemptRt: true },
    cache: { objects: 4 },
    actors: [
      {
        name: "bpf",
        kind: "nmi",
        cpu: 0,
        ops: [{ kind: "kmallocNolock", slot: "y", size: 50 }],
      },
    ],
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). An NMI calls kmalloc_nolock(50). On PREEMPT_RT USE_LOCKLESS_FAST_PATH() is false: every allocation goes through __slab_alloc and its sleeping local lock.",
      },
      {
        step: 26,
        text: "Without the refusal the NMI reaches local_lock_irqsave(), an rt_spin_lock: sleeping in NMI context. v6.15-nolock-v1 returns NULL (which means ENOMEM to the caller) at its first check instead.",
      },
    ],
  },
  goal: "Make kmalloc_nolock from an NMI take the sleeping per-CPU lock on RT",
  fixedNarration: [
    {
      step: 0,
      text: "v1 refuses kmalloc_nolock from NMI or hardirq on PREEMPT_RT before touching any lock.",
    },
    {
      step: 1,
      text: "The NMI gets NULL at once: the allocation fails, but nothing sleeps in atomic context.",
    },
  ],
  fixed: { variant: "v6.15-nolock-v1" },
  fixedOutcome: "clean",
  expect: [{ code: "sleep-in-atomic", step: 26 }],
};

/** S1.4 (R1-3): alloc_pages_nolock() + put_page_testzero() against the compaction scanner. */
export const s14CompactionRefcount: LibraryEntry = {
  id: "s1-4-compaction-frozen-page",
  kind: "race",
  summary:
    "v1 takes a new slab page with alloc_pages_nolock(), which returns a refcounted page, and then drops the count to zero with put_page_testzero() without looking at the result. In between, the compaction scanner on another CPU pins the page with get_page_unless_zero(). It finds the page is not one it can migrate and drops its reference: the last one, so the page goes back to the page allocator while it is a live slab. The fix allocates the page frozen (refcount 0), so the scanner cannot pin it.",
  source: {
    seed: "001: Vlastimil Babka, 'Once we create a refcounted (non-frozen) page, someone else (a pfn scanner like compaction) can do a get_page_unless_zero() ... do put_page() and frees it under us'; Alexei, 'understood.'",
    fix: "split out alloc_frozen_pages_nolock() (asked for in the review; in v2, July 2025)",
    basis: "history",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "alloc_pages_nolock + put_page_testzero versus compaction",
    description: `Three CPUs. CPU 0 allocates with kmalloc_nolock() from an empty kmalloc-64, so it needs a new slab page. kcompactd on CPU 1 scans the pfn of that page. A page-cache user on CPU 2 allocates a page afterwards. ${VERSION}`,
    kernel: { variant: "v6.15-nolock-v1", cpus: 3 },
    cache: { objects: 4 },
    actors: [
      {
        name: "bpf",
        kind: "task",
        cpu: 0,
        ops: [
          { kind: "kmallocNolock", slot: "y", size: 50 },
          { kind: "kmallocNolock", slot: "y", size: 50 },
        ],
      },
      {
        name: "kcompactd0",
        kind: "kcompactd",
        cpu: 1,
        ops: [{ kind: "isolateMigratepages", pfn: 0 }],
      },
      {
        name: "reader",
        kind: "task",
        cpu: 2,
        ops: [{ kind: "allocPageCache", slot: "pc" }],
      },
    ],
    schedule: {
      steps: ["bpf*23", "kcompactd0", "bpf*15", "kcompactd0*2", "reader"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). kmalloc_nolock(50) on CPU 0: kmalloc-64 has no slab yet, so ___slab_alloc asks for a new one without spinning (allow_spin is false).",
      },
      {
        step: 22,
        text: "alloc_pages_nolock() hands out P0 with refcount 1.",
      },
      {
        step: 23,
        text: "kcompactd on CPU 1 scans pfn P0: get_page_unless_zero() succeeds, refcount 2.",
      },
      {
        step: 24,
        text: "put_page_testzero() drops the count to 1, not 0, and nobody looks at the result. P0 becomes a slab and CPU 0's cpu slab.",
      },
      {
        step: 39,
        text: "The scanner finds P0 is not a page it can migrate (not on an LRU list).",
      },
      {
        step: 40,
        text: "It drops its reference with put_page(): the last one. P0 goes back to the page allocator while it is CPU 0's cpu slab.",
      },
      {
        step: 41,
        text: "CPU 2 allocates a page for the page cache and gets P0: it overwrites the slab. On v6.15-nolock-v1-frozen the page comes from alloc_frozen_pages_nolock() with refcount 0, get_page_unless_zero() fails, and nothing happens.",
      },
    ],
  },
  goal: "Let compaction pin the nolock slab page and drop the last reference while it is a slab",
  fixedNarration: [
    {
      step: 0,
      text: "With the fix, new_slab takes its page from alloc_frozen_pages_nolock(): refcount 0 from the start.",
    },
    {
      step: 22,
      text: "The new slab page comes with refcount 0: there is no count to drop later.",
    },
    {
      step: 23,
      text: "kcompactd's get_page_unless_zero() fails on a zero count: it skips the page and never holds a reference to it.",
    },
    {
      step: 51,
      text: "The slab stays a slab until its objects are freed. No bad page state.",
    },
  ],
  fixed: { variant: "v6.15-nolock-v1-frozen" },
  fixedOutcome: "clean",
  expect: [
    { code: "bad-page-state", step: 40 },
    { code: "freelist-corrupt", step: 40 },
    { code: "list-corrupt", step: 40 },
    { code: "list-corrupt", step: 41 },
  ],
};

/** S1.5: kfree_nolock() defers to s->defer_free_objects; a later kfree drains it. */
export const s15KfreeNolockDefer: LibraryEntry = {
  id: "s1-5-kfree-nolock-defer",
  kind: "race",
  summary:
    "kfree_nolock() may not take locks, so it cannot always free. When the object's slab is not this CPU's cpu slab, v1 adds it to the cache's lock-free list defer_free_objects; when the slab is the cpu slab but an NMI finds the bucket's lock held, it defers too. The next kfree() that takes the slow path drains the list first. Without the locked test, an NMI's free lands on c->freelist in the middle of a slow path and is overwritten: the object is lost.",
  source: {
    seed: "001: '__slab_free() can locklessly cmpxchg16 into a slab, but then it might need to take spin_lock or local_lock in put_cpu_partial() ... simply add to a deferred list'; the locked test in the fast path is v1's text, outside the seed",
    fix: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock() (v1, May 2025)",
    basis: "analysis",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "kfree_nolock from an NMI: defer, then drain",
    description: `Two CPUs, !RT. CPU 0's cpu slab P0 is full; CPU 1's cpu slab is P1. Task A allocates on CPU 0 while an NMI there frees an object of P0; another NMI frees an object of P0 on CPU 1; then task C frees one more object of P0 on CPU 1 with kfree(). ${VERSION}`,
    kernel: { variant: "v6.15-nolock-noguard", cpus: 2 },
    cache: { objects: 4 },
    prepare: [...fullCpuSlab, alloc("b", 1)],
    actors: [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "free", slot: "a" }] },
      {
        name: "nmi0",
        kind: "nmi",
        cpu: 0,
        ops: [{ kind: "kfreeNolock", slot: "a" }],
      },
      {
        name: "nmi1",
        kind: "nmi",
        cpu: 1,
        ops: [{ kind: "kfreeNolock", slot: "a" }],
      },
      { name: "C", kind: "task", cpu: 1, ops: [{ kind: "free", slot: "a" }] },
    ],
    schedule: {
      steps: ["A*10", "irq*7", "A*3", "nmi0*8", "A*5", "nmi1*5", "C*18"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). As in S1.1, task A enters the slow path, an interrupt puts P0#3 back on c->freelist, and A reads it with the local lock held.",
      },
      {
        step: 20,
        text: "An NMI on CPU 0 calls kfree_nolock(P0#2). P0 is c->slab, so it takes the fast path. Without the test 'in_nmi() && local_lock_is_locked()' its cmpxchg pushes P0#2 onto c->freelist under A's feet.",
      },
      {
        step: 29,
        text: "A writes c->freelist = next(P0#3), overwriting the NMI's push: P0#2 is on no freelist and allocated to nobody. On v6.15-nolock-v1 the NMI defers P0#2 to s->defer_free_objects instead.",
      },
      {
        step: 33,
        text: "An NMI on CPU 1 calls kfree_nolock(P0#1). P0 is not CPU 1's cpu slab, and __slab_free might need locks, so the object goes on the deferred llist (one llist_add).",
      },
      {
        step: 38,
        text: "Task C frees P0#0 with kfree() on CPU 1: the slow path. It first takes the whole deferred list with llist_del_all() and frees each object with __slab_free(), then frees its own.",
      },
    ],
  },
  goal: "Make an NMI's kfree_nolock land on c->freelist in the middle of a slow path, so it is overwritten",
  fixedNarration: [
    {
      step: 0,
      text: "v1's kfree_nolock defers whenever it finds the bucket's lock held, instead of pushing onto c->freelist.",
    },
    {
      step: 24,
      text: "nmi0 finds the lock held while A is in the slow path: its object goes on defer_free_objects.",
    },
    { step: 34, text: "nmi1's object is not in the cpu slab: deferred too." },
    {
      step: 54,
      text: "C's free takes the slow path, which drains the deferred list: the deferred objects go back to their slabs.",
    },
    { step: 58, text: "No object is lost. No finding." },
  ],
  fixed: { variant: "v6.15-nolock-v1" },
  fixedOutcome: "clean",
  expect: [{ code: "object-leak", step: 29 }],
};

/** S1.6 (R1-5, outside the seed): a kprobe inside the irq-off slow path on !RT. */
export const s16KprobeIrqOff: LibraryEntry = {
  id: "s1-6-kprobe-irqs-off",
  kind: "race",
  summary:
    "v1 tests local_lock_is_locked() only in NMI, because on !RT only an NMI can interrupt the irq-off section. A kprobe can fire inside it without any interrupt: the BPF program runs in the task that holds the lock, in_nmi() is false, and kmalloc_nolock's lockless fast path takes the object the slow path has just read from c->freelist. Harry Yoo asked whether to test irqs_disabled() too; with that test the call gets -EBUSY and retries in the next bucket.",
  source: {
    seed: "outside the seed (domain notes R1-5): Harry Yoo on a later revision, 'kmalloc() -> ___slab_alloc() -> irqsave -> tracepoint/kprobe -> bpf -> kmalloc_nolock()' and 'Maybe check if interrupts are disabled instead of in_nmi()?'",
    fix: "candidate from the review, not a merged fix: test irqs_disabled() as well as in_nmi()",
    basis: "outside",
  },
  scenario: {
    format: "slabscope/scenario",
    version: 1,
    title: "!RT: a kprobe inside the irq-off slow path",
    description: `Outside the seed: Harry Yoo raised it on a later revision; the fixed kernel is his suggestion, an open review item here. One CPU, !RT, kmalloc-64 with four objects per slab. As in S1.1, but the re-entry is a kprobe on load_freelist in task A itself instead of an NMI. ${VERSION}`,
    kernel: { variant: "v6.15-nolock-v1", cpus: 1 },
    cache: { objects: 4 },
    prepare: fullCpuSlab,
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          {
            kind: "alloc",
            slot: "x",
            reenter: { slot: "y", size: 50, at: "load" },
          },
        ],
      },
      { name: "irq", kind: "irq", cpu: 0, ops: [{ kind: "free", slot: "a" }] },
    ],
    schedule: {
      steps: ["A>___slab_alloc:redo+2", "irq*7"],
      rest: "round-robin",
    },
    narration: [
      {
        step: 0,
        text: "kmalloc_nolock() v1 (reviewed May 2025). CPU 0's cpu slab P0 is full. Task A allocates and enters the slow path; an interrupt frees P0#3 onto c->freelist before A disables irqs.",
      },
      {
        step: 20,
        text: "A holds the local lock (irqs off) and has read c->freelist = P0#3.",
      },
      {
        step: 22,
        text: "A kprobe on load_freelist fires in A itself and its BPF program calls kmalloc_nolock(50). This is not an NMI, so v1's test 'if (!in_nmi() || ...)' lets it straight into the allocator.",
      },
      {
        step: 33,
        text: "The lockless fast path finds c->freelist and the tid unchanged and takes P0#3.",
      },
      {
        step: 36,
        text: "A writes c->freelist from P0#3, which the BPF program already owns: P0#3 is handed out twice. With the irqs_disabled() test (v6.15-nolock-v1-irqs) the call gets -EBUSY and kmalloc-96 serves it.",
      },
    ],
  },
  goal: "Fire the kprobe inside A's irq-off slow path so the nested kmalloc_nolock takes the object A has just read",
  fixedNarration: [
    {
      step: 0,
      text: "With Harry Yoo's suggestion, kmalloc_nolock also tests local_lock_is_locked() when interrupts are off, not only in NMI.",
    },
    {
      step: 22,
      text: "The kprobe fires in A between reading c->freelist and writing it back; its BPF program calls kmalloc_nolock().",
    },
    {
      step: 27,
      text: "Interrupts are off and the bucket's lock is held: -EBUSY, without touching c->freelist.",
    },
    { step: 28, text: "It retries once in the next bucket." },
    {
      step: 37,
      text: "A's slow path returns its object; the nested call took another. No finding.",
    },
  ],
  fixed: { variant: "v6.15-nolock-v1-irqs" },
  fixedOutcome: "clean",
  expect: [
    { code: "freelist-corrupt", step: 36 },
    { code: "double-alloc", step: 36 },
  ],
};

export const nolockScenarios: readonly LibraryEntry[] = [
  s11NmiInSlabAlloc,
  s12RtTracepointReentry,
  s13RtNmiCaller,
  s14CompactionRefcount,
  s15KfreeNolockDefer,
  s16KprobeIrqOff,
];
