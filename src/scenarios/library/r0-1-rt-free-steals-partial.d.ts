import type { LibraryEntry } from "./entry";
/**
 * Seed 000, R0-1: on PREEMPT_RT, a free preempts an allocation that holds the local lock in the
 * middle of taking the head of c->partial, drains the list and discards that head page. The
 * allocation then reads the freed page's `next`, which the page allocator has rewritten.
 */
export declare const r01RtFreeStealsPartial: LibraryEntry;
