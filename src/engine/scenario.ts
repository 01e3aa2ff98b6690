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
  /** Nodes with CPUs but no memory (default none). */
  memorylessNodes?: number[];
  /** CONFIG_SLAB_FREELIST_HARDENED (default false). */
  freelistHardened?: boolean;
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
  /**
   * kmem_cache_args.sheaf_capacity: opt in to percpu sheaves of this many objects, on a kernel
   * whose sheaves are opt-in (v6.18, kernel/v6_18.ts). Absent or 0: no sheaves.
   */
  sheafCapacity?: number;
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
 * Who takes each micro-step. Each entry is either counted or anchored to code:
 * - `name`, `name*N` (N steps in a row), `name@C` (run on CPU C, migrating there first) or
 *   `name@C*N`;
 * - `name>fn:label` (run the actor until it is about to execute the step labelled `label` in
 *   kernel function `fn`), `name>fn` (until it is about to execute the first step of `fn`, i.e.
 *   enters it), each with an optional offset `+K` (the step K places further down the listing,
 *   for a point between labels), an optional occurrence `#N` (the N-th time it gets there,
 *   counting the point it is at when the entry starts) and an optional CPU:
 *   `name@C>fn:label+K#N`.
 * After the list, `rest` says what happens: `round-robin` lets every actor with work take turns
 * until all are done, `stop` ends the run. See `Scheduler` (run.ts) for what an anchored entry
 * does when its actor cannot get there.
 */
export interface ScenarioSchedule {
  steps: string[];
  rest?: "round-robin" | "stop";
}

/** Narration shown from a step on (until the next one). */
export interface Narration {
  step: number;
  text: string;
}

/**
 * Narration shown from the step where an actor reaches a point of the code, written like an
 * anchored schedule entry without a CPU: `name>fn:label+K#N` (see ScenarioSchedule). Counted from step 0 of
 * the scenario's own run (a point the actor is at on step 0 is its first occurrence).
 */
export interface AnchoredNarration {
  at: string;
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
  /** Narration on steps, in step order. */
  narration?: Narration[];
  /**
   * Narration on points of the code, placed on the steps where the scenario's own run reaches
   * them and merged with `narration` (after its entries on the same step).
   */
  anchoredNarration?: AnchoredNarration[];
  cursor?: number;
}

/**
 * A point of the code: a labelled step of a kernel function or its first step, or the step
 * `offset` places further down the function's listing (for a point between two labels).
 */
export interface Anchor {
  fn: string;
  /** null: the function's first step (the actor enters it). */
  label: string | null;
  /** Steps down the listing from the label (or the first step); 0 for the labelled step itself. */
  offset: number;
  /** Which arrival counts, from 1. */
  occurrence: number;
}

export interface ParsedEntry {
  actor: string;
  cpu: number | null;
  /** Steps of a counted entry; 0 for an anchored one (it takes as many as it needs). */
  times: number;
  anchor: Anchor | null;
}

const COUNTED = /^([^@*>\s]+)(?:@(\d+))?(?:\*(\d+))?$/;
const ANCHORED =
  /^([^@*>\s]+)(?:@(\d+))?>([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?(?:\+(\d+))?(?:#(\d+))?$/;
const MAX_OFFSET = 10_000;
const MAX_REPEAT = 1_000_000;

/** Parses one schedule entry; returns an error message for a malformed one. */
export function parseEntry(e: string): ParsedEntry | string {
  const m = COUNTED.exec(e);
  if (m) {
    const times = m[3] === undefined ? 1 : Number(m[3]);
    if (times < 1 || times > MAX_REPEAT)
      return `schedule entry "${e}": repeat count out of range`;
    const cpu = m[2] === undefined ? null : Number(m[2]);
    return { actor: m[1]!, cpu, times, anchor: null };
  }
  const a = ANCHORED.exec(e);
  if (a) {
    const offset = a[5] === undefined ? 0 : Number(a[5]);
    if (offset > MAX_OFFSET)
      return `schedule entry "${e}": offset +K out of range (0 to ${MAX_OFFSET})`;
    const occurrence = a[6] === undefined ? 1 : Number(a[6]);
    if (occurrence < 1 || occurrence > MAX_REPEAT)
      return `schedule entry "${e}": occurrence #N out of range (1 to ${MAX_REPEAT})`;
    return {
      actor: a[1]!,
      cpu: a[2] === undefined ? null : Number(a[2]),
      times: 0,
      anchor: { fn: a[3]!, label: a[4] ?? null, offset, occurrence },
    };
  }
  return e.includes(">")
    ? `schedule entry "${e}" is not of the form name>fn:label+K#N (run the actor to a labelled step of kernel function fn; :label, +K, #N and @CPU after the name optional)`
    : `schedule entry "${e}" is not of the form name, name*N, name@CPU or name@CPU*N`;
}

/** Parses a narration anchor (`name>fn:label+K#N`, no CPU); an error message for a malformed one. */
export function parseNarrationAnchor(
  at: string,
): { actor: string; anchor: Anchor } | string {
  const p = parseEntry(at);
  if (typeof p === "string" || p.anchor === null || p.cpu !== null)
    return `narration anchor "${at}" is not of the form name>fn:label+K#N (:label, +K and #N optional)`;
  return { actor: p.actor, anchor: p.anchor };
}

/** `fn:label+K#N`, without the parts that have their default (no label, +0, #1). */
export function anchorText(a: Anchor): string {
  return `${a.fn}${a.label === null ? "" : `:${a.label}`}${a.offset === 0 ? "" : `+${a.offset}`}${a.occurrence === 1 ? "" : `#${a.occurrence}`}`;
}
