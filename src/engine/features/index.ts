/**
 * Every feature module (feature.ts), keyed by its name: a feature without a module does not
 * compile. `FEATURES` is the order the holders and the checked state visit them.
 */
import type { EntryLocals, Feature, OpFinish } from "../feature";
import type { Machine } from "../types";
import type { FeatureName } from "../variants";
import { nolockFeature, type NolockOpKind } from "./nolock";
import { pcaFeature, type PcaOpKind } from "./pca";
import { sheavesFeature, type SheavesOpKind } from "./sheaves";

/** The operations the features add; machine.ts handles the others. */
export type FeatureOpKind = PcaOpKind | NolockOpKind | SheavesOpKind;

export const FEATURE_MODULES = {
  percpuArray: pcaFeature,
  nolock: nolockFeature,
  sheaves: sheavesFeature,
} as const satisfies Record<FeatureName, Feature>;

export const FEATURES: readonly Feature[] = [
  FEATURE_MODULES.percpuArray,
  FEATURE_MODULES.nolock,
  FEATURE_MODULES.sheaves,
];

/** What the features' operations hand to their entry functions (machine.ts). */
export const FEATURE_ENTRY_LOCALS: EntryLocals<FeatureOpKind> = {
  ...pcaFeature.entryLocals,
  ...nolockFeature.entryLocals,
  ...sheavesFeature.entryLocals,
};

/** What the caller does with the features' operations' results. */
export const FEATURE_FINISH: OpFinish<FeatureOpKind> = {
  ...pcaFeature.finish,
  ...nolockFeature.finish,
  ...sheavesFeature.finish,
};

/**
 * Which of `features` (the callers pass `FEATURES`) are active on `m`, as bits in their order. A
 * feature is active from the moment its machine is loaded, so the after-step checks ask each
 * feature once per machine rather than call every feature's `active` on every step.
 */
let activeOf: Machine | null = null;
let activeList: readonly Feature[] | null = null;
let activeBits = 0;
export function activeFeatures(
  m: Machine,
  features: readonly Feature[],
): number {
  if (m !== activeOf || features !== activeList) {
    activeOf = m;
    activeList = features;
    activeBits = 0;
    for (let i = 0; i < features.length; i++)
      if (features[i]!.active(m)) activeBits |= 1 << i;
  }
  return activeBits;
}
