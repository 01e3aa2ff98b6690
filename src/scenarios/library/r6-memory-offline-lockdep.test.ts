import { describe, expect, it } from "vitest";
import { parseScenario } from "../schema";
import { replay } from "./replay";
import { r6MemoryOfflineLockdep as e } from "./r6-memory-offline-lockdep";
import type { VariantName } from "../../engine";

const run = (variant?: VariantName) =>
  replay(e, variant === undefined ? {} : { variant });

describe("R6: memory offline against flush_all's lock order", () => {
  it("is a valid scenario", () => {
    const p = parseScenario(JSON.parse(JSON.stringify(e.scenario)));
    expect(p.ok ? [] : p.errors).toEqual([]);
  });

  it("v4: lockdep reports the five-lock cycle of the splat when flush_lock is taken under slab_mutex", () => {
    const { r, at } = run();
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(r.findings[0]!.actor).toBe("lsbug");
    expect(r.findings[0]!.message).toContain(
      "trying to acquire flush_lock while holding slab_mutex",
    );
    expect(r.findings[0]!.message).toContain(
      "flush_lock -> cpu_hotplug_lock -> pcp_batch_high_lock -> memory_chain.rwsem -> slab_mutex -> flush_lock",
    );
    expect(r.stopReason).toBe("done");
    // The dependencies the narration names, in the order they were recorded.
    expect(r.machine.lockdep.edges.slice(0, 5)).toEqual([
      ["flush_lock", "cpu_hotplug_lock"],
      ["cpu_hotplug_lock", "pcp_batch_high_lock"],
      ["pcp_batch_high_lock", "memory_chain.rwsem"],
      ["memory_chain.rwsem", "slab_mutex"],
      ["slab_mutex", "flush_lock"],
    ]);
    expect(at(1).line).toBe("mutex_lock(&flush_lock)");
    expect(at(2).line).toBe("cpus_read_lock()");
    expect(at(15)).toMatchObject({ name: "lsbug", fn: "offline_pages" });
    expect(at(16).line).toMatch(/pcp_batch_high_lock/);
    expect(at(17).line).toMatch(/memory_chain.rwsem/);
    expect(at(19).line).toBe("mutex_lock(&slab_mutex)");
    expect(at(22)).toMatchObject({
      fn: "flush_all",
      line: "mutex_lock(&flush_lock)",
    });
    expect(at(23).line).toBe("cpus_read_lock()");
  });

  it("v5.15: cpus_read_lock before flush_lock, flush_all_cpus_locked on the offline path: clean", () => {
    const { r } = run(e.fixed!.variant);
    expect(e.fixedOutcome).toBe("clean");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.machine.lockdep.edges).toContainEqual([
      "cpu_hotplug_lock",
      "flush_lock",
    ]);
    expect(r.machine.lockdep.edges).not.toContainEqual([
      "flush_lock",
      "cpu_hotplug_lock",
    ]);
  });
});
