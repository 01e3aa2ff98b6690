/**
 * The memory layout of `struct kmem_cache_cpu` (include/linux/slub_def.h) on x86_64, for the
 * kernel variants and configs the engine models: field offsets and sizes, and whether
 * `{freelist, tid}` is aligned to 16 bytes as this_cpu_cmpxchg_double() (cmpxchg16b) requires.
 *
 * Models: the field order of v5.14 (no lock), of the local_lock series v4 as posted (`lock`
 * first) and of v5.15 (`lock` after `partial`, the fix for Sven Eckelmann's report); the size of
 * `local_lock_t` from Sebastian Andrzej Siewior's pahole output in the thread (seed 002
 * L7597-7642): !RT 0 bytes without lock debugging and 56 with LOCK_STAT; RT 32 and 144.
 * Simplified: pointers and longs are 8 bytes; the per-cpu area is allocated 16-byte aligned
 * (alloc_kmem_cache_cpus asks for 2 * sizeof(void *)), so only offsets matter; `stat[]`
 * (CONFIG_SLUB_STATS) comes last and is left out.
 */
import type { KernelConfig } from "./types";

export type CpuSlabField = "freelist" | "tid" | "page" | "partial" | "lock";

export interface FieldLayout {
  field: CpuSlabField;
  offset: number;
  size: number;
}

export interface CpuSlabLayout {
  fields: FieldLayout[];
  /** sizeof(struct kmem_cache_cpu) without stat[]. */
  size: number;
  /** Offset of `freelist`, the first word of the cmpxchg16b operand. */
  freelistOffset: number;
  /** `freelist` and `tid` adjacent, in that order, and 16-byte aligned. */
  pairAligned: boolean;
}

export type LayoutConfig = Pick<
  KernelConfig,
  "preemptRt" | "lockdep" | "lockStat" | "cpuPartial"
>;

/** v5.14: no local lock in kmem_cache_cpu. */
export const ORDER_V514: readonly CpuSlabField[] = [
  "freelist",
  "tid",
  "page",
  "partial",
];
/** The v4 series as posted (patch 35): the lock first (seed 002 L3733-3734). */
export const ORDER_LOCK_FIRST: readonly CpuSlabField[] = [
  "lock",
  "freelist",
  "tid",
  "page",
  "partial",
];
/** v5.15: the lock after partial (seed 002 L7876-7888). */
export const ORDER_V515: readonly CpuSlabField[] = [
  "freelist",
  "tid",
  "page",
  "partial",
  "lock",
];

/**
 * sizeof(local_lock_t). Without lock debugging it is empty on !RT (L7620-7630) and an RT
 * spinlock on RT. With debugging it carries a lockdep map (and on RT the rtmutex's own), which
 * CONFIG_LOCK_STAT makes 8 bytes bigger. The seed gives the LOCK_STAT sizes (56, 144); the
 * lockdep-only sizes (48, 128) are derived from the same structures with the two LOCK_STAT
 * fields removed, and are consistent with the report that plain lockdep was not affected
 * (L7851-7852).
 */
export function localLockSize(cfg: LayoutConfig): number {
  const debug = cfg.lockdep || cfg.lockStat;
  if (cfg.preemptRt) return cfg.lockStat ? 144 : debug ? 128 : 32;
  return cfg.lockStat ? 56 : debug ? 48 : 0;
}

function fieldSize(f: CpuSlabField, cfg: LayoutConfig): number {
  return f === "lock" ? localLockSize(cfg) : 8;
}

/** Lays out the fields in `order` (every field is 8-byte aligned; `partial` needs CPU_PARTIAL). */
export function kmemCacheCpuLayout(
  order: readonly CpuSlabField[],
  cfg: LayoutConfig,
): CpuSlabLayout {
  const fields: FieldLayout[] = [];
  let offset = 0;
  for (const field of order) {
    if (field === "partial" && !cfg.cpuPartial) continue;
    const size = fieldSize(field, cfg);
    fields.push({ field, offset, size });
    offset += size;
  }
  const at = (f: CpuSlabField) => fields.find((x) => x.field === f)!.offset;
  const freelistOffset = at("freelist");
  return {
    fields,
    size: offset,
    freelistOffset,
    pairAligned: at("tid") === freelistOffset + 8 && freelistOffset % 16 === 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Each variant's field order is declared in variants.ts (its cpuSlabOrder).

/** Whether {freelist, tid} is 16-byte aligned, by field order and config, computed once each. */
const aligned = new Map<readonly CpuSlabField[], boolean[]>();

export function cpuSlabPairAligned(
  order: readonly CpuSlabField[],
  cfg: LayoutConfig,
): boolean {
  let table = aligned.get(order);
  if (!table) {
    table = [];
    for (let i = 0; i < 8; i++) {
      table.push(
        kmemCacheCpuLayout(order, {
          preemptRt: (i & 4) !== 0,
          lockdep: (i & 2) !== 0,
          lockStat: (i & 1) !== 0,
          cpuPartial: true,
        }).pairAligned,
      );
    }
    aligned.set(order, table);
  }
  const i =
    (cfg.preemptRt ? 4 : 0) + (cfg.lockdep ? 2 : 0) + (cfg.lockStat ? 1 : 0);
  return table[i]!;
}
