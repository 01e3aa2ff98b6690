import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runSession } from "../run";
import type { ScenarioKernel } from "../scenario";
import type { Machine } from "../types";
import { USER_DATA } from "../types";
import { randomScenario, session } from "./helpers";

// Every object of every slab is free (on exactly one freelist) or allocated (in exactly one slot,
// or as a slab's memcg vector).
function objectPlaces(m: Machine): Map<number, number> {
  const seen = new Map<number, number>();
  const mark = (o: number) => seen.set(o, (seen.get(o) ?? 0) + 1);
  const walk = (head: number | null) => {
    for (
      let x = head, g = 0;
      x !== null && x !== USER_DATA && g < 10_000;
      g++
    ) {
      mark(x);
      const p = m.pages[Math.floor(x / m.cache.objects)]!;
      x = p.fp[x % m.cache.objects] ?? null;
    }
  };
  for (const p of m.pages) if (p.use === "slab") walk(p.freelist);
  for (const c of m.cpuSlab) walk(c.freelist);
  for (const slot of Object.values(m.slots))
    for (const o of slot) if (o >= 0) mark(o);
  // A slab's memcg obj_cgroups vector is allocated, held by its page.
  for (const p of m.pages)
    if (p.use === "slab" && p.objcgs !== null) mark(p.objcgs);
  return seen;
}

const FIXED: Partial<ScenarioKernel>[] = [
  { variant: "v5.15", preemptRt: false, fixes: ["tid-on-deactivation"] },
  { variant: "v5.15", preemptRt: true, fixes: ["tid-on-deactivation"] },
  { variant: "v5.15", cpuPartial: false, fixes: ["tid-on-deactivation"] },
  { variant: "v5.14", fixes: ["tid-on-deactivation"] },
  { variant: "v5.14", cpuPartial: false, fixes: ["tid-on-deactivation"] },
  {
    variant: "v5.15",
    preemptRt: true,
    memcg: true,
    fixes: ["tid-on-deactivation"],
  },
  { variant: "v5.14", memcg: true, fixes: ["tid-on-deactivation"] },
];

describe.each(FIXED)("random scenarios and schedules on %o", (kernel) => {
  it("never produce a finding; every object stays in exactly one place; stats equal a recount", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (scenarioSeed, scheduleSeed) => {
          const s = session(randomScenario(scenarioSeed, kernel));
          const recount: Record<string, number>[] = s.machine.stats.map(
            (x) => ({ ...x }),
          );
          const r = runSession(s, {
            seed: scheduleSeed,
            maxSteps: 20_000,
            onStep: (ev) => {
              const row = recount[ev.cpu]!;
              for (const st of ev.stats) row[st] = (row[st] ?? 0) + 1;
            },
          });
          expect(r.findings).toEqual([]);
          expect(r.stopReason).toBe("done");
          const m = r.machine;
          for (const p of m.pages) {
            if (p.use !== "slab") continue;
            for (let i = 0; i < p.objects; i++)
              expect(objectPlaces(m).get(p.id * m.cache.objects + i)).toBe(1);
          }
          expect(m.stats).toEqual(recount);
          for (const n of m.nodes) expect(n.nrPartial).toBe(n.partial.length);
        },
      ),
      { numRuns: 60, seed: 20261121 },
    );
  });
});

describe("the missing tid bumps on deactivation (fixed upstream in 2022)", () => {
  // Pinned seeds found by the random schedules: a fast-path free read c->page, was preempted
  // while the slow path cleared c->page without bumping the tid, and its cmpxchg then succeeded.
  const pinned = { scenario: 272, schedule: 272 * 7 + 1 };

  it("loses an object on v5.14 as released", () => {
    const s = session(randomScenario(pinned.scenario, { variant: "v5.14" }));
    const r = runSession(s, { seed: pinned.schedule, maxSteps: 20_000 });
    expect(r.findings.map((f) => f.code)).toContain("object-leak");
  });

  it("does not with the fix applied, on the same schedule", () => {
    const s = session(
      randomScenario(pinned.scenario, {
        variant: "v5.14",
        fixes: ["tid-on-deactivation"],
      }),
    );
    const r = runSession(s, { seed: pinned.schedule, maxSteps: 20_000 });
    expect(r.findings).toEqual([]);
  });
});
