/**
 * The machine state: plain, JSON-serialisable data. Every field that models a kernel field
 * keeps the kernel's name in camelCase.
 *
 * Models (mainline v5.14 / v5.15, mm/slub.c, include/linux/mm_types.h, mm/slab.h):
 *   struct kmem_cache       -> KmemCache
 *   struct kmem_cache_cpu   -> CpuSlab (one per CPU)
 *   struct page (as a slab) -> Page
 *   struct kmem_cache_node  -> KmemCacheNode
 * Simplified: one cache per machine; addresses are small integers (page ids and object refs);
 * `counters` is kept as its three bitfields; the page allocator is a LIFO pool of equal pages.
 */

/** An object reference: `page * cache.objects + index`. NULL is `null`. */
export type ObjRef = number;
/** What a free-pointer slot can hold: an object, NULL, or user data (garbage as a pointer). */
export type Word = ObjRef | null | typeof USER_DATA;
/** The value an allocated object holds where a free object keeps its free pointer. */
export const USER_DATA = -1;
/**
 * `pages` / `pobjects` read from a page that is no longer a slab: the two halves of the pointer
 * `page->lru.prev` (seed 002 L3370-3371). On x86_64 `pages` is the low half and `pobjects` the
 * high half of a kernel address, which read as an int is negative.
 */
export const LRU_GARBAGE = { pages: 0x7b4c21c8, pobjects: -30592 } as const;

import type { VariantName } from "./variants";

export interface KernelConfig {
  /** Kernel variant by mainline release (or a named intermediate from the race library). */
  kernel: VariantName;
  /** CONFIG_PREEMPT_RT: spinlocks and local locks become sleeping locks. */
  preemptRt: boolean;
  /** CONFIG_SLUB_CPU_PARTIAL. */
  cpuPartial: boolean;
  /** CONFIG_DEBUG_VM: VM_BUG_ON assertions are live. */
  debugVm: boolean;
  /** CONFIG_LOCKDEP / CONFIG_PROVE_LOCKING. */
  lockdep: boolean;
  /**
   * CONFIG_LOCK_STAT: lock statistics. It only changes data layout here: every lockdep map grows
   * (local_lock_t is 56 bytes on !RT), which moves the fields after it (see layout.ts).
   */
  lockStat: boolean;
  /**
   * CONFIG_MEMCG_KMEM with kmem accounting on: an accounted allocation gives its slab page an
   * obj_cgroups vector, allocated (unaccounted) from the same cache and freed when the page is.
   */
  memcg: boolean;
  /**
   * CONFIG_KASAN (generic): every free by a cache user poisons the object, also a free into a
   * percpu array, so a later access through a stale pointer is reported (op `write`).
   */
  kasan: boolean;
  /**
   * slub_debug=P: objects are poisoned when they go back to their slab and the poison is checked
   * when they leave it; objects in a percpu array count as allocated, so a write to one is missed.
   */
  slubDebug: boolean;
  cpus: number;
  nodes: number;
  /**
   * Nodes that have CPUs but no memory (a topology case: no pages, no `kmem_cache_node`, so
   * `s->node[n]` is NULL and the node has no barn). numa_mem_id() on their CPUs still names the
   * node itself, as on the x86 machine of the 6.18 report. Absent when every node has memory.
   */
  memorylessNodes?: number[];
  /**
   * CONFIG_SLAB_FREELIST_HARDENED: a free pointer is stored encoded (XORed with a per-cache
   * secret and its own address), so a raw store of NULL reads back as garbage (v6.18's
   * free_deferred_objects, kernel/v6_18.ts). Absent when off.
   */
  freelistHardened?: boolean;
  /** Pages in the page allocator's pool. */
  pagePool: number;
  /**
   * Later fixes applied on top of the release. `tid-on-deactivation`: "mm/slub: add missing TID
   * updates on slab deactivation" (2022, backported to stable): bump `c->tid` whenever the slow
   * path clears `c->page`. Without it a preempted fast path can push onto a stale cpu freelist.
   */
  fixes: KernelFix[];
}

export type KernelFix = "tid-on-deactivation";

/**
 * `struct kmem_cache`: only the fields SLUB's paths read. Never changed in place (a change
 * replaces the record: `m.cache = { ...m.cache, ... }`), so that machine copies may share it.
 */
