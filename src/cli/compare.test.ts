import { describe, expect, it } from "vitest";
import { libraryEntry } from "../scenarios/library";
import { compareEras, runEra, averagesByKind } from "../engine/cost";
import { runSession, start } from "../engine/run";
import {
  mainlineEras,
  mainlineRelease,
  VARIANT_NAMES,
  VARIANTS,
} from "../engine/variants";

const scenario = (id: string) => libraryEntry(id)!.scenario;

describe("mainline eras", () => {
  it("are the declared mainline releases, oldest first", () => {
    const eras = mainlineEras();
    expect(eras).toEqual(
      VARIANT_NAMES.filter((n) => mainlineRelease(n) !== null).sort((a, b) =>
        mainlineRelease(a)!.localeCompare(mainlineRelease(b)!, "en", {
          numeric: true,
        }),
      ),
    );
    for (const n of VARIANT_NAMES)
      if (VARIANTS[n].source.patch === null) expect(eras).toContain(n);
    expect(eras.length).toBeGreaterThanOrEqual(3);
  });
});

describe("the cost of each operation on every era", () => {
  it("counts the fast paths' this_cpu_cmpxchg_double, which the sheaves have not", () => {
    const c = compareEras(scenario("tour-fast-path"));
    for (const r of c.eras) {
      expect(r.kind).toBe("ran");
      if (r.kind !== "ran") continue;
      expect(r.stop).toBe("done");
      const allocs = averagesByKind(r).get("alloc")!;
      if (VARIANTS[r.variant].features.sheaves)
        expect(allocs.avg.cpuCmpxchg).toBe(0);
      else expect(allocs.avg.cpuCmpxchg).toBeGreaterThan(0);
    }
  });

  it("counts every micro-step of the run, and leaves the run as it was", () => {
    const s = scenario("tour-drain-on-overflow");
    for (const v of mainlineEras()) {
      const r = runEra(s, v);
      if (r.kind !== "ran") continue;
      expect(r.totals.steps).toBe(r.steps);
      expect(r.ops.every((o) => o.completed)).toBe(true);
    }
    // The scenario's own run records a cost only where the primitives counted something.
    const sess = start(s);
    let listLock = 0;
    runSession(sess, { onStep: (ev) => (listLock += ev.cost?.listLock ?? 0) });
    expect(listLock).toBeGreaterThan(0);
  });

  it("skips an era that cannot run the operations, and says why", () => {
    const r = runEra(scenario("s1-5-kfree-nolock-defer"), "v5.15");
    expect(r.kind).toBe("skipped");
    if (r.kind === "skipped") expect(r.reason).toContain("kfreeNolock");
  });
});
