/**
 * A mechanism as one module: the state it adds to the machine, the operations it handles, the
 * places it holds objects and slabs in, the part of its state the after-step checks read, its
 * invariants and its SLUB_STATS items. The engine's central parts (machine.ts, holders.ts,
 * checks.ts, checkInputs.ts) loop over `FEATURES` (features/index.ts) instead of naming each
 * mechanism, so adding one is a module here plus its kernel tables, its view (worker/features/)
 * and its panel (ui/features/).
 *
 * A feature's state is a field of the Machine, present only when the scenario uses it (the
 * machine stays plain JSON). Its holders must be named in the holder union (holders.ts), so the
 * checks and the view describe them; what the feature adds is where they are and what they hold.
 */
import type { HolderVisitor } from "./holderTypes";
import type { K } from "./program";
import type { Scenario } from "./scenario";
import type { StatItem } from "./stats";
import type { FindingCode, Locals, Machine, ObjRef, Op, Value } from "./types";
import type { FeatureName } from "./variants";

/** What each operation of `Kinds` hands to its entry function (or a note: nothing to do). */
export type EntryLocals<Kinds extends Op["kind"]> = {
  [Kind in Kinds]: (k: K, op: Extract<Op, { kind: Kind }>) => Locals | string;
};

/** What the caller does with the result of operations of `Kinds` when they return. */
export type OpFinish<Kinds extends Op["kind"]> = {
  [Kind in Kinds]?: (
    k: K,
    op: Extract<Op, { kind: Kind }>,
    value: Value,
  ) => void;
};

/** A state finding from a feature's invariants, reported through the checks' path. */
export type FoundProblem = (
  code: FindingCode,
  message: string,
  slabs: number[],
  objects: ObjRef[],
) => void;

/** A feature as the central parts see it (`FEATURES`). */
export interface Feature {
  /** Its key: the `VariantFeatures` flag of the variants whose tables have it. */
  name: FeatureName;
  /** Words for messages and tests. */
  title: string;
  /** Sets its state up on a machine being loaded from `s` (leaves it absent when unused). */
  init(m: Machine, s: Scenario): void;
  /** Whether `m` uses it (its state is present). */
  active(m: Machine): boolean;
  /** The operations it adds (their entry functions are in its kernel tables). */
  ops: readonly Op["kind"][];
  /**
   * Visits the holders of objects it keeps, in a fixed order (holders.ts calls this in its place
   * among the others, for every active feature).
   */
  objectHolders?(m: Machine, v: HolderVisitor): void;
  /**
   * The lists of objects of its state that the checks read, for their dirty tracking
   * (checkInputs.ts): how many, and each by index (read without allocating: this runs after
   * every step).
   */
  checkedLists?: {
    count(m: Machine): number;
    list(m: Machine, i: number): readonly number[];
  };
  /**
   * Its invariants, run with the after-step checks (checks.ts) on an active machine; problems go
   * through `found` and are reported once while they last, like the core's. The checks skip
   * steps that change nothing they read, so what this reads must be in `checkedLists` or in
   * the core state.
   */
  check?(m: Machine, found: FoundProblem): void;
  /**
   * Whether its paths write objects' free pointers directly (not through setFreepointer). Kept
   * as a declaration: the checks now compare the free pointers of every page a step reached
   * (prims.ts `pageAt`), so such writes must reach their page through `pageAt`.
   */
  writesFreePointers?: boolean;
  /** Its SLUB_STATS items (stats.ts lists them in the kernel's order). */
  stats?: readonly StatItem[];
}

/** A feature module: a `Feature` with the handling of its operations, `Kinds`. */
export interface FeatureModule<Kinds extends Op["kind"]> extends Feature {
  ops: readonly Kinds[];
  /** What each of its operations hands to its entry function (machine.ts). */
  entryLocals: EntryLocals<Kinds>;
  /** What the caller does with its operations' results (none: nothing). */
  finish?: OpFinish<Kinds>;
}