export interface KmemCache {
  name: string;
  objectSize: number;
  /** `oo_objects(s->oo)`: objects per slab. */
  objects: number;
  /** `s->cpu_partial`: threshold on `pobjects` of a CPU's partial chain. */
  cpuPartial: number;
  /** `s->min_partial`. */
  minPartial: number;
  /** Set once kmem_cache_destroy has torn the cache down: later operations on it are refused. */
  destroyed?: boolean;
  /**
   * No __CMPXCHG_DOUBLE in `s->flags` (scenario `cache.cmpxchgDouble: false`) on a variant that
   * models the slab_lock() fallback (`VariantSpec.slabLockFallback`): slab_update_freelist takes
   * the slab's bit spinlock. Absent otherwise.
   */
  slabLock?: true;
}

/** `struct kmem_cache_cpu`, one per CPU. */
export interface CpuSlab {
  /** Lockless per-CPU freelist: next object to hand out. */
  freelist: ObjRef | null;
  /** Transaction id; low bits encode the CPU (`TID_STEP`). */
  tid: number;
  /** The cpu slab (`c->page`), frozen. */
  page: number | null;
  /** Per-CPU partial chain head (linked by `page->next`, all frozen). */
  partial: number | null;
  /** `local_lock_t lock` (v5.15): the holder's actor id, for display, assertions and RT. */
  lock: number | null;
}

export interface Cpu {
  id: number;
  node: number;
  online: boolean;
  /** Local interrupts disabled (`local_irq_save` / hardirq entry). */
  irqsOff: boolean;
  /** Task running (or last run) on this CPU. */
  current: number | null;
  /** Hardirq context on top of the task, if any. */
  irq: number | null;
  /** NMI context on top of everything, if any. */
  nmi: number | null;
}

export type PageUse = "free" | "slab" | "pagecache";

/** `struct page` used as a slab page (5.14 layout). */
export interface Page {
  id: number;
  /** Page allocator state: free in the pool, a slab, or reused as something else. */
  use: PageUse;
  /** Times this page has been handed out by the page allocator (ABA is visible through it). */
  gen: number;
  node: number;
  /** PG_active reused as SlabPfmemalloc. */
  pfmemalloc: boolean;
  /** `page->freelist`: first free object not on a cpu freelist. */
  freelist: ObjRef | null;
  /** `counters`: objects not on `page->freelist` (includes a cpu freelist). */
  inuse: number;
  objects: number;
  frozen: boolean;
  /** Per-CPU partial chain link and running totals (valid in the chain head). */
  next: number | null;
  pages: number;
  pobjects: number;
  /** The free pointer (or user data) of each object. */
  fp: Word[];
  /** `page->obj_cgroups` (memcg): the vector object allocated for this slab, if any. */
  objcgs: ObjRef | null;
  /**
   * v6.8: PG_workingset as "on its node's partial list" (slab_test_node_partial), set and cleared
   * with the list under list_lock. Absent for variants that do not track it.
   */
  nodePartial?: boolean;
  /**
   * PG_locked in the same flags word: slab_lock(), the bit spinlock of caches without
   * __CMPXCHG_DOUBLE (v6.8 tables). Absent until a slab_lock() touches the slab.
   */
  pgLocked?: boolean;
  /** Who took slab_lock() (for display and reports); a bit left set by a lost update has none. */
  slabLockOwner?: number | null;
}

/** `struct kmem_cache_node`. */
export interface KmemCacheNode {
  id: number;
  /** `list_lock` holder (actor id). */
  listLock: number | null;
  /** `n->partial`, head first. */
  partial: number[];
  nrPartial: number;
}

export type LockClass =
  | "cpu_slab->lock"
  | "n->list_lock"
  | "slab_mutex"
  | "flush_lock"
  | "cpu_hotplug_lock"
  | "pcp_batch_high_lock"
  | "memory_chain.rwsem"
  | "cpu_sheaves->lock"
  | "barn->lock"
  | "slab_lock";

/** A concrete lock instance. */
export type LockRef =
  | { kind: "cpuSlab"; cpu: number }
  | { kind: "listLock"; node: number }
  | { kind: "slabMutex" }
  | { kind: "flushLock" }
  | { kind: "cpuHotplug"; write: boolean }
  /** mm/page_alloc.c: serialises changes to the per-cpu page lists' batch sizes (a mutex). */
  | { kind: "pcpBatchHigh" }
  /** drivers/base/memory.c: the memory hotplug notifier chain's rwsem. */
  | { kind: "memoryChain"; write: boolean }
  /** `s->cpu_sheaves->lock` (v7.0, kernel/v7_0.ts): a local_trylock_t per CPU. */
  | { kind: "pcsLock"; cpu: number }
  /** A node barn's `lock` (v7.0): a spinlock taken irqsave. */
  | { kind: "barnLock"; node: number }
  /** slab_lock(): bit_spin_lock(PG_locked) in the slab's flags word (no lockdep class in the kernel). */
  | { kind: "slabLock"; page: number };

