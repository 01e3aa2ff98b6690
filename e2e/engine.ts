/**
 * The engine, run in Node beside the browser: the specs replay the same scenario to the same
 * step and compare what the page shows with the engine's own state there.
 */
import type { Scenario } from "../src/engine";
import { defaultScenario } from "../src/scenarios/library/default";
import { libraryEntry } from "../src/scenarios/library";
import { onFixedKernel } from "../src/scenarios/library/entry";
import { Timeline } from "../src/worker/timeline";
import { LANE } from "../src/worker/panes";

export { defaultScenario };

export function timelineOf(s: Scenario): Timeline {
  return new Timeline(s);
}

/** A library race on its own kernel, and its schedule on the fixed kernel. */
export function raceTimelines(id: string): {
  buggy: Timeline;
  fixed: Timeline;
} {
  const e = libraryEntry(id);
  if (!e?.fixed) throw new Error(`${id} is not a race with a fix`);
  return {
    buggy: new Timeline(e.scenario),
    fixed: new Timeline(onFixedKernel(e)),
  };
}

/** The kernel line an actor runs next at cursor `step`, from the variant's own tables. */
export function nextLine(tl: Timeline, step: number, actor: string): string {
  const a = tl.frame(step).code.find((x) => x.name === actor);
  const top = a?.stack.at(-1);
  if (!top) throw new Error(`${actor} is not in a function at ${step}`);
  return tl.session.variant.fns[top.fn]!.steps[top.pc]!.line;
}

/** How many lane columns show each status for an actor, as the lane's label counts them. */
export function laneCounts(tl: Timeline, actor: string): Map<number, number> {
  const s = tl.summary();
  const id = s.actors.find((a) => a.name === actor)!.id;
  const h = s.history;
  const out = new Map<number, number>();
  for (let c = 0; c < h.columns; c++) {
    const v = h.lanes[id * h.columns + c]!;
    if (v !== LANE.idle) out.set(v, (out.get(v) ?? 0) + 1);
  }
  return out;
}

export { LANE };
