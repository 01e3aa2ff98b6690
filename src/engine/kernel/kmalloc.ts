/**
 * The kmalloc size classes and the state kmalloc_nolock() adds, as plain data (mm/slab_common.c
 * kmalloc_slab(), kmalloc_caches[]; mm/slub.c s->defer_free_objects; page->_refcount).
 *
 * The state itself is set up by its feature module (features/nolock.ts).
 * The smallest faithful design for several buckets: the machine models one cache in full (its
 * slabs, per-CPU state and locks), and that cache is one kmalloc bucket. The other buckets exist
 * as size classes that kmalloc_nolock() can pick and retry in; they are never locked by anyone in
 * a scenario, so an allocation from them succeeds at once, and they count what they hand out
 * instead of modelling objects. That is enough for the mechanism under review: the -EBUSY retry
 * needs a second bucket whose local lock is free, not a second slab model.
 * Simplified: no random kmalloc caches (RANDOM_KMALLOC_CACHES hashes _RET_IP_ into one of
 * several copies of a size class; the retry uses the next size class either way), no kmalloc-cg
 * copies, no kmalloc-rcl; KMALLOC_MAX_CACHE_SIZE is 8192 (4 KiB pages).
 */
import { pageAt } from "../prims";
import type { Machine, NolockState, PageRef } from "../types";

/** kmalloc_info[] sizes with 4 KiB pages (KMALLOC_MIN_SIZE 8). */
export const KMALLOC_SIZES = [
  8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
] as const;
export const KMALLOC_MAX_CACHE_SIZE = 8192;

/** kmalloc_slab(size): index of the smallest bucket that fits, or -1 above the largest. */
export function kmallocSlab(st: NolockState, size: number): number {
  return st.buckets.findIndex((b) => b.size >= size);
}

/**
 * `page_ref_count(page)`. A page the nolock path or the scanner never touched is counted the way
 * its user holds it: the page cache holds one reference; a slab page built by new_slab's usual
 * path and a free page hold none (the 2025 slab allocates its pages frozen).
 */
export function pageRefcount(m: Machine, pid: number): number {
  const p = pageAt(m, pid)!;
  const r = findRef(m, pid);
  if (r) return r.refcount;
  return p.use === "pagecache" ? 1 : 0;
}

export function setPageRefcount(
  m: Machine,
  pid: number,
  refcount: number,
): void {
  const st = m.nolock;
  if (!st) return;
  const gen = pageAt(m, pid)!.gen;
  const r = findRef(m, pid);
  if (r) r.refcount = refcount;
  else st.pageRefs.push({ page: pid, gen, refcount });
}

/** The entry for the page's current allocation; entries of earlier allocations are dropped. */
function findRef(m: Machine, pid: number): PageRef | undefined {
  const st = m.nolock;
  if (!st) return undefined;
  const gen = pageAt(m, pid)!.gen;
  const stale = st.pageRefs.findIndex((r) => r.page === pid && r.gen !== gen);
  if (stale >= 0) st.pageRefs.splice(stale, 1);
  return st.pageRefs.find((r) => r.page === pid && r.gen === gen);
}

/**
 * A write to `s->defer_free_objects` from `cpu`: the line moves to this CPU's cache, a transfer
 * when another CPU wrote it last (the contention Vlastimil worried about in the review).
 */
export function writeDeferLine(m: Machine, cpu: number): void {
  const line = m.nolock?.deferLine;
  if (!line) return;
  if (line.cpu !== null && line.cpu !== cpu)
    line.transfers[cpu] = (line.transfers[cpu] ?? 0) + 1;
  line.cpu = cpu;
}
