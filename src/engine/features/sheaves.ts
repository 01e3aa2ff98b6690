/**
 * The percpu sheaves and node barns (v7.0, kernel/v7_0.ts; v6.18, kernel/v6_18.ts) as a feature:
 * `Machine.sheaves`, set up on a kernel that has them: for every cache on 7.0, for a cache that
 * opted in with a sheaf capacity on 6.18 (absent otherwise: `s->cpu_sheaves` is NULL). Each CPU has a main and a spare
 * sheaf under a local trylock; each node has a barn of full and empty sheaves. Objects in a
 * sheaf count as allocated as far as their slabs know, as in the percpu array.
 */
import { sheafCapacityFor } from "../cacheSize";
import type { FeatureModule } from "../feature";
import type { ObjectHolder } from "../holderTypes";
import type { Machine, Sheaf, SheavesState } from "../types";
import { freeLocals, storeAllocation } from "../slots";
import { variantSpec } from "../variants";

/**
 * The barn limits. The kernel's MAX_FULL_SHEAVES and MAX_EMPTY_SHEAVES are 10; the model's
 * machines have a few slabs, so its barns hold at most 2 of each.
 */
export const BARN_MAX = 2;

/** calculate_sheaf_capacity() for the machine's cache (cacheSize.ts). */
export function sheafCapacity(m: Machine): number {
  return sheafCapacityFor(m.cache.cpuPartial, m.cache.objects);
}

/** A new, empty sheaf (alloc_empty_sheaf). */
export function newSheaf(st: SheavesState, owner: number | null): Sheaf {
  const sh: Sheaf = { id: st.sheaves.length, objects: [], owner, freed: false };
  st.sheaves.push(sh);
  return sh;
}

const mainH: ObjectHolder[] = [];
const spareH: ObjectHolder[] = [];
const barnH: ObjectHolder[] = [];
const ownerH: ObjectHolder[] = [];

/** The placement list the checks record (scratch, reused). */
const placement: number[] = [];

function placementList(st: SheavesState): number[] {
  let i = 0;
  for (const p of st.pcs) {
    placement[i++] = p.main;
    placement[i++] = p.spare ?? -1;
  }
  for (const b of st.barns) {
    placement[i++] = b.full.length;
    for (const id of b.full) placement[i++] = id;
    placement[i++] = b.empty.length;
    for (const id of b.empty) placement[i++] = id;
  }
  for (const sh of st.sheaves) placement[i++] = sh.owner ?? -1;
  if (st.rcu) {
    for (const id of st.rcu.free) placement[i++] = id ?? -1;
    placement[i++] = st.rcu.pending.length;
    for (const id of st.rcu.pending) placement[i++] = id;
    placement[i++] = st.rcu.queued.length;
    for (const o of st.rcu.queued) placement[i++] = o;
  }
  placement.length = i;
  return placement;
}

/** The operations of the kfree_rcu() sheaves (v6.18). */
export type SheavesOpKind =
  | "kfreeRcu"
  | "kvfreeRcuBarrier"
  | "rcuGracePeriod"
  | "prefillSheaf"
  | "allocFromSheaf"
  | "returnSheaf";

const rcuH: ObjectHolder[] = [];
const pendingH: ObjectHolder = { kind: "rcuPending" };

