import type { LibraryEntry } from "./entry";
/**
 * R16: patch 28 makes flush_slab() re-read c->page under the local lock and deactivate only if
 * it is still set, because with patch 29 the flush runs in a preemptible kworker whose unlocked
 * `if (c->page)` can be invalidated by an allocation that preempts it (seed 002 L2887-2888,
 * L2982).
 */
export declare const r16FlushRecheck: LibraryEntry;
