import type { LibraryEntry } from "./entry";
/** S1.1 (R1-1): an NMI lands inside ___slab_alloc on !RT. */
export declare const s11NmiInSlabAlloc: LibraryEntry;
/** S1.2 (R1-2): on RT, a tracepoint re-enters the same bucket in the task that holds its lock. */
export declare const s12RtTracepointReentry: LibraryEntry;
/** S1.3 (K4): on PREEMPT_RT kmalloc_nolock() refuses NMI and hardirq callers. */
export declare const s13RtNmiCaller: LibraryEntry;
/** S1.4 (R1-3): alloc_pages_nolock() + put_page_testzero() against the compaction scanner. */
export declare const s14CompactionRefcount: LibraryEntry;
/** S1.5: kfree_nolock() defers to s->defer_free_objects; a later kfree drains it. */
export declare const s15KfreeNolockDefer: LibraryEntry;
/** S1.6 (R1-5, outside the seed): a kprobe inside the irq-off slow path on !RT. */
export declare const s16KprobeIrqOff: LibraryEntry;
export declare const nolockScenarios: readonly LibraryEntry[];
