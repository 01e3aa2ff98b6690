/**
 * The scenario as the engine reads it (already validated; the schema lives in src/scenarios).
 * A scenario names the kernel and its config, the cache, an optional prepared initial state,
 * the actors with their operations, the schedule, and narration attached to steps.
 */
import type { ActorKind, KernelFix, Op } from "./types";
import type { VariantName } from "./variants";

export const SCENARIO_FORMAT = "slabscope/scenario";
export const SCENARIO_VERSION = 1;

export interface ScenarioKernel {
  variant: VariantName;
  preemptRt?: boolean;
  cpuPartial?: boolean;
  debugVm?: boolean;
  lockdep?: boolean;
  /** CONFIG_LOCK_STAT (default false): changes the layout of kmem_cache_cpu. */
  lockStat?: boolean;
  memcg?: boolean;
  /** CONFIG_KASAN (default false): reports a write to a freed object (op `write`). */
  kasan?: boolean;
  /** slub_debug=P (default false): reports a write to a freed object that is back in its slab. */
  slubDebug?: boolean;
  cpus: number;
  nodes?: number;
  pagePool?: number;
  fixes?: KernelFix[];
}

export interface ScenarioCache {
  name?: string;
  objectSize?: number;
  objects: number;
  cpuPartial?: number;
  minPartial?: number;
  /** `__CMPXCHG_DOUBLE` in s->flags (default true); kmalloc_nolock() needs it. */
  cmpxchgDouble?: boolean;
  /** kmem_cache_setup_percpu_array(s, count): opt in to the percpu array cache (kernel/pca.ts). */
  percpuArray?: { count: number };
}

export interface ScenarioActor {
  name: string;
  kind: ActorKind;
  cpu: number;
  pinned?: boolean;
  ops: Op[];
}

/** An operation applied atomically before step 0, on the given CPU. */
export interface PrepareOp {
  cpu: number;
  op: Op;
}

/**
 * Who takes each micro-step. Each entry is `name`, `name*N` (N steps in a row), `name@C` (run on
 * CPU C, migrating there first) or `name@C*N`. After the list, `rest` says what happens:
 * `round-robin` lets every actor with work take turns until all are done, `stop` ends the run.
 */
export interface ScenarioSchedule {
  steps: string[];
  rest?: "round-robin" | "stop";
}

export interface Narration {
  step: number;
  text: string;
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  version: typeof SCENARIO_VERSION;
  title: string;
  description?: string;
  kernel: ScenarioKernel;
  cache: ScenarioCache;
  prepare?: PrepareOp[];
  actors: ScenarioActor[];
  schedule?: ScenarioSchedule;
  narration?: Narration[];
  cursor?: number;
}

export interface ParsedEntry {
  actor: string;
  cpu: number | null;
  times: number;
}

/** Parses one schedule entry; returns an error message for a malformed one. */
export function parseEntry(e: string): ParsedEntry | string {
  const m = /^([^@*\s]+)(?:@(\d+))?(?:\*(\d+))?$/.exec(e);
  if (!m)
    return `schedule entry "${e}" is not of the form name, name*N, name@CPU or name@CPU*N`;
  const times = m[3] === undefined ? 1 : Number(m[3]);
  if (times < 1 || times > 1_000_000)
    return `schedule entry "${e}": repeat count out of range`;
  return { actor: m[1]!, cpu: m[2] === undefined ? null : Number(m[2]), times };
}
