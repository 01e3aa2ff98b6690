import { describe, expect, it } from "vitest";
import { replay } from "./replay";
import { onFixedKernel } from "./entry";
import type { Op } from "../../engine";

const alloc = (slot: string): Op => ({ kind: "alloc", slot });
import {
  v618BarnMemoryless,
  v618DeferRawFreeptr,
  v618NolockLockHeld,
  v618RcuSheafBarrier,
  v618Tour,
} from "./s5-v618";

describe("v6.18 tour", () => {
  it("counts sheaf hits as 6.18 does: alloc_cpu_sheaf and free_cpu_sheaf, the fastpath items for the cpu slab", () => {
    const { events } = replay(v618Tour);
    const counted = (fn: string) =>
      events.filter((e) => e.fn === fn).flatMap((e) => e.stats);
    expect(counted("alloc_from_pcs")).toContain("alloc_cpu_sheaf");
    expect(counted("alloc_from_pcs")).not.toContain("alloc_fastpath");
    expect(counted("free_to_pcs")).toContain("free_cpu_sheaf");
    expect(counted("free_to_pcs")).not.toContain("free_fastpath");
  });
  it("refills a sheaf through the cpu slab, and an interrupt that fails the trylock uses the cpu slab", () => {
    const { r, at, events } = replay(v618Tour);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBe(0);
    // The refill goes through the kmem_cache_cpu path: a new cpu slab, then its freelist.
    expect(at(10)).toMatchObject({ name: "A", fn: "refill_sheaf" });
    expect(at(28)).toMatchObject({ name: "A", fn: "___slab_alloc" });
    expect(at(28).stats).toContain("alloc_slab");
    expect(at(44)).toMatchObject({ name: "A", fn: "__slab_alloc_node" });
    // The interrupt cannot take the sheaves' lock and falls to the cpu slab.
    expect(at(59)).toMatchObject({ name: "I", fn: "alloc_from_pcs" });
    expect(at(59).notes).toContain("trylock-fail");
    expect(at(60).fn).toBe("slab_alloc_node");
    expect(at(66)).toMatchObject({ name: "I", fn: "__slab_alloc_node" });
    expect(at(68).notes).toContain("trylock-fail");
    expect(at(75)).toMatchObject({ name: "I", fn: "do_slab_free" });
    expect(at(76)).toMatchObject({ name: "A", label: "pop" });
    // The flush work empties the sheaves, then the cpu slab.
    expect(at(133)).toMatchObject({ fn: "flush_cpu_slab" });
    expect(at(135).fn).toBe("pcs_flush_all");
    expect(at(164)).toMatchObject({ fn: "flush_cpu_slab" });
    expect(events.some((e) => e.fn === "deactivate_slab")).toBe(true);
    const m = r.machine;
    expect(m.pages.every((p) => p.use !== "slab")).toBe(true);
    const st = m.sheaves!;
    expect(st.sheaves[st.pcs[0]!.main]!.objects).toEqual([]);
    expect(st.pcs[0]!.spare).toBeNull();
  });

  it("a cache without a sheaf capacity has no sheaves and takes the 6.8 paths", () => {
    const { r, events } = replay({
      ...v618Tour,
      scenario: {
        ...v618Tour.scenario,
        cache: { objects: 4, minPartial: 1 },
        schedule: undefined,
      },
    });
    expect(r.findings).toEqual([]);
    expect(r.machine.sheaves).toBeUndefined();
    expect(events.some((e) => e.fn === "alloc_from_pcs")).toBe(false);
    expect(events.some((e) => e.fn === "free_to_pcs")).toBe(false);
    expect(events.some((e) => e.fn === "__slab_alloc_node")).toBe(true);
  });
});

