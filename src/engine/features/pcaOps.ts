/**
 * What the caller hands to the percpu array cache's entry points (kernel/pca.ts):
 * kmem_cache_alloc_bulk(s, gfp, size, p), kmem_cache_free_bulk(s, size, p) and
 * kmem_cache_prefill_percpu_array(s, count, gfp). The caller's array `p` is a slot. Also the
 * caller's own write through a pointer (op `write`), for the KASAN and slub_debug contrast.
 */
import type { K } from "../program";
import {
  doubleFreeMessage,
  indexOf,
  isHardContext,
  ownObject,
  pageOf,
  report,
  pageAt,
} from "../prims";
import type { Gfp, Locals, Op, ObjRef } from "../types";
import { USER_DATA } from "../types";
import { slotToRead, slotToWrite } from "../slots";

/** The percpu array cache's operations. */
export type PcaOpKind = "allocBulk" | "freeBulk" | "prefill" | "write";
type PcaOp = Extract<Op, { kind: PcaOpKind }>;

/** Entry locals for a bulk or prefill operation, or a note when there is nothing to do. */
export function pcaEntryLocals(k: K, op: PcaOp): Locals | string {
  const m = k.m;
  const gfp = (g: Gfp | undefined): Gfp =>
    g ?? (isHardContext(m, k.a) ? "GFP_ATOMIC" : "GFP_KERNEL");
  switch (op.kind) {
    case "allocBulk":
      return { slot: op.slot, size: op.count, gfp: gfp(op.gfp) };
    case "prefill":
      return { count: op.count, gfp: gfp(op.gfp) };
    case "write": {
      const slot = slotToRead(m, op.slot) ?? [];
      const entry = slot[slot.length - 1];
      if (entry === undefined)
        return `slot ${op.slot} is empty: nothing to write to`;
      // A kept (dangling) pointer, see machine.ts dangling().
      return { obj: entry >= 0 ? entry : -entry - 2 };
    }
    case "freeBulk": {
      // The caller's array: the slot's `count` newest objects, oldest first.
      const slot = slotToWrite(m, op.slot) ?? [];
      const taken = slot.splice(Math.max(0, slot.length - op.count));
      if (taken.length === 0)
        return `slot ${op.slot} is empty: nothing to free`;
      const p: ObjRef[] = [];
      for (const entry of taken) {
        // A kept (dangling) pointer, see machine.ts dangling(): the object was freed already.
        const obj = entry >= 0 ? entry : -entry - 2;
        const pid = pageOf(m, obj);
        const page = pageAt(m, pid)!;
        if (
          entry < 0 ||
          page.use !== "slab" ||
          page.fp[indexOf(m, obj)] !== USER_DATA
        ) {
          // Simplified: the bulk free reports it and leaves the object out of the batch.
          report(
            k,
            "double-free",
            doubleFreeMessage(k, "kmem_cache_free_bulk", obj),
            [pid],
            [obj],
          );
          continue;
        }
        ownObject(k, obj);
        p.push(obj);
      }
      if (p.length === 0) return `nothing left in the batch to free`;
      return { p, size: p.length };
    }
  }
}
