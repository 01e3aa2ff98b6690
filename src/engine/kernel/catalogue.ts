/**
 * The kernel variants by name, with what a scenario's validation needs to know of each: whether
 * it builds with PREEMPT_RT and whether it has the percpu array cache. Kept apart from the
 * function tables (kernel/index.ts registers those) so that the main thread can validate a
 * scenario, a share link or an editor draft without bundling every kernel: the engine itself
 * runs in the worker. catalogue.test.ts holds this list to the registry.
 */
export interface VariantEntry {
  name: string;
  rtCapable: boolean;
  /** kmem_cache_setup_percpu_array() and the bulk / prefill operations exist (RFC v3). */
  percpuArray: boolean;
}

const v = (name: string, rtCapable = true, percpuArray = false) => ({
  name,
  rtCapable,
  percpuArray,
});

export const VARIANT_CATALOGUE: readonly VariantEntry[] = [
  v("v5.14", false),
  v("v5.15"),
  v("rt-2021-07"),
  v("rt-2021-07-mike-v2"),
  v("rt-2021-07-vlastimil"),
  v("rt-2021-07-bent-up-half"),
  v("rt-2021-07-naive-lock"),
  v("v4"),
  v("v6.15-nolock-noguard"),
  v("v6.15-nolock-v1"),
  v("v6.15-nolock-v1-irqs"),
  v("v6.15-nolock-v1-frozen"),
  v("v6.7-pca-rfc3", true, true),
  v("v6.7-pca-rfc3-fixed", true, true),
];

export function catalogueNames(): string[] {
  return VARIANT_CATALOGUE.map((e) => e.name);
}

export function catalogueEntry(name: string): VariantEntry | undefined {
  return VARIANT_CATALOGUE.find((e) => e.name === name);
}
