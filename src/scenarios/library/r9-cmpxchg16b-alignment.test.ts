import { describe, expect, it } from "vitest";
import { parseScenario } from "../schema";
import { replay } from "./replay";
import { r9Cmpxchg16bAlignment as e } from "./r9-cmpxchg16b-alignment";

function run(kernel: Partial<typeof e.scenario.kernel> = {}) {
  const { r, events } = replay(e, kernel);
  return { r, lines: events.map((ev) => ev.line) };
}

describe("R9: kmem_cache_cpu alignment under LOCK_STAT", () => {
  it("is a valid scenario", () => {
    const p = parseScenario(JSON.parse(JSON.stringify(e.scenario)));
    expect(p.ok ? [] : p.errors).toEqual([]);
  });

  it("v4 with LOCK_STAT: general protection fault at the fast path's cmpxchg16b", () => {
    const { r, lines } = run();
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(r.findings[0]!.message).toMatch(
      /^general protection fault in slab_alloc_node: cmpxchg16b 0x38\(%rdi\)/,
    );
    expect(lines[5]).toMatch(/^this_cpu_cmpxchg_double/);
    expect(r.stopReason).toBe("crashed");
  });

  it("v5.15: the same allocation succeeds", () => {
    const { r } = run(e.fixed);
    expect(e.fixedOutcome).toBe("clean");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.machine.slots.x).toHaveLength(1);
  });

  it("v4 without LOCK_STAT is fine, as the narration says", () => {
    expect(run({ lockStat: false }).r.findings).toEqual([]);
    expect(run({ lockStat: false, lockdep: true }).r.findings).toEqual([]);
  });
});
