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
} from "./scenario";
export { SCENARIO_FORMAT, SCENARIO_VERSION, parseEntry } from "./scenario";
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
export { enabled, choicesFor, stuck, hasWork } from "./scheduler";
export {
  start,
  runSession,
  totalStats,
  completed,
  deadlockReport,
  Scheduler,
  type Session,
  type RunResult,
  type RunOptions,
} from "./run";
export {
  buildVariant,
  variantNames,
  variantInfo,
  registerVariant,
} from "./kernel";
export { rng, type Rng } from "./random";
export { fmtObj, pageOf, indexOf } from "./prims";
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
export {
  cpuSlabOrderOf,
  kmemCacheCpuLayout,
  type CpuSlabLayout,
} from "./layout";