export const sheavesFeature: FeatureModule<SheavesOpKind> = {
  name: "sheaves",
  title: "percpu sheaves",
  init(m, s) {
    // init_percpu_sheaves() and init_kmem_cache_nodes(): an empty main sheaf per CPU, no spare,
    // an empty barn per node.
    const spec = variantSpec(m.config.kernel);
    if (!spec.features.sheaves) return;
    // v6.18: only a cache created with kmem_cache_args.sheaf_capacity has s->cpu_sheaves.
    const capacity = spec.sheavesOptIn
      ? (s.cache.sheafCapacity ?? 0)
      : sheafCapacity(m);
    if (capacity === 0) return;
    const st: SheavesState = {
      capacity,
      maxFull: BARN_MAX,
      maxEmpty: BARN_MAX,
      sheaves: [],
      pcs: [],
      barns: Array.from({ length: m.config.nodes }, () => ({
        lock: null,
        full: [],
        empty: [],
      })),
    };
    for (let c = 0; c < m.cpus.length; c++)
      st.pcs.push({ lock: null, main: newSheaf(st, null).id, spare: null });
    if (spec.kfreeRcuSheaf === true)
      st.rcu = { free: m.cpus.map(() => null), pending: [], queued: [] };
    m.sheaves = st;
  },
  active: (m) => m.sheaves !== undefined,
  ops: [
    "kfreeRcu",
    "kvfreeRcuBarrier",
    "rcuGracePeriod",
    "prefillSheaf",
    "allocFromSheaf",
    "returnSheaf",
  ],
  entryLocals: {
    kfreeRcu: (k, op) => freeLocals(k, op, "kfree_rcu", 1),
    kvfreeRcuBarrier: () => ({}),
    rcuGracePeriod: () => ({}),
    prefillSheaf: (_k, op) => ({ size: op.count, gfp: "GFP_KERNEL" }),
    allocFromSheaf: () => ({ gfp: "GFP_KERNEL" }),
    returnSheaf: () => ({ gfp: "GFP_KERNEL" }),
  },
  finish: {
    allocFromSheaf: (k, op, v) => storeAllocation(k, op.slot, v),
    // The object is RCU-freed from here on: kvfree_rcu_barrier() must see it freed.
    kfreeRcu: (k, _op, v) => {
      const rcu = k.m.sheaves?.rcu;
      if (rcu && typeof v === "number") rcu.queued.push(v);
    },
  },
  objectHolders(m, v) {
    const st = m.sheaves!;
    for (let c = 0; c < st.pcs.length; c++) {
      const p = st.pcs[c]!;
      v.objects(
        (mainH[c] ??= { kind: "sheaf", cpu: c, which: "main" }),
        st.sheaves[p.main]!.objects,
      );
      if (p.spare !== null)
        v.objects(
          (spareH[c] ??= { kind: "sheaf", cpu: c, which: "spare" }),
          st.sheaves[p.spare]!.objects,
        );
    }
    for (let n = 0; n < st.barns.length; n++) {
      const h = (barnH[n] ??= { kind: "barn", node: n });
      for (const id of st.barns[n]!.full) v.objects(h, st.sheaves[id]!.objects);
      for (const id of st.barns[n]!.empty)
        v.objects(h, st.sheaves[id]!.objects);
    }
    if (st.rcu) {
      for (let c = 0; c < st.rcu.free.length; c++) {
        const id = st.rcu.free[c];
        if (id !== null && id !== undefined)
          v.objects(
            (rcuH[c] ??= { kind: "rcuSheaf", cpu: c }),
            st.sheaves[id]!.objects,
          );
      }
      for (const id of st.rcu.pending)
        v.objects(pendingH, st.sheaves[id]!.objects);
    }
    for (const sh of st.sheaves)
      if (sh.owner !== null)
        v.objects(
          (ownerH[sh.owner] ??= { kind: "sheafInFlight", actor: sh.owner }),
          sh.objects,
        );
  },
  checkedLists: {
    count: (m: Machine) => m.sheaves!.sheaves.length + 1,
    list: (m: Machine, i: number) => {
      const st = m.sheaves!;
      return i < st.sheaves.length ? st.sheaves[i]!.objects : placementList(st);
    },
  },
  // Objects pushed into a sheaf keep the caller's data over their free pointer.
  writesFreePointers: true,
  stats: [
    "SHEAF_FLUSH",
    "SHEAF_REFILL",
    "SHEAF_ALLOC",
    "SHEAF_FREE",
    "BARN_GET",
    "BARN_GET_FAIL",
    "BARN_PUT",
    "BARN_PUT_FAIL",
    "FREE_RCU_SHEAF",
    "FREE_RCU_SHEAF_FAIL",
  ],
};
