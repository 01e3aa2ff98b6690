import { describe, expect, it } from "vitest";
import { replay } from "./replay";
import {
  v68EmptyStaysOnCpuPartial,
  v68FreezeVsRemoteFree,
  v68Tour,
} from "./s4-v68";

describe("v6.8 tour", () => {
  it("parks a full slab unfrozen on the freeing CPU's partial list, freezes it only when it becomes the cpu slab", () => {
    const { r, at, events } = replay(v68Tour);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(at(12)).toMatchObject({ name: "B", fn: "put_cpu_partial" });
    expect(at(12).stats).toContain("cpu_partial_free");
    expect(at(29)).toMatchObject({ name: "B", fn: "freeze_slab" });
    expect(at(71).line).toMatch(/add_partial/);
    // No acquire_slab / unfreeze in 6.8: those are 5.15's functions.
    expect(events.some((e) => e.fn === "acquire_slab")).toBe(false);
    expect(events.some((e) => e.fn === "__unfreeze_partials")).toBe(false);
    // The node's partial slab carries the flag at the end.
    const m = r.machine;
    for (const n of m.nodes)
      for (const pid of n.partial) expect(m.pages[pid]!.nodePartial).toBe(true);
  });
});

describe("v6.8: an empty slab stays on a CPU's partial list", () => {
  it("takes no list action for an unfrozen slab off the node list, and is not flagged", () => {
    const { r, at } = replay(v68EmptyStaysOnCpuPartial);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBe(0);
    expect(at(20).line).toMatch(/slab_test_node_partial/);
    expect(at(22)).toMatchObject({ name: "A", label: "locked" });
    expect(at(22).notes.join(" ")).toMatch(/empty but off the node list/);
    expect(at(58).stats).toContain("deactivate_empty");
    expect(r.machine.pages[0]!.use).toBe("free");
  });

  it("leaves the empty, unfrozen slab on CPU 1's partial list until the flush", () => {
    const { r } = replay({
      ...v68EmptyStaysOnCpuPartial,
      scenario: {
        ...v68EmptyStaysOnCpuPartial.scenario,
        actors: v68EmptyStaysOnCpuPartial.scenario.actors.map((a) => ({
          ...a,
          ops: a.ops.filter((o) => o.kind !== "shrink"),
        })),
      },
    });
    expect(r.findings).toEqual([]);
    const m = r.machine;
    expect(m.cpuSlab[1]!.partial).toBe(0);
    expect(m.pages[0]).toMatchObject({
      use: "slab",
      inuse: 0,
      frozen: false,
      nodePartial: false,
    });
  });
});

describe("v6.8: freeze_slab vs a remote free", () => {
  it("the freeze cmpxchg fails once and retries; nothing is lost", () => {
    const { r, at } = replay(v68FreezeVsRemoteFree);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBe(0);
    expect(at(34)).toMatchObject({ name: "B", label: "cmpxchg" });
    expect(at(36)).toMatchObject({
      name: "A",
      fn: "freeze_slab",
      outcome: "cmpxchgFailed",
    });
    expect(at(38)).toMatchObject({
      name: "A",
      fn: "freeze_slab",
      outcome: "ran",
    });
    expect(r.machine.pages[0]!.frozen).toBe(true);
  });
});
