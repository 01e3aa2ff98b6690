import { describe, expect, it } from "vitest";
import type { Scenario, ScenarioKernel } from "../scenario";
import {
  assertRandomRuns,
  expectSheavesAtRest,
  randomScenario,
} from "./helpers";

/** A random scenario whose cache opted in to sheaves (2 or 3 objects each, from the seed). */
function withSheaves(seed: number, kernel: Partial<ScenarioKernel>): Scenario {
  const s = randomScenario(seed, kernel);
  return { ...s, cache: { ...s.cache, sheafCapacity: 2 + (seed % 2) } };
}

describe.each([
  { variant: "v6.18" },
  { variant: "v6.18", preemptRt: true },
] as Partial<ScenarioKernel>[])("v6.18: random schedules on %o", (kernel) => {
  it("with sheaves: never a finding; the sheaves unlocked, within capacity, held by nobody at the end", () => {
    const seen = new Map<string, number>();
    const count = (x: string) => seen.set(x, (seen.get(x) ?? 0) + 1);
    assertRandomRuns((seed) => withSheaves(seed, kernel), {
      runs: { numRuns: 200, seed: 20261206 },
      onStep: (ev) => {
        for (const st of ev.stats) count(st);
        for (const n of ev.notes) count(n);
      },
      check: expectSheavesAtRest,
    });
    // Both layers are used: the sheaves, and the cpu slab under them.
    for (const x of [
      "sheaf_refill",
      "alloc_slowpath",
      "cpuslab_flush",
      "free_fastpath",
    ])
      expect([x, seen.get(x) ?? 0]).not.toEqual([x, 0]);
  });

  it("without a sheaf capacity: never a finding, no sheaves", () => {
    assertRandomRuns((seed) => randomScenario(seed, kernel), {
      runs: { numRuns: 40, seed: 20261207 },
      check: (m) => expect(m.sheaves).toBeUndefined(),
    });
  });
});