export interface GlobalLocks {
  slabMutex: number | null;
  flushLock: number | null;
  /** cpu_hotplug_lock: percpu rwsem. */
  cpuHotplugWriter: number | null;
  cpuHotplugReaders: number[];
  pcpBatchHighLock: number | null;
  /** memory_chain.rwsem: notifier callbacks run with it held for read. */
  memoryChainWriter: number | null;
  memoryChainReaders: number[];
}

export type ActorKind =
  | "task"
  | "irq"
  | "nmi"
  | "kworker"
  | "hotplug"
  /** The compaction scanner (kcompactd, isolate_migratepages_block): a kernel thread. */
  | "kcompactd";

export type Gfp = "GFP_KERNEL" | "GFP_ATOMIC";

/**
 * Where instrumentation can run inside a kernel function, declared on its steps (StepDef.hook):
 * - "unlock": a tracepoint ahead of a local_unlock_irqrestore() in ___slab_alloc (a fuzzing
 *   harness's callback there);
 * - "load": load_freelist's write of c->freelist, a kprobe site between the slow path's read
 *   and write of the (freelist, tid) pair.
 */
export type HookSite = "unlock" | "load";

/** An operation an actor performs (imperative). */
export type Op =
  | {
      kind: "alloc";
      slot: string;
      gfp?: Gfp;
      node?: number;
      account?: boolean;
      /**
       * Same-task re-entry (kernel/nolock.ts): a BPF program on a tracepoint calls
       * kmalloc_nolock(size) inside this allocation's locked section, into `slot`: before its
       * first local_unlock_irqrestore (`at: "unlock"`, the default) or before load_freelist
       * writes c->freelist (`at: "load"`).
       */
      reenter?: { slot: string; size: number; at?: HookSite };
    }
  | { kind: "free"; slot: string; keep?: boolean }
  | { kind: "flushAll" }
  | { kind: "shrink" }
  | { kind: "cpuOffline"; cpu: number }
  | { kind: "cpuOnline"; cpu: number }
  | { kind: "allocPageCache"; slot: string }
  | { kind: "freePageCache"; slot: string }
  /** kmem_cache_destroy: flush and free the cache's slabs; the cache is gone afterwards. */
  | { kind: "destroy" }
  /** Memory hot-remove (offline_pages): runs the memory notifier chain, SLUB's callback shrinks. */
  | { kind: "memoryOffline" }
  /** kmem_cache_alloc_bulk: `count` objects pushed onto the slot (percpu array RFC, kernel/pca.ts). */
  | { kind: "allocBulk"; slot: string; count: number; gfp?: Gfp }
  /** kmem_cache_free_bulk of the slot's `count` newest objects. */
  | { kind: "freeBulk"; slot: string; count: number }
  /** kmem_cache_prefill_percpu_array: top up this CPU's array to `count` objects. */
  | { kind: "prefill"; count: number; gfp?: Gfp }
  /** The caller writes through the slot's newest pointer (after `free` with `keep`: a use-after-free). */
  | { kind: "write"; slot: string }
  /** Queued by the kernel itself: a flush work item (v5.15) or IPI (v5.14). */
  | {
      kind: "flushCpuSlabWork";
      requester: number;
      /**
       * The work function: flush_cpu_slab (absent), flush_rcu_sheaf (v6.18), or the irq_work of
       * kfree_nolock's deferred frees, free_deferred_objects (v6.18).
       */
      work?: "rcuSheaf" | "deferFree";
    }
  /** kfree_rcu() of the slot's newest object (v6.18: the rcu_free sheaf, kernel/v6_18.ts). */
  | { kind: "kfreeRcu"; slot: string }
  /** kvfree_rcu_barrier(): flush_all_rcu_sheaves() and rcu_barrier(). */
  | { kind: "kvfreeRcuBarrier" }
  /** kmem_cache_prefill_sheaf(s, GFP_KERNEL, count): the caller gets a sheaf of at least `count` objects (v6.18). */
  | { kind: "prefillSheaf"; count: number }
  /** kmem_cache_alloc_from_sheaf(): an object of the caller's prefilled sheaf onto the slot. */
  | { kind: "allocFromSheaf"; slot: string }
  /** kmem_cache_return_sheaf(): the caller's prefilled sheaf goes back. */
  | { kind: "returnSheaf" }
  /** An RCU grace period ends: the callbacks queued so far run (rcu_do_batch), in this context. */
  | { kind: "rcuGracePeriod" }
  /** kmalloc_nolock(size): any context, NMI included (see kernel/nolock.ts). */
  | { kind: "kmallocNolock"; slot: string; size: number }
  /** kfree_nolock() of the slot's newest object. */
  | { kind: "kfreeNolock"; slot: string }
  /** The compaction scanner visits one pfn: get_page_unless_zero, not movable, put_page. */
  | { kind: "isolateMigratepages"; pfn: number };

