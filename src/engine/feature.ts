/**
 * A mechanism as one module: the state it adds to the machine, the operations it handles, the
 * places it holds objects and slabs in, the part of its state the after-step checks read, and
 * its SLUB_STATS items. The engine's central parts (machine.ts, holders.ts, checkInputs.ts) loop
 * over `FEATURES` (features/index.ts) instead of naming each mechanism, so adding one is a module
 * here plus its kernel tables and its panel.
 *
 * A feature's state is a field of the Machine, present only when the scenario uses it (the
 * machine stays plain JSON). Its holders must be named in the holder union (holders.ts), so the
 * checks and the view describe them; what the feature adds is where they are and what they hold.
 */
import type { HolderVisitor } from "./holders";
import type { Scenario } from "./scenario";
import type { StatItem } from "./stats";
import type { Machine, Op } from "./types";

export interface Feature {
  /** Short name, for messages and tests. */
  name: string;
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
  /** Whether its paths write objects' free pointers directly (not through setFreepointer). */
  writesFreePointers?: boolean;
  /** Its SLUB_STATS items (stats.ts lists them in the kernel's order). */
  stats?: readonly StatItem[];
}
