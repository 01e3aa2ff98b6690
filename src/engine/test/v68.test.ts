import { describe, expect, it } from "vitest";
import type { ScenarioKernel } from "../scenario";
import { assertRandomRuns, randomScenario } from "./helpers";

/**
 * v6.8 (unfrozen cpu partial slabs, the on-node-list flag): random scenarios and schedules find
 * nothing, and after every run the flag agrees with the node lists and only cpu slabs are frozen.
 */
const KERNELS: Partial<ScenarioKernel>[] = [
  { variant: "v6.8" },
  { variant: "v6.8", preemptRt: true },
  { variant: "v6.8", cpuPartial: false },
  { variant: "v6.8", memcg: true },
];

describe.each(KERNELS)(
  "v6.8 random scenarios and schedules on %o",
  (kernel) => {
    it("never produce a finding; the flag matches the node lists; cpu partial slabs stay unfrozen", () => {
      assertRandomRuns((seed) => randomScenario(seed, kernel), {
        runs: { numRuns: 60, seed: 20261205 },
        check: (m) => {
          for (const n of m.nodes) {
            expect(n.nrPartial).toBe(n.partial.length);
            for (const pid of n.partial) {
              expect(m.pages[pid]!.nodePartial).toBe(true);
              expect(m.pages[pid]!.frozen).toBe(false);
            }
          }
          for (const c of m.cpuSlab) {
            let x = c.partial;
            for (let i = 0; x !== null && i < m.pages.length; i++) {
              expect(m.pages[x]!.frozen).toBe(false);
              expect(m.pages[x]!.nodePartial).toBe(false);
              x = m.pages[x]!.next;
            }
          }
          for (const p of m.pages)
            if (p.use === "slab" && p.frozen)
              expect(m.cpuSlab.some((c) => c.page === p.id)).toBe(true);
        },
      });
    });
  },
);

/** Without __CMPXCHG_DOUBLE: every freelist update takes slab_lock(), and no bit is ever lost. */
describe.each([
  { variant: "v6.8" },
  { variant: "v6.8", preemptRt: true },
  { variant: "v6.8", cpuPartial: false },
] as Partial<ScenarioKernel>[])(
  "v6.8 without cmpxchg_double, random scenarios and schedules on %o",
  (kernel) => {
    it("never produce a finding; every slab lock is released with its holder", () => {
      assertRandomRuns(
        (seed) => {
          const s = randomScenario(seed, kernel);
          return { ...s, cache: { ...s.cache, cmpxchgDouble: false } };
        },
        {
          runs: { numRuns: 60, seed: 20261206 },
          check: (m) => {
            expect(m.cache.slabLock).toBe(true);
            for (const p of m.pages)
              if (p.pgLocked === true)
                expect(
                  m.actors[p.slabLockOwner!]!.frames.length,
                ).toBeGreaterThan(0);
          },
        },
      );
    });
  },
);
