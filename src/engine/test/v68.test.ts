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
