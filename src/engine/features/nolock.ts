/**
 * kmalloc_nolock() / kfree_nolock() and the compaction scanner (May 2025 series, kernel/nolock.ts)
 * as a feature: `Machine.nolock`, the kmalloc size classes, the cache's deferred free list
 * (`s->defer_free_objects`, whose objects count as allocated as far as their slabs know) and the
 * page refcounts the nolock page path and the scanner race on.
 */
import type { FeatureModule } from "../feature";
import type { ObjectHolder } from "../holderTypes";
import { KMALLOC_SIZES } from "../kernel/kmalloc";
import { OP_KINDS } from "../opKinds";
import type { Scenario } from "../scenario";
import { freeLocals, storeAllocation } from "../slots";
import type { NolockState } from "../types";

/** kmalloc_nolock's operations. */
export type NolockOpKind =
  "kmallocNolock" | "kfreeNolock" | "isolateMigratepages";

/** Whether a scenario uses kmalloc_nolock, kfree_nolock or the compaction scanner. */
export function usesNolock(s: Scenario): boolean {
  const ops = [
    ...s.actors.flatMap((a) => a.ops),
    ...(s.prepare ?? []).map((p) => p.op),
  ];
  return (
    ops.some(
      (o) =>
        OP_KINDS[o.kind].needs === "nolock" ||
        (o.kind === "alloc" && o.reenter !== undefined),
    ) || s.actors.some((a) => a.kind === "kcompactd")
  );
}

/** The nolock state at load: the size classes with the machine's cache as one of them. */
export function nolockState(s: Scenario): NolockState {
  const own = s.cache.objectSize ?? 64;
  const sizes = [...new Set<number>([...KMALLOC_SIZES, own])].sort(
    (a, b) => a - b,
  );
  return {
    buckets: sizes.map((size) => ({
      name:
        size === own ? (s.cache.name ?? `kmalloc-${size}`) : `kmalloc-${size}`,
      size,
      modelled: size === own,
      allocated: 0,
    })),
    deferFreeObjects: [],
    cmpxchgDouble: s.cache.cmpxchgDouble ?? true,
    pageRefs: [],
    deferLine: {
      cpu: null,
      transfers: Array.from({ length: s.kernel.cpus }, () => 0),
    },
  };
}

const DEFER_FREE: ObjectHolder = { kind: "deferFree" };

export const nolockFeature: FeatureModule<NolockOpKind> = {
  name: "nolock",
  title: "kmalloc_nolock",
  init(m, s) {
    if (usesNolock(s)) m.nolock = nolockState(s);
  },
  active: (m) => m.nolock !== undefined,
  ops: ["kmallocNolock", "kfreeNolock", "isolateMigratepages"],
  entryLocals: {
    kmallocNolock: (_, op) => ({
      size: op.size,
      gfp: "GFP_ATOMIC",
      node: null,
    }),
    // kfree_nolock passes cnt == 0 to do_slab_free to say who is calling.
    kfreeNolock: (k, op) => freeLocals(k, op, "kmem_cache_free", 0),
    isolateMigratepages: (_, op) => ({ pfn: op.pfn }),
  },
  finish: {
    // A string result: served from a bucket that is not modelled object by object.
    kmallocNolock: (k, op, value) => storeAllocation(k, op.slot, value),
  },
  objectHolders(m, v) {
    v.objects(DEFER_FREE, m.nolock!.deferFreeObjects);
  },
  // The deferred list is what the checks read of its state (its free pointer writes reach
  // their page through pageAt like the core's).
  checkedLists: {
    count: () => 1,
    list: (m) => m.nolock!.deferFreeObjects,
  },
};
