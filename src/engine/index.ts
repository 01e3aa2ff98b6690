/** The engine's public surface. Everything here is pure and deterministic. */
export { ENGINE_VERSION } from "./version";
export type * from "./types";
export type {
  Scenario,
  ScenarioActor,
  ScenarioKernel,
  ScenarioCache,
  PrepareOp,
  Narration,
  AnchoredNarration,
  Anchor,
  ParsedEntry,
} from "./scenario";
export {
  SCENARIO_FORMAT,
  SCENARIO_VERSION,
  parseEntry,
  parseNarrationAnchor,
  anchorText,
} from "./scenario";
export {
  anchorStep,
  positionOf,
  ArrivalCounter,
  NarrationAnchors,
  type ResolvedNarration,
} from "./anchor";
export {
  load,
  step,
  stepInPlace,
  cloneMachine,
  configOf,
  StepRefused,
  EngineBug,
  applyChoice,
} from "./machine";
export { enabled, choicesFor, choicesInto, stuck, hasWork } from "./scheduler";
export { adoptCheckedState } from "./checks";
export {
  start,
  runSession,
  totalStats,
  completed,
  deadlockFinding,
  deadlockReport,
  Scheduler,
  resolveNarration,
  type Session,
  type RunResult,
  type RunOptions,
} from "./run";
export { buildVariant, kernelTable } from "./kernel";
export {
  VARIANTS,
  VARIANT_NAMES,
  isVariantName,
  variantSpec,
  type VariantName,
  type VariantSpec,
} from "./variants";
export { rng, type Rng } from "./random";
export { fmtObj, pageOf, indexOf } from "./prims";
// What the last step reached (its pages) and whether it wrote actors other than the stepping
// one (schedWrites.n moves): read by the explorer's fingerprint cache, never written there.
export { stepPages } from "./prims";
export { schedWrites } from "./schedWrites";
export {
  visitHolders,
  visitObjectHolders,
  visitSlabHolders,
  holdsFree,
  chainRefs,
  slabChainPages,
  type Holder,
  type ObjectHolder,
  type SlabHolder,
  type HolderVisitor,
} from "./holders";
export { STAT_ITEMS, sysfsName, type StatItem } from "./stats";
export { kmemCacheCpuLayout, type CpuSlabLayout } from "./layout";