export type Value = number | string | boolean | null | (number | null)[];
export type Locals = Record<string, Value>;

export interface Frame {
  fn: string;
  pc: number;
  L: Locals;
}

export interface HeldLock {
  cls: LockClass;
  ref: LockRef;
}

export type Wait =
  | { kind: "lock"; ref: LockRef; spinning: boolean }
  | { kind: "work"; actor: number; op: number }
  | { kind: "ipi"; actor: number; op: number }
  /** The hotplug thread waits until the dying CPU's contexts can be moved off it. */
  | { kind: "cpuIdle"; cpu: number };

export type ActorStatus = "ready" | "done" | "crashed";

export interface Actor {
  id: number;
  name: string;
  kind: ActorKind;
  /** CPU it runs on now (home CPU for irq, nmi and kworker). */
  cpu: number;
  pinned: boolean;
  /** Created by the kernel (kworker, IPI handler), not by the scenario. */
  system: boolean;
  /**
   * A per-CPU kworker whose CPU went offline: its pool was unbound (workqueue_offline_cpu) and it
   * runs on another CPU until its own comes back online.
   */
  unboundFrom?: number;
  ops: Op[];
  /** Index of the current or next operation. */
  op: number;
  frames: Frame[];
  /** preempt_count contribution of this context (task-local). */
  preemptCount: number;
  migrateDisable: number;
  wait: Wait | null;
  held: HeldLock[];
  /** Detached freelists this actor owns, as flat (head, tail) pairs, e.g. between get_freelist and load_freelist. */
  ownedChains: ObjRef[];
  /** Single objects owned in flight (being allocated or freed). */
  ownedObjects: ObjRef[];
  /** Frozen slabs owned in flight (e.g. between acquire_slab and c->page = page). */
  ownedSlabs: number[];
  /**
   * v5.14 deactivate_slab works on a CPU's `c->page` / `c->freelist` in place with irqs off and
   * clears them only at its end; while it runs, that CPU's pointers belong to this actor.
   */
  ownsCpuSlab: number | null;
  status: ActorStatus;
  /** Why an op could not do its job (empty slot...), shown to the user; not a kernel finding. */
  note: string | null;
}

export type FindingCode =
  | "uaf-slab"
  | "double-alloc"
  | "double-free"
  | "freelist-corrupt"
  | "object-leak"
  | "slab-lost"
  | "list-corrupt"
  | "vm-bug-on"
  | "lockdep-circular"
  | "lockdep-recursion"
  | "lockdep-irq-unsafe"
  | "sleep-in-atomic"
  | "deadlock"
  | "preempt-leak"
  | "cmpxchg16b-misaligned"
  /** The page allocator is handed back a page that is still in use (free_page_is_bad). */
  | "bad-page-state"
  | "use-after-free"
  /** A NULL pointer dereference (`BUG: kernel NULL pointer dereference`): the context oopses and stops. */
  | "oops";

/**
 * What a finding's message is, set where the finding is made (never read back from its text):
 * - "log": the kernel's own report line, as it would log it (shown as it is);
 * - "detail": what the kernel's report for the code says after its header (the view puts the
 *   code's header in front);
 * - "model": the model's own report of something the kernel would not log (a silent garbage
 *   read, a double free without KASAN): shown as it is, never dressed up as a kernel report.
 */
export type FindingForm = "log" | "detail" | "model";

export interface Finding {
  code: FindingCode;
  step: number;
  actor: string | null;
  /** The slab pages and objects it is about (marked in the state view when it is opened). */
  slabs: number[];
  objects: ObjRef[];
  message: string;
  form: FindingForm;
}

