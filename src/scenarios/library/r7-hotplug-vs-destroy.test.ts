import { describe, expect, it } from "vitest";
import { parseScenario } from "../schema";
import { replay } from "./replay";
import { r7HotplugVsDestroy as e } from "./r7-hotplug-vs-destroy";
import type { VariantName } from "../../engine";

const run = (variant?: VariantName) =>
  replay(e, variant === undefined ? {} : { variant });

describe("R7: CPU hotplug against kmem_cache_destroy", () => {
  it("is a valid scenario", () => {
    const p = parseScenario(JSON.parse(JSON.stringify(e.scenario)));
    expect(p.ok ? [] : p.errors).toEqual([]);
  });

  it("v4: lockdep warns when the destroy wants cpu_hotplug_lock, then nothing can run", () => {
    const { r, at } = run();
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(r.stopReason).toBe("deadlock");
    expect(r.findings[0]!.message).toContain(
      "torture_shutdown is trying to acquire cpu_hotplug_lock while holding flush_lock",
    );
    expect(r.findings[1]!.message).toBe(
      "deadlock: torture_shutdown waits for cpu_hotplug_lock (read) held by torture_onoff; torture_onoff waits for slab_mutex held by torture_shutdown",
    );
    expect(at(1).line).toBe("mutex_lock(&slab_mutex)");
    expect(at(4)).toMatchObject({ fn: "slub_cpu_dead", notes: ["block"] });
    expect(at(7).line).toBe("mutex_lock(&flush_lock)");
    expect(at(8)).toMatchObject({ line: "cpus_read_lock()", notes: ["block"] });
    expect(r.machine.cpus[2]!.online).toBe(false);
    expect(r.machine.cache.destroyed).toBeUndefined();
  });

  it("v5.15: the destroy waits for cpu_hotplug_lock before slab_mutex, so the interleaving cannot happen", () => {
    const { r, at, events } = run(e.fixed!.variant);
    expect(e.fixedOutcome).toBe("impossible");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBeGreaterThan(0);
    expect(at(1)).toMatchObject({
      name: "torture_shutdown",
      line: "cpus_read_lock()",
      notes: ["block"],
    });
    // The hotplug operation finishes (flushing CPU 2's slab) before the destroy takes slab_mutex.
    const hotplugDone = events.findIndex(
      (x) => x.name === "torture_onoff" && x.opEnd,
    );
    const destroyMutex = events.findIndex(
      (x) =>
        x.name === "torture_shutdown" && x.line === "mutex_lock(&slab_mutex)",
    );
    expect(hotplugDone).toBeGreaterThan(0);
    expect(destroyMutex).toBeGreaterThan(hotplugDone);
    expect(events.some((x) => x.fn === "deactivate_slab")).toBe(true);
    expect(events.some((x) => x.fn === "free_partial")).toBe(true);
    expect(r.machine.cache.destroyed).toBe(true);
    expect(r.machine.pages.every((p) => p.use === "free")).toBe(true);
  });
});
