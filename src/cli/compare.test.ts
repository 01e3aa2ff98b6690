import { describe, expect, it } from "vitest";
import { libraryEntry } from "../scenarios/library";
import {
  averagesByKind,
  compareEras,
  COST_METRICS,
  eraScenario,
  REPLAY_SCHEDULE,
  runEra,
  type EraComparison,
  type OpCost,
} from "../engine/cost";
import { main } from "./cli";
import { parseScenario } from "../scenarios/schema";
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
    // v6.18's column runs the cache with sheaves (opt-in there), and says so.
    expect(c.notes).toEqual([
      "v6.18: sheaves are opt-in there; the cache opts in with sheaf_capacity 4",
    ]);
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

describe("cli compare", () => {
  const compare = (...argv: string[]) => main(["compare", ...argv]);
  const json = (...argv: string[]) => {
    const r = compare(...argv, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as EraComparison;
  };
  const ran = (c: EraComparison, v: string) => {
    const r = c.eras.find((e) => e.variant === v);
    if (r?.kind !== "ran") throw new Error(`${v} did not run`);
    return r;
  };
  const cmpxchg = (o: OpCost) =>
    o.counts.cpuCmpxchg +
    o.counts.cpuCmpxchgFail +
    o.counts.slabCmpxchg +
    o.counts.slabCmpxchgFail;

  it("prints one column per mainline era, from the registry, and says how it scheduled", () => {
    const r = compare("tour-fast-path");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[1]).toBe(`eras      ${mainlineEras().join(", ")}`);
    expect(r.stdout).toContain(`schedule  ${REPLAY_SCHEDULE}`);
    const head = lines.find((l) => l.trim().startsWith(mainlineEras()[0]!))!;
    expect(head.trim().split(/\s+/)).toEqual(mainlineEras());
    for (const t of [
      "per operation (average over all):",
      "per alloc (average):",
      "totals:",
    ])
      expect(lines).toContain(t);
    const row = lines.find((l) =>
      l.startsWith("  this_cpu_cmpxchg_double ok"),
    )!;
    expect(row.trim().split(/\s+/).slice(2)).toHaveLength(
      mainlineEras().length,
    );
  });

  it("v7.0 allocates from the main sheaf with no cmpxchg_double, no list_lock and no slab; v5.15 and v6.8 use this_cpu_cmpxchg_double", () => {
    const c = json("s4-sheaves-tour", "--variants", "v5.15,v6.8,v7.0");
    expect(c.eras.map((e) => e.variant)).toEqual(["v5.15", "v6.8", "v7.0"]);
    // A's second allocation: its first refilled the main sheaf (v7.0) or installed a cpu slab.
    const second = (v: string) =>
      ran(c, v).ops.find((o) => o.actor === "A" && o.index === 1)!;
    expect(second("v7.0").kind).toBe("alloc");
    expect(cmpxchg(second("v7.0"))).toBe(0);
    expect(second("v7.0").counts.listLock).toBe(0);
    expect(second("v7.0").counts.slabs).toBe(0);
    for (const v of ["v5.15", "v6.8"]) {
      expect(second(v).counts.cpuCmpxchg).toBe(1);
      expect(second(v).counts.slabs).toBe(1);
    }
    // Over the whole workload: fewer cmpxchg_double and slabs touched per operation.
    const v7 = ran(c, "v7.0");
    const v515 = ran(c, "v5.15");
    const total = (r: typeof v7) => r.totals.cpuCmpxchg + r.totals.slabCmpxchg;
    expect(total(v7)).toBeLessThan(total(v515));
    expect(v7.totals.slabs).toBeLessThan(v515.totals.slabs);
    expect(v7.totals.steps).toBeLessThan(v515.totals.steps);
    // The same workload: the same operations on each era.
    for (const e of [v515, ran(c, "v6.8")])
      expect(e.ops.map((o) => `${o.actor}:${o.index}:${o.kind}`)).toEqual(
        v7.ops.map((o) => `${o.actor}:${o.index}:${o.kind}`),
      );
  });

  it("counts list_lock where a free drains to the node list, and per-op counts add up to the totals", () => {
    const c = json("tour-drain-on-overflow");
    for (const e of c.eras) {
      if (e.kind !== "ran") continue;
      expect(e.stop).toBe("done");
      expect(e.totals.steps).toBe(e.steps);
      for (const k of COST_METRICS)
        expect(e.ops.reduce((n, o) => n + o.counts[k], 0)).toBe(e.totals[k]);
    }
    expect(ran(c, "v5.15").totals.listLock).toBeGreaterThan(0);
    // v7.0 frees into sheaves and parks full ones in the barn instead.
    expect(ran(c, "v7.0").totals.listLock).toBe(0);
    expect(ran(c, "v7.0").totals.barnLock).toBeGreaterThan(0);
  });

  it("names the eras that cannot run the operations, and why", () => {
    const r = compare(
      "s1-5-kfree-nolock-defer",
      "--variants",
      "v5.15,v6.15-nolock-v1",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("v5.15: not run: v5.15 has no kfreeNolock");
    const c = json(
      "s1-5-kfree-nolock-defer",
      "--variants",
      "v5.15,v6.15-nolock-v1",
    );
    expect(c.eras[0]!.kind).toBe("skipped");
    expect(c.eras[1]!.kind).toBe("ran");
  });

  it("refuses what it cannot do", () => {
    const usage = (argv: string[], line: string) => {
      const r = main(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`slabscope: ${line}\n`);
    };
    usage(["compare"], "compare: missing the scenario file");
    usage(
      ["compare", "tour-fast-path", "--variants", "v9.9"],
      `--variants: unknown variant "v9.9" (known: ${VARIANT_NAMES.join(", ")})`,
    );
    usage(
      ["compare", "tour-fast-path", "--kernel", "v5.15"],
      "compare: it runs every era; name them with --variants, not --kernel or --fixed",
    );
    usage(
      ["run", "tour-fast-path", "--variants", "v5.15"],
      "run: --variants is an option of compare",
    );
  });
});

describe("an era's replay as a scenario", () => {
  it("runs on the timeline exactly as it ran in the comparison", () => {
    for (const id of [
      "s4-sheaves-tour",
      "r16-flush-recheck",
      "tour-drain-on-overflow",
    ]) {
      const s = scenario(id);
      for (const v of mainlineEras()) {
        const r = runEra(s, v);
        if (r.kind !== "ran") continue;
        const sc = eraScenario(s, r);
        expect(sc.kernel.variant).toBe(v);
        const parsed = parseScenario(JSON.parse(JSON.stringify(sc)));
        expect(parsed.ok, `${id} on ${v}`).toBe(true);
        let listLock = 0;
        let cmpxchg = 0;
        const res = runSession(start(sc), {
          onStep: (ev) => {
            listLock += ev.cost?.listLock ?? 0;
            cmpxchg += (ev.cost?.cpuCmpxchg ?? 0) + (ev.cost?.slabCmpxchg ?? 0);
          },
        });
        expect(res.skippedEntries, `${id} on ${v}`).toBe(0);
        expect(res.steps).toBe(r.steps);
        expect(listLock).toBe(r.totals.listLock);
        expect(cmpxchg).toBe(r.totals.cpuCmpxchg + r.totals.slabCmpxchg);
      }
    }
  });
});