/** Lockdep: classes seen, dependency edges and irq usage. */
export interface Lockdep {
  edges: [LockClass, LockClass][];
  inHardirq: LockClass[];
  hardirqOn: LockClass[];
}

/**
 * `struct slub_percpu_array` (percpu array cache RFC v3, Nov 2023): one per CPU when the cache
 * opted in. A LIFO stack: `objects[used - 1]` is the top (hottest). `objects` holds exactly the
 * `used` cached objects.
 */
export interface PercpuArray {
  /** The embedded `spinlock_t lock`: its holder's actor id (only ever trylocked on a CPU's own array). */
  lock: number | null;
  /** `count`: capacity. */
  count: number;
  /** `used`: objects cached now. */
  used: number;
  objects: ObjRef[];
}

export interface Machine {
  config: KernelConfig;
  cache: KmemCache;
  cpus: Cpu[];
  cpuSlab: CpuSlab[];
  /** `s->cpu_array`, per CPU: present only when the cache set up a percpu array. */
  pca?: PercpuArray[];
  pages: Page[];
  /** Free pages, most recently freed last (the allocator hands out the hottest page). */
  freePages: number[];
  nodes: KmemCacheNode[];
  locks: GlobalLocks;
  actors: Actor[];
  /**
   * Named slots: the objects allocated into each (a stack: `free` takes the newest). A pointer
   * kept after `free` with `keep` is stored as `-(obj + 2)` (see `dangling`).
   */
  slots: Record<string, ObjRef[]>;
  pageSlots: Record<string, number[]>;
  /** SLUB_STATS counters per CPU, by stat name. */
  stats: Record<string, number>[];
  lockdep: Lockdep;
  findings: Finding[];
  /** Keys of state-based findings currently present (reported once on appearance). */
  activeFindings: string[];
  /** Micro-steps taken so far. */
  step: number;
  /** kmalloc_nolock / kfree_nolock state (kernel/nolock.ts), present when a scenario uses them. */
  nolock?: NolockState;
  /** The percpu sheaves and the node barns (kernel/v7_0.ts), present on a kernel with sheaves. */
  sheaves?: SheavesState;
}

/**
 * The state kmalloc_nolock() and kfree_nolock() add (May 2025 series, kernel/nolock.ts).
 * The machine's cache is one kmalloc bucket; the other buckets are counted, not modelled object
 * by object.
 */
export interface NolockState {
  /** The kmalloc size classes, smallest first (`kmalloc_caches[]`). */
  buckets: KmallocBucket[];
  /** `s->defer_free_objects` of the machine's cache: an llist, newest (the head) first. */
  deferFreeObjects: ObjRef[];
  /** `s->flags & __CMPXCHG_DOUBLE`: false on an arch without cmpxchg16b (or a debug cache). */
  cmpxchgDouble: boolean;
  /** Page refcounts the nolock page path and the compaction scanner have set (see pageRef). */
  pageRefs: PageRef[];
  /**
   * The cache line of `defer_free_objects`: the CPU that last wrote it (llist_add or
   * llist_del_all), and per CPU how many times it had to take the line from another CPU.
   */
  deferLine: { cpu: number | null; transfers: number[] };
}

export interface KmallocBucket {
  /** `kmalloc-<size>`. */
  name: string;
  size: number;
  /** The machine's cache (modelled fully); the other buckets only count what they hand out. */
  modelled: boolean;
  /** Objects handed out by kmalloc_nolock from a bucket that is not modelled. */
  allocated: number;
}

/** `page->_refcount` of one page as of its `gen`-th allocation (0: frozen or free). */
export interface PageRef {
  page: number;
  gen: number;
  refcount: number;
}

/** One scheduling choice: the actor, and the CPU it runs on (differs only to migrate it). */
export interface Choice {
  actor: number;
  cpu: number;
  /** false when the step can only spin or re-block (the lock it wants is still held). */
  progress: boolean;
  /** How the actor gets the CPU: already running, preempting, interrupting, migrating. */
  via: "running" | "switch" | "preempt" | "irq-entry" | "nmi-entry" | "migrate";
}

/**
 * What a step came to: it ran its line ("ran"), or it only spun on a lock or a wait ("spun"),
 * went to sleep on one ("blocked"), or lost a cmpxchg and will retry ("cmpxchgFailed"). Set by
 * the primitives and kernel steps where it happens; the lanes read it, never the notes.
 */
export type StepOutcome = "ran" | "spun" | "blocked" | "cmpxchgFailed";

