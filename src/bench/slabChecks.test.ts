import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyScenario } from "./scenarios";
import { library } from "../scenarios/library";
import { onFixedKernel } from "../scenarios/library/entry";
import { runSession, start } from "../engine/run";
import { checkKeptSlabChecks } from "../engine/checks";
import type { Scenario, ScenarioKernel } from "../engine/scenario";
import { randomScenario } from "../engine/test/helpers";

// After a step that moved no slab, the slab checks run again on the pages the step reached
// only (checks.ts `slabChecksOfReached`). With the self-check on, each such check is followed
// by a full one and their problems compared: a page whose problems changed without the step
// reaching it, or a place that moved without `placesSame` seeing it, throws here.

beforeAll(() => checkKeptSlabChecks(true));
afterAll(() => checkKeptSlabChecks(false));

/** Runs `s` with the checks on under `seeds` random schedules; returns the steps taken in all. */
function runSeeds(s: Scenario, seeds: number): number {
  let steps = 0;
  for (let seed = 1; seed <= seeds; seed++)
    steps += runSession(start(s), { seed, maxSteps: 5_000 }).steps;
  return steps;
}

describe("the slab checks of the reached pages equal a full slab check", () => {
  it.each(library.map((e) => [e.id, e] as const))(
    "on library scenario %s, as scripted and at random, and its fixed kernel",
    (_id, e) => {
      expect(runSession(start(e.scenario)).steps).toBeGreaterThan(0);
      const scenarios = [e.scenario, ...(e.fixed ? [onFixedKernel(e)] : [])];
      for (const s of scenarios)
        expect(runSeeds({ ...s, schedule: undefined }, 12)).toBeGreaterThan(0);
    },
  );

  const kernels: Partial<ScenarioKernel>[] = [
    { variant: "v5.14" },
    { variant: "v5.15" },
    { variant: "v5.15", preemptRt: true },
    { variant: "v6.8" },
    { variant: "v6.18" },
    { variant: "v7.0", preemptRt: true },
  ];
  it.each(kernels)("on random scenarios on %o", (kernel) => {
    for (let seed = 1; seed <= 40; seed++)
      runSeeds(randomScenario(seed, kernel), 3);
  });

  it.each([1, 4, 8])("on the busy benchmark at %i CPUs", (cpus) => {
    expect(runSeeds(busyScenario(cpus, 3), 3)).toBeGreaterThan(1000);
  });
});
