/**
 * The kernel variants by name, with what a scenario's validation needs to know of each: whether
 * it builds with PREEMPT_RT and whether it has the percpu array cache. Kept apart from the
 * function tables (kernel/index.ts registers those) so that the main thread can validate a
 * scenario, a share link or an editor draft without bundling every kernel: the engine itself
 * runs in the worker. catalogue.test.ts holds this list to the registry. It also says which later
 * fixes a variant's base release already carries, so a scenario never has to name them.
 */
import type { KernelFix } from "../types";

export interface VariantEntry {
  name: string;
  rtCapable: boolean;
  /** kmem_cache_setup_percpu_array() and the bulk / prefill operations exist (RFC v3). */
  percpuArray: boolean;
  /** Fixes merged before the release this variant builds on (always on for it). */
  baseFixes: readonly KernelFix[];
}

const v = (
  name: string,
  rtCapable = true,
  percpuArray = false,
  baseFixes: readonly KernelFix[] = [],
): VariantEntry => ({ name, rtCapable, percpuArray, baseFixes });

/** The 2022 tid bump in deactivate_slab (merged for v5.19 and stable): every 6.x base has it. */
const SINCE_2022: readonly KernelFix[] = ["tid-on-deactivation"];

export const VARIANT_CATALOGUE: readonly VariantEntry[] = [
  v("v5.14", false),
  v("v5.15"),
  v("rt-2021-07"),
  v("rt-2021-07-lockless-whatif"),
  v("rt-2021-07-mike-v2"),
  v("rt-2021-07-vlastimil"),
  v("rt-2021-07-bent-up-half"),
  v("rt-2021-07-naive-lock"),
  v("v4"),
  v("v6.15-nolock-noguard", true, false, SINCE_2022),
  v("v6.15-nolock-v1", true, false, SINCE_2022),
  v("v6.15-nolock-v1-irqs", true, false, SINCE_2022),
  v("v6.15-nolock-v1-frozen", true, false, SINCE_2022),
  v("v6.7-pca-rfc3", true, true, SINCE_2022),
  v("v6.7-pca-rfc3-fixed", true, true, SINCE_2022),
];

export function catalogueNames(): string[] {
  return VARIANT_CATALOGUE.map((e) => e.name);
}

export function catalogueEntry(name: string): VariantEntry | undefined {
  return VARIANT_CATALOGUE.find((e) => e.name === name);
}

/** The scenario's fixes and those the variant's base release already carries. */
export function fixesFor(
  variant: string,
  fixes: readonly KernelFix[] = [],
): KernelFix[] {
  const base = catalogueEntry(variant)?.baseFixes ?? [];
  return [...fixes, ...base.filter((f) => !fixes.includes(f))];
}
