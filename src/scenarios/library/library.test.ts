import { describe, expect, it } from "vitest";
import { runSession, start, type Scenario } from "../../engine";
import { parseScenario } from "../schema";
import { library } from "./index";

function run(s: Scenario) {
  return runSession(start(s));
}

describe.each(library.map((e) => [e.id, e] as const))(
  "library scenario %s",
  (_id, e) => {
    it("is a valid scenario with narration in step order", () => {
      const r = parseScenario(JSON.parse(JSON.stringify(e.scenario)));
      expect(r.ok ? [] : r.errors).toEqual([]);
      const steps = (e.scenario.narration ?? []).map((n) => n.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
    });

    it(
      e.kind === "tour"
        ? "runs to the end without a finding"
        : "breaks on its kernel exactly as expected",
      () => {
        const r = run(e.scenario);
        expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
          e.expect,
        );
        if (e.kind === "tour") {
          expect(r.stopReason).toBe("done");
          expect(e.fixed).toBeUndefined();
        }
      },
    );

    if (e.fixed) {
      const fixed = e.fixed;
      it(`finds nothing on the fixed kernel (${e.fixedOutcome})`, () => {
        const s = { ...e.scenario, kernel: { ...e.scenario.kernel, ...fixed } };
        const r = run(s);
        expect(r.findings).toEqual([]);
        expect(r.stopReason).toBe("done");
        // "impossible": the fix refuses the bad interleaving (scripted entries cannot run).
        if (e.fixedOutcome === "impossible")
          expect(r.skippedEntries).toBeGreaterThan(0);
      });
    }
  },
);

describe("the library", () => {
  it("has unique ids and covers tours and races", () => {
    const ids = library.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      library
        .filter((e) => e.kind === "race")
        .every((e) => e.expect.length > 0 && e.fixed),
    ).toBe(true);
  });
});
