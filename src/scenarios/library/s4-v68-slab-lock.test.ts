import { describe, expect, it } from "vitest";
import type { Scenario } from "../../engine";
import { replay } from "./replay";
import { v68SlabLockLostUpdate as e } from "./s4-v68-slab-lock";

describe("v6.8 in linux-next without cmpxchg_double: lost update on the slab's flags word", () => {
  it("puts back PG_locked, and the next slab_lock spins forever", () => {
    const { r, at } = replay(e);
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(r.stopReason).toBe("deadlock");
    expect(r.findings[0]!.message).toMatch(
      /B waits for slab_lock \(P0\) held by nobody/,
    );
    expect(at(8)).toMatchObject({ name: "A", label: "lock" });
    expect(at(25)).toMatchObject({ name: "B", fn: "get_partial_node" });
    expect(at(25).notes.join(" ")).toMatch(/lost update.*PG_locked/);
    expect(at(34)).toMatchObject({ name: "B", outcome: "spun" });
    const p = r.machine.pages[0]!;
    expect(p).toMatchObject({ pgLocked: true, slabLockOwner: null });
    expect(p.nodePartial).toBe(false);
  });

  it("in the other order the on-node-list flag comes back on a slab that is off the list", () => {
    const { r } = replay({
      ...e,
      scenario: {
        ...e.scenario,
        schedule: {
          steps: [
            "A>__update_freelist_slow:unlock",
            "B>get_partial_node:next+1",
            "A*1",
            "B*1",
            "A*1",
          ],
          rest: "round-robin",
        },
      },
    });
    expect(r.findings[0]).toMatchObject({ code: "list-corrupt", step: 29 });
    expect(r.findings[0]!.message).toMatch(
      /P0 has the on-node-list flag but is not on node 0's partial list/,
    );
    const p = r.machine.pages[0]!;
    expect(p.pgLocked).toBe(false);
    expect(p.nodePartial).toBe(true);
    expect(r.machine.nodes[0]!.partial).not.toContain(0);
  });

  it("deactivate_slab's non-atomic set of the flag loses a slab_unlock the same way", () => {
    const scenario: Scenario = {
      ...e.scenario,
      prepare: [
        { cpu: 0, op: { kind: "alloc", slot: "a" } },
        { cpu: 0, op: { kind: "alloc", slot: "a" } },
      ],
      actors: [
        {
          name: "A",
          kind: "task",
          cpu: 1,
          ops: [
            { kind: "free", slot: "a" },
            { kind: "free", slot: "a" },
          ],
        },
        { name: "B", kind: "task", cpu: 0, ops: [{ kind: "flushAll" }] },
      ],
      schedule: {
        steps: [
          "B>flush_all_cpus_locked:wait",
          "kworker/0>deactivate_slab:add+1",
          "A>__update_freelist_slow:unlock",
          "kworker/0*1",
          "A*2",
          "kworker/0*1",
        ],
        rest: "round-robin",
      },
    };
    const { r, at } = replay({ ...e, scenario });
    expect(r.scheduleProblems).toEqual([]);
    expect(at(38)).toMatchObject({ name: "kworker/0", fn: "deactivate_slab" });
    expect(at(38).notes.join(" ")).toMatch(/lost update.*PG_locked/);
    expect(r.findings.map((f) => f.code)).toEqual(["deadlock"]);
    expect(r.findings[0]!.message).toMatch(
      /A waits for slab_lock \(P0\) held by nobody/,
    );
    // On v6.8 as merged the same schedule runs clean.
    const fixed = replay({ ...e, scenario }, e.fixed);
    expect(fixed.r.findings).toEqual([]);
    expect(fixed.r.stopReason).toBe("done");
  });

  it("with cmpxchg_double the same frees and allocations never take slab_lock", () => {
    const { r, events } = replay({
      ...e,
      scenario: {
        ...e.scenario,
        cache: { ...e.scenario.cache, cmpxchgDouble: true },
        schedule: undefined,
      },
    });
    expect(r.findings).toEqual([]);
    expect(events.some((ev) => ev.fn === "__update_freelist_slow")).toBe(false);
  });

  it("v6.8 as merged: atomic bit operations, no finding", () => {
    const { r } = replay(e, e.fixed);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.machine.pages[0]!.pgLocked).toBe(false);
  });
});
