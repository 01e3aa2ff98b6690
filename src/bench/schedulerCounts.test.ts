import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyScenario } from "./scenarios";
import { library } from "../scenarios/library";
import { onFixedKernel } from "../scenarios/library/entry";
import { runSession, start } from "../engine/run";
import { checkSchedulerCounts } from "../engine/scheduler";
import type { Scenario, ScenarioKernel } from "../engine/scenario";
import { randomScenario } from "../engine/test/helpers";

// The random scheduler reuses its choice counts while nothing it reads was written
// (schedWrites.ts). With the self-check on, every reuse is recounted and compared: a writer of
// scheduler state that forgot to bump the count throws here, naming the step and the actor.

beforeAll(() => checkSchedulerCounts(true));
afterAll(() => checkSchedulerCounts(false));

/** Runs `s` under `seeds` random schedules; returns the steps taken in all. */
function runSeeds(s: Scenario, seeds: number): number {
  let steps = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runSession(start(s, { checks: false }), {
      seed,
      maxSteps: 5_000,
    });
    steps += r.steps;
  }
  return steps;
}

describe("the random scheduler's reused counts equal a recount", () => {
  it.each(library.map((e) => [e.id, e] as const))(
    "on library scenario %s and its fixed kernel",
    (_id, e) => {
      // The scripted schedule dropped: the random scheduler picks every step.
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

  // Without cmpxchg_double, v6.8 takes the slab's bit spinlock (slab_lock) around its updates.
  it.each(["v6.8", "v6.8-next-2023-11"] as const)(
    "on random scenarios on %s without cmpxchg_double",
    (variant) => {
      for (let seed = 1; seed <= 40; seed++) {
        const s = randomScenario(seed, { variant });
        runSeeds({ ...s, cache: { ...s.cache, cmpxchgDouble: false } }, 3);
      }
    },
  );

  it.each([1, 4, 8])("on the busy benchmark at %i CPUs", (cpus) => {
    expect(runSeeds(busyScenario(cpus, 3), 3)).toBeGreaterThan(1000);
  });
});
