import { describe, expect, it } from "vitest";
import { enabled } from "../engine";
import { library } from "../scenarios/library";
import { parseScenario } from "../scenarios/schema";
import { scenarioAsTaken } from "./takenSchedule";
import { Timeline } from "./timeline";

/** Every choice of the timeline, as text. */
const choices = (tl: Timeline) =>
  Array.from({ length: tl.total }, (_, i) => JSON.stringify(tl.choiceAt(i)));

/** Forks at `step` with the first enabled choice other than the scheduled one; false if none. */
function forkAside(tl: Timeline, step: number): boolean {
  const m = tl.machineAt(step);
  const next = step < tl.total ? tl.choiceAt(step) : null;
  const other = enabled(m).find(
    (c) => c.progress && (c.actor !== next?.actor || c.cpu !== next?.cpu),
  );
  if (!other) return false;
  return tl.fork(step, other.actor, other.cpu).ok;
}

describe("the scenario as taken", () => {
  it("is the scenario itself when nobody forked", () => {
    const tl = new Timeline(library[0]!.scenario);
    expect(scenarioAsTaken(tl)).toBe(tl.session.scenario);
  });

  it.each(library.map((e) => [e.id, e] as const))(
    "%s: reproduces a forked timeline step for step, and validates",
    (_, entry) => {
      const tl = new Timeline(entry.scenario);
      // Up to two forks: the first point from a third of the way in where another actor or
      // CPU could take the step, then the same from two thirds of the new trace.
      const forkFrom = (from: number) => {
        for (let i = from; i < tl.total; i++) if (forkAside(tl, i)) return i;
        return null;
      };
      const a = forkFrom(Math.floor(tl.total / 3)) ?? forkFrom(0);
      if (a === null) {
        // One runnable context at every step (a lone pinned task): nothing to fork.
        expect(scenarioAsTaken(tl)).toBe(tl.session.scenario);
        return;
      }
      forkFrom(Math.floor((tl.total * 2) / 3) + 1);

      const taken = scenarioAsTaken(tl);
      expect(parseScenario(taken).ok).toBe(true);
      const again = new Timeline(taken);
      expect(choices(again)).toEqual(choices(tl));
      expect(again.summary().findings).toEqual(tl.summary().findings);
      expect(again.summary().stopReason).toBe(tl.summary().stopReason);
      // The same state on screen at the fork and at the end.
      for (const i of [a, Math.min(a + 1, tl.total), tl.total]) {
        expect(again.frame(i)).toEqual(tl.frame(i));
      }
      // Narration is cut at the first fork, as the viewer shows it.
      for (const n of taken.narration ?? [])
        expect(n.text === "" || n.step < a).toBe(true);
      // Run-length encoded: no two neighbouring entries name the same thing.
      const names = taken.schedule!.steps.map((e) => e.replace(/\*\d+$/, ""));
      names.forEach((n, i) => expect(n).not.toBe(names[i - 1]));
    },
  );
});
