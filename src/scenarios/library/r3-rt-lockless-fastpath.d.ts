import type { LibraryEntry } from "./entry";
/**
 * R3, a "what if": had the fast paths stayed lockless on RT after the local_lock conversion, a
 * fast path could run in the middle of a slow path that holds the local lock (the holder is
 * preemptible on RT) and take an object the slow path has already read off c->freelist. No tree
 * shipped this: the series gave up lockless fast paths on RT from its v2 on, the version the RT
 * tree took, so the scenario runs on the hypothetical variant rt-2021-07-lockless-whatif.
 */
export declare const r3RtLocklessFastpath: LibraryEntry;
