/**
 * The opt-in percpu array cache (RFC v3, kernel/pca.ts) as a feature: `Machine.pca`, one
 * `struct slub_percpu_array` per CPU when the cache set one up (kmem_cache_setup_percpu_array),
 * each holding objects that count as allocated as far as their slabs know.
 */
import type { FeatureModule } from "../feature";
import type { ObjectHolder } from "../holderTypes";
import type { Machine } from "../types";
import { pcaEntryLocals, type PcaOpKind } from "./pcaOps";

export type { PcaOpKind } from "./pcaOps";

/** Holder values, one per CPU, shared between visits. */
const arrayHolders: ObjectHolder[] = [];

function arrayHolder(cpu: number): ObjectHolder {
  return (arrayHolders[cpu] ??= { kind: "pcaArray", cpu });
}

export const pcaFeature: FeatureModule<PcaOpKind> = {
  name: "percpuArray",
  title: "percpu array",
  init(m, s) {
    // kmem_cache_setup_percpu_array(s, count): every CPU's array starts empty and unlocked.
    const count = s.cache.percpuArray?.count;
    if (count !== undefined)
      m.pca = m.cpus.map(() => ({ lock: null, count, used: 0, objects: [] }));
  },
  active: (m) => m.pca !== undefined,
  ops: ["allocBulk", "freeBulk", "prefill", "write"],
  entryLocals: {
    allocBulk: pcaEntryLocals,
    freeBulk: pcaEntryLocals,
    prefill: pcaEntryLocals,
    write: pcaEntryLocals,
  },
  objectHolders(m, v) {
    const pca = m.pca!;
    for (let c = 0; c < pca.length; c++)
      v.objects(arrayHolder(c), pca[c]!.objects);
  },
  checkedLists: {
    count: (m: Machine) => m.pca!.length,
    list: (m: Machine, i: number) => m.pca![i]!.objects,
  },
  // Objects pushed into or taken from an array get USER_DATA written over their free pointer.
  writesFreePointers: true,
  stats: ["ALLOC_PCA", "FREE_PCA", "PCA_REFILL", "PCA_FLUSH"],
};
