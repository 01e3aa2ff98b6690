/** kmalloc_nolock's part of the state view (engine/features/nolock.ts). */
import { fmtObj, type Machine } from "../../engine";

/** What kmalloc_nolock() / kfree_nolock() add (May 2025 series), when a scenario uses them. */
export interface NolockView {
  /** The kmalloc size classes; `modelled` is the scenario's cache, drawn object by object. */
  buckets: {
    name: string;
    size: number;
    modelled: boolean;
    allocated: number;
  }[];
  /** `s->defer_free_objects`, newest (the llist head) first. */
  deferred: string[];
  deferredRefs: number[];
  cmpxchgDouble: boolean;
  /** The CPU that last wrote the deferred list's cache line, and per CPU how often it took it. */
  deferLine: { cpu: number | null; transfers: number[] };
  /** `page->_refcount` of the pages the nolock page path and the compaction scanner touched. */
  pageRefs: { page: number; refcount: number }[];
}

export function nolockView(m: Machine): NolockView | null {
  const n = m.nolock;
  if (!n) return null;
  return {
    buckets: n.buckets.map((b) => ({
      name: b.name,
      size: b.size,
      modelled: b.modelled,
      allocated: b.allocated,
    })),
    deferred: n.deferFreeObjects.map((x) => fmtObj(m, x)),
    deferredRefs: [...n.deferFreeObjects],
    cmpxchgDouble: n.cmpxchgDouble,
    deferLine: { cpu: n.deferLine.cpu, transfers: [...n.deferLine.transfers] },
    // An entry of an earlier life of the page (its `gen`) no longer says anything.
    pageRefs: n.pageRefs
      .filter((r) => m.pages[r.page]?.gen === r.gen)
      .map((r) => ({ page: r.page, refcount: r.refcount })),
  };
}
