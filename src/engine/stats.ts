/**
 * SLUB_STATS: `enum stat_item` of mm/slub.h / mm/slub.c (v5.14 / v5.15), in the kernel's order.
 * The engine records each counter per CPU under its sysfs name (/sys/kernel/slab/<cache>/<name>),
 * which is the enum name in lower case, except for the percpu array cache's four counters.
 */
export const STAT_ITEMS = [
  "ALLOC_FASTPATH",
  "ALLOC_SLOWPATH",
  "FREE_FASTPATH",
  "FREE_SLOWPATH",
  "FREE_FROZEN",
  "FREE_ADD_PARTIAL",
  "FREE_REMOVE_PARTIAL",
  "ALLOC_FROM_PARTIAL",
  "ALLOC_SLAB",
  "ALLOC_REFILL",
  "ALLOC_NODE_MISMATCH",
  "FREE_SLAB",
  "CPUSLAB_FLUSH",
  "DEACTIVATE_FULL",
  "DEACTIVATE_EMPTY",
  "DEACTIVATE_TO_HEAD",
  "DEACTIVATE_TO_TAIL",
  "DEACTIVATE_REMOTE_FREES",
  "DEACTIVATE_BYPASS",
  "ORDER_FALLBACK",
  "CMPXCHG_DOUBLE_CPU_FAIL",
  "CMPXCHG_DOUBLE_FAIL",
  "CPU_PARTIAL_ALLOC",
  "CPU_PARTIAL_FREE",
  "CPU_PARTIAL_NODE",
  "CPU_PARTIAL_DRAIN",
  // Percpu array cache RFC v3 (kernel/pca.ts). The RFC puts ALLOC_PCA and FREE_PCA first in the
  // enum; they are appended here so the older counters keep their places.
  "ALLOC_PCA",
  "FREE_PCA",
  "PCA_REFILL",
  "PCA_FLUSH",
  // Percpu sheaves (v7.0, kernel/v7_0.ts): the items 7.0 adds. ALLOC_FASTPATH and FREE_FASTPATH
  // count sheaf hits there, FREE_SLOWPATH only user frees that miss the sheaf.
  "SHEAF_FLUSH",
  "SHEAF_REFILL",
  "SHEAF_ALLOC",
  "SHEAF_FREE",
  "BARN_GET",
  "BARN_GET_FAIL",
  "BARN_PUT",
  "BARN_PUT_FAIL",
  // kfree_rcu() sheaves (v6.18, kernel/v6_18.ts).
  "FREE_RCU_SHEAF",
  "FREE_RCU_SHEAF_FAIL",
  // Sheaf hits on v6.18, which still has the cpu slab and its fast path (7.0 counts them as
  // ALLOC_FASTPATH / FREE_FASTPATH). First in 6.18's enum; appended here.
  "ALLOC_PCS",
  "FREE_PCS",
] as const;

export type StatItem = (typeof STAT_ITEMS)[number];

/** Counters whose sysfs file is not the enum name in lower case (the RFC's STAT_ATTR lines). */
const SYSFS_RENAMED: Partial<Record<StatItem, string>> = {
  ALLOC_PCA: "alloc_cpu_cache",
  FREE_PCA: "free_cpu_cache",
  PCA_REFILL: "cpu_cache_refill",
  PCA_FLUSH: "cpu_cache_flush",
  ALLOC_PCS: "alloc_cpu_sheaf",
  FREE_PCS: "free_cpu_sheaf",
};

const SYSFS = new Map<StatItem, string>(
  STAT_ITEMS.map((s) => [s, SYSFS_RENAMED[s] ?? s.toLowerCase()]),
);

/** The sysfs file name of a counter (`ALLOC_FASTPATH` -> `alloc_fastpath`). */
export function sysfsName(item: StatItem): string {
  return SYSFS.get(item)!;
}