export interface StepEvent {
  step: number;
  actor: number;
  cpu: number;
  fn: string;
  pc: number;
  line: string;
  label: string | null;
  via: Choice["via"];
  /** What the step came to (see StepOutcome). */
  outcome: StepOutcome;
  /** What happened besides executing the line, as display text: 'spin', 'block', 'cmpxchg-fail'... */
  notes: string[];
  stats: string[];
  findings: Finding[];
  opStart: boolean;
  opEnd: boolean;
  /**
   * What the step cost in shared-structure operations (see StepCost), absent when it did none.
   * Counted for comparisons between eras (cost.ts); not display text and not part of what a
   * step is (the equivalence digests and the trace views leave it out).
   */
  cost?: StepCost;
}

/**
 * Operations a step made that the eras' cover letters count. Recorded by the primitives where
 * they happen (prims.ts), never by the kernel steps themselves, except the cmpxchg of
 * `kmem_cache_cpu` and the trylocks, which are written inline in the step programs.
 */
export interface StepCost {
  /** this_cpu_cmpxchg_double on {c->freelist, c->tid}: succeeded, failed. */
  cpuCmpxchg: number;
  cpuCmpxchgFail: number;
  /** cmpxchg_double on a slab's {freelist, counters}: succeeded, failed. */
  slabCmpxchg: number;
  slabCmpxchgFail: number;
  /** `n->list_lock` and (v7.0) `barn->lock` taken. */
  listLock: number;
  barnLock: number;
  /** local_trylock / spin_trylock that failed (the sheaves' lock, the percpu array, list_lock). */
  trylockFail: number;
  /** Slabs whose struct or object memory the step read or wrote through the accessors. */
  slabs: number[];
}

/**
 * `struct slab_sheaf`: a stack of object pointers (`objects[size - 1]` is the top). Objects in a
 * sheaf count as allocated as far as their slabs know. A sheaf is attached to a CPU (main or
 * spare), listed in a barn, held by an actor (`owner`, e.g. while it is refilled with the CPU's
 * lock dropped), or freed.
 */
export interface Sheaf {
  id: number;
  objects: ObjRef[];
  /** The actor holding it detached, if any. */
  owner: number | null;
  /** kfree()d (free_empty_sheaf): its id is never reused. */
  freed: boolean;
}

/** `struct slub_percpu_sheaves`, one per CPU. */
export interface PercpuSheaves {
  /** `local_trylock_t lock`: its holder's actor id. */
  lock: number | null;
  /** `main`: a sheaf id, never NULL while the lock is free. */
  main: number;
  /** `spare`: empty or full, or NULL. */
  spare: number | null;
  /**
   * Not kernel state: set when sheaf_flush_main gave up on this CPU (its trylock failed, v7.0
   * as posted) and cleared when a flush of main next gets the lock, so that kmem_cache_destroy's
   * report can tell the objects the flush left behind (the kernel's bug) from objects freed into
   * main after the flush had emptied it (the caller's bug). Absent until a flush gives up.
   */
  flushGaveUp?: true;
}

/** `struct node_barn`, one per node. */
export interface NodeBarn {
  lock: number | null;
  /** `sheaves_full` / `sheaves_empty` (their lengths are nr_full / nr_empty). */
  full: number[];
  empty: number[];
}

/** What the sheaves add to the machine (kernel/v7_0.ts). */
export interface SheavesState {
  /** `s->sheaf_capacity`. */
  capacity: number;
  /** MAX_FULL_SHEAVES / MAX_EMPTY_SHEAVES, scaled to the model's size. */
  maxFull: number;
  maxEmpty: number;
  /** Every sheaf ever allocated, by id. */
  sheaves: Sheaf[];
  pcs: PercpuSheaves[];
  barns: NodeBarn[];
  /** The kfree_rcu() sheaves (v6.18, kernel/v6_18.ts), on a kernel that models them. */
  rcu?: RcuSheaves;
}

/** kfree_rcu() batching in sheaves (v6.18): `pcs->rcu_free` and the queued RCU callbacks. */
export interface RcuSheaves {
  /** `pcs->rcu_free` of each CPU: the sheaf kfree_rcu() fills, or NULL. */
  free: (number | null)[];
  /** Sheaves handed to call_rcu(), oldest first: their callbacks wait for a grace period. */
  pending: number[];
  /** Objects whose kfree_rcu() has returned and that no callback has freed yet. */
  queued: ObjRef[];
}
