/**
 * Points of the code an actor runs to: the anchors of schedule entries (`A>fn:label+K#N`) and of
 * narration (`{ at: "A>fn:label+K#N" }`). An anchor names a labelled step of a kernel function
 * (without a label, the function's first step; with `+K`, the step K places further down the
 * function's listing: a place in the code, not K steps of execution). An actor is AT it when
 * that step is the next one it would execute: its innermost frame is in `fn` at that step, or it
 * has no frame and its next operation enters `fn` (an operation starts at the first step of its
 * entry function).
 *
 * Occurrences count arrivals: the actor gets to the point from somewhere else, or is there when
 * counting starts. A step that repeats itself (a contended lock's retry) is one arrival.
 */
import { entryOf } from "./machine";
import type { Variant } from "./program";
import { anchorText, parseNarrationAnchor, type Anchor } from "./scenario";
import type { Narration, Scenario } from "./scenario";
import type { Actor, Machine } from "./types";

/** The step an anchor stands for: function and step index; or why the variant has none. */
export function anchorStep(
  v: Variant,
  a: Anchor,
): { fn: string; pc: number } | string {
  const f = v.fns[a.fn];
  if (!f) return `${v.name} has no kernel function ${a.fn}`;
  const base = a.label === null ? 0 : f.labels[a.label];
  if (base === undefined)
    return `${a.fn} has no label ${a.label} in ${v.name} (labels: ${Object.keys(f.labels).join(", ") || "none"})`;
  const pc = base + a.offset;
  if (pc >= f.steps.length)
    return `${anchorText(a)} is past the end of ${a.fn} in ${v.name} (${f.steps.length} steps)`;
  return { fn: a.fn, pc };
}

/**
 * Where an actor is, as a key that changes whenever it moves (operation, frame depth, function,
 * step), and the function and step it would execute next; null when it has nothing left to run.
 */
export function positionOf(
  a: Actor,
  v: Variant,
): { key: string; fn: string; pc: number } | null {
  if (a.status !== "ready") return null;
  const f = a.frames[a.frames.length - 1];
  if (f) return { key: `${a.op}/${a.frames.length}/${f.fn}/${f.pc}`, ...f };
  const op = a.ops[a.op];
  if (!op) return null;
  const fn = entryOf(op, v);
  return { key: `${a.op}/1/${fn}/0`, fn, pc: 0 };
}

/** Counts one actor's arrivals at one step of the code. */
export class ArrivalCounter {
  private last: string | null = null;
  arrivals = 0;
  constructor(
    readonly fn: string,
    readonly pc: number,
  ) {}

  /** Looks at the actor now; true when this look is a new arrival. */
  observe(a: Actor, v: Variant): boolean {
    const p = positionOf(a, v);
    const key = p?.key ?? null;
    const moved = key !== this.last;
    this.last = key;
    if (!p || !moved || p.fn !== this.fn || p.pc !== this.pc) return false;
    this.arrivals++;
    return true;
  }
}

export interface ResolvedNarration {
  /**
   * The numbered entries and the placed anchored ones, in step order; on one step, numbered
   * entries first, then anchored ones in their order.
   */
  narration: Narration[];
  /** Anchored entries the run never places: their index in `anchoredNarration` and why. */
  missed: { index: number; message: string }[];
}

interface Watch {
  index: number;
  actor: string;
  counter: ArrivalCounter;
  occurrence: number;
}

/**
 * Places a scenario's anchored narration on the steps of its run: call `observe` with the
 * machine before the run's first step and after every step (while `pending`), then `result`.
 */
export class NarrationAnchors {
  private readonly watches: Watch[] = [];
  private readonly steps: (number | null)[];
  private readonly missed: { index: number; message: string }[] = [];

  constructor(
    private readonly s: Pick<Scenario, "narration" | "anchoredNarration">,
    private readonly v: Variant,
  ) {
    const anchored = s.anchoredNarration ?? [];
    this.steps = anchored.map(() => null);
    anchored.forEach((n, index) => {
      const p = parseNarrationAnchor(n.at);
      const at = typeof p === "string" ? p : anchorStep(v, p.anchor);
      if (typeof p === "string" || typeof at === "string") {
        this.missed.push({ index, message: `narration "${n.at}": ${at}` });
        return;
      }
      this.watches.push({
        index,
        actor: p.actor,
        counter: new ArrivalCounter(at.fn, at.pc),
        occurrence: p.anchor.occurrence,
      });
    });
  }

  /** True while some anchor is still to be placed. */
  get pending(): boolean {
    return this.watches.length > 0;
  }

  observe(m: Machine): void {
    for (let i = 0; i < this.watches.length; i++) {
      const w = this.watches[i]!;
      const a = m.actors.find((x) => x.name === w.actor);
      if (!a || !w.counter.observe(a, this.v)) continue;
      if (w.counter.arrivals < w.occurrence) continue;
      this.steps[w.index] = m.step;
      this.watches.splice(i--, 1);
    }
  }

  result(): ResolvedNarration {
    const anchored = this.s.anchoredNarration ?? [];
    const missed = [...this.missed];
    for (const w of this.watches)
      missed.push({
        index: w.index,
        message: `narration "${anchored[w.index]!.at}": ${w.actor} does not get there in this run (${w.counter.arrivals} of ${w.occurrence} arrivals)`,
      });
    const narration: Narration[] = [...(this.s.narration ?? [])];
    anchored.forEach((n, i) => {
      const step = this.steps[i];
      if (step !== null && step !== undefined)
        narration.push({ step, text: n.text });
    });
    // Stable: numbered entries keep their order, before anchored ones on the same step.
    narration.sort((a, b) => a.step - b.step);
    return {
      narration,
      missed: missed.sort((a, b) => a.index - b.index),
    };
  }
}
