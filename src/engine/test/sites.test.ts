import { describe, expect, it } from "vitest";
import { pcaTables } from "../kernel/pca";
import { teardownCpusLocked, teardownUnlocked } from "../kernel/teardown";
import { v515Fns } from "../kernel/v5_15";
import type { KernelFn, StepSite } from "../program";

function sites(f: KernelFn): [number, StepSite][] {
  return f.steps.flatMap((s, i) => (s.site ? [[i, s.site]] : []));
}

describe("declared step sites", () => {
  it("each base function declares the site variants splice at, once", () => {
    const flushAll = v515Fns["flush_all_cpus_locked"]!;
    expect(sites(flushAll)).toEqual([
      [flushAll.steps.length - 1, "flushLockUnlock"],
    ]);
    expect(sites(v515Fns["slub_cpu_dead"]!).map(([, s]) => s)).toEqual([
      "cpuDeadFlush",
    ]);
    for (const t of [teardownUnlocked, teardownCpusLocked])
      expect(sites(t["kmem_cache_destroy"]!).map(([, s]) => s)).toEqual([
        "destroyReport",
      ]);
  });

  it("the percpu array variants splice where the sites are: the fix flushes the array right before the dead CPU's slabs", () => {
    const rfc = pcaTables["v6.7-pca-rfc3"];
    const dead = pcaTables["v6.7-pca-rfc3-fixed"]["slub_cpu_dead"]!;
    const at = dead.steps.findIndex((s) => s.site === "cpuDeadFlush");
    expect(dead.steps[at - 1]!.line).toMatch(/^flush_pca_cpu/);
    const destroy = rfc["kmem_cache_destroy"]!;
    const report = destroy.steps.find((s) => s.site === "destroyReport")!;
    const base = teardownCpusLocked["kmem_cache_destroy"]!.steps.find(
      (s) => s.site === "destroyReport",
    )!;
    // The RFC's report wraps the base step: same line, its own run.
    expect(report.line).toBe(base.line);
    expect(report.run).not.toBe(base.run);
  });
});
