/**
 * Step programs: how kernel functions are written for the engine.
 *
 * A kernel function is a table of labelled micro-steps. One micro-step performs exactly one
 * atomic action on shared state (a read or write, a cmpxchg, a lock operation, an irq / preempt /
 * migrate toggle, a page allocator call), may compute on the frame's locals, and then says where
 * control goes: fall through, `goto` a label, `call` another function, `return`, or `retry` the
 * same step (a contended lock). The frame itself (`fn`, `pc`, locals) is plain data; the step
 * bodies live here in code, so a state never holds a closure.
 */
import type {
  Actor,
  Frame,
  HookSite,
  Locals,
  Machine,
  StepEvent,
  Value,
} from "./types";
import type { VariantName, VariantSpec } from "./variants";

export type Next =
  | undefined
  | { readonly kind: "goto"; readonly label: string }
  | {
      readonly kind: "call";
      readonly fn: string;
      readonly args: Locals;
    }
  | { readonly kind: "return"; readonly value: Value }
  | { readonly kind: "retry" }
  | { readonly kind: "halt" };

/** Execution context handed to a step body. Reused between steps: never stored in state. */
export interface K {
  m: Machine;
  a: Actor;
  f: Frame;
  /** The frame's locals. */
  L: Locals;
  /** The CPU the actor runs on for this step. */
  cpu: number;
  ev: StepEvent;
  /**
   * Whether the step's event gets its details, the cost record (`ev.cost`) and the lists of stats
   * and notes: false when the caller reads only its outcome, opStart, opEnd and findings (a run
   * without a step callback, the explorer).
   */
  detail: boolean;
  variant: Variant;
}

/**
 * Steps that variants built on a base function override or splice at, declared where the step
 * is defined:
 * - "destroyReport": kmem_cache_destroy's "still has objects" report (the percpu array RFC names
 *   the objects stranded in the arrays there);
 * - "cpuDeadFlush": slub_cpu_dead's flush of the dead CPU's slabs (the array fix flushes the
 *   CPU's array ahead of it);
 * - "flushLockUnlock": flush_all_cpus_locked's closing unlock of flush_lock (v4 reuses the
 *   queue-and-wait part before it).
 */
export type StepSite = "destroyReport" | "cpuDeadFlush" | "flushLockUnlock";

export interface StepDef {
  label?: string;
  /** The kernel line this step stands for, paraphrased. */
  line: string;
  /** A tracepoint or kprobe site on this step (see HookSite): found by this, never by the line. */
  hook?: HookSite;
  /** A step other variants override or splice at (see StepSite): found by this, never by the line. */
  site?: StepSite;
  run: (k: K) => Next;
  /**
   * For a step that calls: runs when the callee returns, inside the callee's last micro-step.
   * It may only look at locals and the returned value (no shared state), and says where the
   * caller goes next (default: the following step).
   */
  after?: (k: K, value: Value) => Next;
  /**
   * Functions the step may call through a name it computes (`call(name)` with a variable):
   * declared so that its listing names them. Calls by a literal name need no declaration.
   */
  calls?: readonly string[];
}

export interface KernelFn {
  name: string;
  steps: readonly StepDef[];
  labels: Readonly<Record<string, number>>;
}

/** A variant's kernel functions, by name. */
export type FnTable = Readonly<Record<string, KernelFn>>;

/** A kernel variant as built for one config: its spec and its table of functions. */
export interface Variant {
  /** The variant's name with the config's flags (`+rt`, `-cpu_partial`), for display. */
  name: string;
  /** The variant it is built from. */
  base: VariantName;
  spec: VariantSpec;
  fns: FnTable;
}

export function fn(name: string, steps: StepDef[]): KernelFn {
  const labels: Record<string, number> = {};
  steps.forEach((s, i) => {
    if (s.label !== undefined) {
      if (labels[s.label] !== undefined)
        throw new Error(`${name}: duplicate label ${s.label}`);
      labels[s.label] = i;
    }
  });
  return { name, steps, labels };
}

/** A function table composed by overriding a base table. */
export function override(
  base: FnTable,
  overrides: readonly KernelFn[],
): FnTable {
  const fns: Record<string, KernelFn> = { ...base };
  for (const f of overrides) fns[f.name] = f;
  return fns;
}

export function table(fns: readonly KernelFn[]): Record<string, KernelFn> {
  const t: Record<string, KernelFn> = {};
  for (const f of fns) t[f.name] = f;
  return t;
}

const gotoCache = new Map<string, Next>();
export function goto(label: string): Next {
  let g = gotoCache.get(label);
  if (!g) {
    g = { kind: "goto", label };
    gotoCache.set(label, g);
  }
  return g;
}

/**
 * A call of `fnName` with `args`, which become the callee's locals: build them afresh at each
 * call (never pass an object that is kept elsewhere, such as the caller's own locals).
 */
export function call(fnName: string, args: Locals = {}): Next {
  return { kind: "call", fn: fnName, args };
}

export function ret(value: Value = null): Next {
  return { kind: "return", value };
}

export const RETRY: Next = { kind: "retry" };
export const HALT: Next = { kind: "halt" };

/**
 * A step dereferenced a NULL pointer held in local `local`: in the kernel an oops, which kills
 * the context. Thrown by `num` and caught by the stepper, which reports the finding `oops` and
 * stops the actor (as BUG() does): a race that leaves a pointer NULL is the kernel's failure,
 * not the engine's.
 */
export class NullDereference extends Error {
  constructor(readonly local: string) {
    super(`local ${local} is NULL`);
  }
}

/**
 * Typed accessors for locals (locals are plain JSON values). `num` reads a pointer or a count
 * the step is about to use: NULL there is a NULL pointer dereference.
 */
export function num(L: Locals, name: string): number {
  const v = L[name];
  if (v === null) throw new NullDereference(name);
  if (typeof v !== "number")
    throw new Error(`local ${name} is not a number: ${String(v)}`);
  return v;
}
export function ref(L: Locals, name: string): number | null {
  const v = L[name];
  if (v === null || v === undefined) return null;
  if (typeof v !== "number")
    throw new Error(`local ${name} is not a reference: ${String(v)}`);
  return v;
}
export function bool(L: Locals, name: string): boolean {
  return L[name] === true;
}
