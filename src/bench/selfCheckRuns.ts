/**
 * The runs the engine's self-checks are held to (each turns its check on around them): every
 * library scenario and its fixed kernel under random schedules, random scenarios on the kernels
 * of each era, v6.8 without cmpxchg_double, and the busy benchmark. A self-check throws at the
 * first step where what it keeps differs from a fresh count, which fails the test.
 * Used by schedulerCounts.test.ts and slabChecks.test.ts.
 */
import { expect, it } from "vitest";
import { busyScenario } from "./scenarios";
import { library } from "../scenarios/library";
import { onFixedKernel } from "../scenarios/library/entry";
import { runSession, start } from "../engine/run";
import type { Scenario, ScenarioKernel } from "../engine/scenario";
import { randomScenario } from "../engine/test/helpers";

/** Runs `s` under `seeds` random schedules (`start` with `checks`); returns the steps taken in all. */
function runSeeds(s: Scenario, seeds: number, checks: boolean): number {
  let steps = 0;
  for (let seed = 1; seed <= seeds; seed++)
    steps += runSession(start(s, { checks }), { seed, maxSteps: 5_000 }).steps;
  return steps;
}

const KERNELS: Partial<ScenarioKernel>[] = [
  { variant: "v5.14" },
  { variant: "v5.15" },
  { variant: "v5.15", preemptRt: true },
  { variant: "v6.8" },
  { variant: "v6.18" },
  { variant: "v7.0", preemptRt: true },
];

/** Declares the tests of the runs above; `checks` is `start`'s option (what the two tests always passed). */
export function selfCheckRuns(checks: boolean): void {
  it.each(library.map((e) => [e.id, e] as const))(
    "on library scenario %s and its fixed kernel",
    (_id, e) => {
      // The scripted schedule dropped: the random scheduler picks every step.
      const scenarios = [e.scenario, ...(e.fixed ? [onFixedKernel(e)] : [])];
      for (const s of scenarios)
        expect(
          runSeeds({ ...s, schedule: undefined }, 12, checks),
        ).toBeGreaterThan(0);
    },
  );

  it.each(KERNELS)("on random scenarios on %o", (kernel) => {
    for (let seed = 1; seed <= 40; seed++)
      runSeeds(randomScenario(seed, kernel), 3, checks);
  });

  // Without cmpxchg_double, v6.8 takes the slab's bit spinlock (slab_lock) around its updates.
  it.each(["v6.8", "v6.8-next-2023-11"] as const)(
    "on random scenarios on %s without cmpxchg_double",
    (variant) => {
      for (let seed = 1; seed <= 40; seed++) {
        const s = randomScenario(seed, { variant });
        runSeeds(
          { ...s, cache: { ...s.cache, cmpxchgDouble: false } },
          3,
          checks,
        );
      }
    },
  );

  it.each([1, 4, 8])("on the busy benchmark at %i CPUs", (cpus) => {
    expect(runSeeds(busyScenario(cpus, 3), 3, checks)).toBeGreaterThan(1000);
  });
}