describe("v6.18 kfree_rcu sheaf: kvfree_rcu_barrier vs a sheaf between unlock and call_rcu", () => {
  it("v8: the barrier returns with an object still waiting for RCU", () => {
    const { r, at } = replay(v618RcuSheafBarrier);
    expect(r.findings.map((f) => [f.code, f.step])).toEqual([
      ["object-leak", 28],
    ]);
    expect(r.skippedEntries).toBe(0);
    expect(at(10)).toMatchObject({ name: "A", fn: "__kfree_rcu_sheaf" });
    expect(at(10).line).toMatch(/^local_unlock/);
    expect(at(17)).toMatchObject({ name: "kworker/0", fn: "flush_rcu_sheaf" });
    expect(at(28)).toMatchObject({ name: "B", label: "done" });
    expect(at(29)).toMatchObject({ name: "A", label: "call_rcu" });
    // The missed sheaf is queued at the end, its objects accounted for (no other finding).
    const rcu = r.machine.sheaves!.rcu!;
    expect(rcu.pending).toHaveLength(1);
    expect(rcu.queued).toHaveLength(2);
  });

  it("v6.18: call_rcu before the unlock; the barrier frees both objects", () => {
    const { r } = replay({
      ...v618RcuSheafBarrier,
      scenario: onFixedKernel(v618RcuSheafBarrier),
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBeGreaterThan(0);
    const rcu = r.machine.sheaves!.rcu!;
    expect(rcu.pending).toEqual([]);
    expect(rcu.queued).toEqual([]);
    expect(r.machine.slots["a"] ?? []).toEqual([]);
  });

  it("a grace period frees what kfree_rcu queued", () => {
    for (const cache of [
      { objects: 4, sheafCapacity: 2 },
      { objects: 4, sheafCapacity: 3 },
    ]) {
      const { r } = replay({
        ...v618Tour,
        scenario: {
          ...v618Tour.scenario,
          cache,
          schedule: undefined,
          prepare: [0, 1, 2].map(() => ({
            cpu: 0,
            op: { kind: "alloc", slot: "a" } as const,
          })),
          actors: [
            {
              name: "A",
              kind: "task",
              cpu: 0,
              ops: [
                { kind: "kfreeRcu", slot: "a" },
                { kind: "kfreeRcu", slot: "a" },
                { kind: "kfreeRcu", slot: "a" },
                { kind: "rcuGracePeriod" },
                { kind: "kvfreeRcuBarrier" },
                { kind: "destroy" },
              ],
            },
          ],
        },
      });
      expect(r.findings).toEqual([]);
      expect(r.machine.pages.every((p) => p.use !== "slab")).toBe(true);
    }
  });
});

describe("v6.18 sheaves on a memoryless node", () => {
  it("before the fix: get_barn() dereferences the missing kmem_cache_node", () => {
    const { r, at } = replay(v618BarnMemoryless);
    expect(r.findings.map((f) => [f.code, f.step])).toEqual([["oops", 5]]);
    expect(r.stopReason).toBe("crashed");
    expect(at(5)).toMatchObject({ name: "A", fn: "__pcs_replace_empty_main" });
    expect(r.findings[0]!.message).toMatch(/barn is NULL/);
  });

  it("v6.18: get_barn() is NULL, the allocation falls back to the cpu slab on node 0", () => {
    const { r, at } = replay({
      ...v618BarnMemoryless,
      scenario: onFixedKernel(v618BarnMemoryless),
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(at(6)).toMatchObject({
      fn: "__pcs_replace_empty_main",
      label: "no_barn",
    });
    expect(at(7).fn).toBe("slab_alloc_node");
    const m = r.machine;
    expect(m.pages.every((p) => p.node === 0)).toBe(true);
    expect(m.pages.some((p) => p.use === "slab")).toBe(true);
    expect(m.sheaves!.pcs[1]!.spare).toBeNull();
  });
});

describe("v6.18 kfree_nolock: the deferred list's link in a hardened free pointer", () => {
  it("6.18-rc1: the raw NULL decodes to garbage; slub_debug reports it and the object leaks", () => {
    const { r, at } = replay(v618DeferRawFreeptr);
    expect(r.findings.map((f) => [f.code, f.step])).toEqual([
      ["freelist-corrupt", 9],
      ["object-leak", 9],
    ]);
    expect(at(4)).toMatchObject({
      name: "B",
      fn: "do_slab_free",
      label: "defer",
    });
    expect(at(4).notes).toContain("deferred");
    expect(at(5)).toMatchObject({ name: "ipi/1", fn: "free_deferred_objects" });
    expect(at(8).line).toMatch(/^\*\(void \*\*\)x = NULL/);
    expect(r.findings[0]!.message).toMatch(/Freepointer corrupt/);
  });

  it("v6.18: set_freepointer() stores an encoded NULL, and the object goes back to its slab", () => {
    const { r, at } = replay({
      ...v618DeferRawFreeptr,
      scenario: onFixedKernel(v618DeferRawFreeptr),
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(at(11)).toMatchObject({ name: "ipi/1", fn: "__slab_free" });
    expect(r.machine.nolock!.deferFreeObjects).toEqual([]);
    expect(r.machine.slots["a"]).toEqual([]);
  });

  it("without hardening the raw NULL is NULL: no finding on 6.18-rc1 either", () => {
    const s = v618DeferRawFreeptr.scenario;
    const { r } = replay({
      ...v618DeferRawFreeptr,
      scenario: { ...s, kernel: { ...s.kernel, freelistHardened: false } },
    });
    expect(r.findings).toEqual([]);
  });
});

describe("v6.18 kmalloc_nolock: a lock held by the interrupted context", () => {
  it("6.18-rc1: n->list_lock held, every pass discards a new slab: no progress", () => {
    const { r, at } = replay(v618NolockLockHeld);
    expect(r.findings.map((f) => [f.code, f.step])).toEqual([["deadlock", 17]]);
    expect(at(14)).toMatchObject({ name: "N", label: "new_objects" });
    expect(at(14).notes).toContain("trylock failed");
    expect(at(16).notes).toContain("trylock failed");
    // The discarded slab went back: only P0 and the cpu slab are slabs.
    expect(r.machine.pages.filter((p) => p.use === "slab")).toHaveLength(2);
  });

  it("v6.18: NULL instead of the loop; the NMI's kfree_nolock is deferred and freed by the irq_work", () => {
    const { r, at, events } = replay({
      ...v618NolockLockHeld,
      scenario: onFixedKernel(v618NolockLockHeld),
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(at(17).line).toMatch(/if \(!allow_spin\) return NULL/);
    expect(at(25)).toMatchObject({ name: "N", label: "defer" });
    expect(events.find((e) => e.fn === "free_deferred_objects")).toMatchObject({
      name: "ipi/0",
    });
    expect(r.machine.slots["n"]).toEqual([]);
    expect(r.machine.nolock!.deferFreeObjects).toEqual([]);
  });

  it("v6.18 without slub_debug: the NMI finds the bucket's cpu_slab lock held and retries in the next bucket", () => {
    const s = v618NolockLockHeld.scenario;
    const { r, at, events } = replay({
      ...v618NolockLockHeld,
      scenario: {
        ...s,
        kernel: { variant: "v6.18", cpus: 1 },
        actors: [
          { name: "A", kind: "task", cpu: 0, ops: [alloc("y"), alloc("z")] },
          {
            name: "N",
            kind: "nmi",
            cpu: 0,
            ops: [
              { kind: "kmallocNolock", slot: "n", size: 64 },
              { kind: "kfreeNolock", slot: "c" },
            ],
          },
        ],
        schedule: {
          steps: ["A>___slab_alloc:load_freelist", "N"],
          rest: "round-robin",
        },
        narration: [],
      },
    });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBe(0);
    const retry = r.machine.nolock!.buckets.find((b) => b.size === 96)!;
    expect(retry.allocated).toBe(1);
    // kfree_nolock of c under A's lock: deferred, then freed by the irq_work.
    expect(at(0).name).toBe("A");
    expect(events.some((e) => e.name === "N" && e.label === "defer")).toBe(
      true,
    );
    expect(r.machine.nolock!.deferFreeObjects).toEqual([]);
  });
});

describe("v6.18 prefilled sheaves (kmem_cache_prefill_sheaf / alloc_from_sheaf / return_sheaf)", () => {
  const prefillScenario = (ops: Record<string, Op[]>) => ({
    ...v618Tour,
    scenario: {
      ...v618Tour.scenario,
      cache: { objects: 4, minPartial: 1, sheafCapacity: 3 },
      schedule: undefined,
      narration: [],
      actors: Object.entries(ops).map(([name, o]) => ({
        name,
        kind: "task" as const,
        cpu: 0,
        ops: o,
      })),
    },
  });

  it("a prefilled sheaf serves allocations without locks; returned, it becomes the spare", () => {
    const { r, events } = replay(
      prefillScenario({
        A: [
          { kind: "prefillSheaf", count: 2 },
          { kind: "allocFromSheaf", slot: "a" },
          { kind: "allocFromSheaf", slot: "a" },
          { kind: "returnSheaf" },
          { kind: "free", slot: "a" },
          { kind: "free", slot: "a" },
          { kind: "destroy" },
        ],
      }),
    );
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(events.some((e) => e.fn === "refill_sheaf")).toBe(true);
    const from = events.filter((e) => e.fn === "kmem_cache_alloc_from_sheaf");
    expect(from).toHaveLength(2);
    expect(r.machine.pages.every((p) => p.use !== "slab")).toBe(true);
  });

  it("a second sheaf returned while the spare is taken is refilled into the barn", () => {
    const { r, events } = replay(
      prefillScenario({
        A: [{ kind: "prefillSheaf", count: 3 }, { kind: "returnSheaf" }],
        B: [{ kind: "prefillSheaf", count: 3 }, { kind: "returnSheaf" }],
      }),
    );
    expect(r.findings).toEqual([]);
    const st = r.machine.sheaves!;
    expect(st.pcs[0]!.spare).not.toBeNull();
    expect(st.barns[0]!.full).toHaveLength(1);
    expect(events.some((e) => e.stats.includes("barn_put"))).toBe(true);
  });
});
