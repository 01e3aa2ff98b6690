import { describe, expect, it } from "vitest";
import { kernelTable } from "../kernel";
import { VARIANTS, type VariantName } from "../variants";
import { acquire, lockOwners, mutexLock, release } from "../prims";
import { runSession, type Session } from "../run";
import type { ScenarioActor, ScenarioKernel } from "../scenario";
import type { FindingCode, Op } from "../types";
import { allocs, frees, scenario, session, ctx } from "./helpers";

const codes = (s: Session): FindingCode[] =>
  s.machine.findings.map((f) => f.code);

function tasks(kernel: Partial<ScenarioKernel>, ...ops: Op[][]): Session {
  const actors: ScenarioActor[] = ops.map((o, i) => ({
    name: `T${i}`,
    kind: "task",
    cpu: i % (kernel.cpus ?? 2),
    ops: o,
  }));
  return session(scenario(kernel, actors));
}

describe("the memory-hotplug locks", () => {
  it("memory_chain.rwsem has many readers; a writer waits for them", () => {
    const s = tasks({}, [], []);
    const a = ctx(s, "T0");
    const b = ctx(s, "T1");
    const read = { kind: "memoryChain", write: false } as const;
    expect(acquire(a, read, "sleep")).toBe(true);
    expect(acquire(b, read, "sleep")).toBe(true);
    expect(lockOwners(s.machine, read)).toEqual([a.a.id, b.a.id]);
    release(a, read);
    expect(acquire(a, { kind: "memoryChain", write: true }, "sleep")).toBe(
      false,
    );
    release(b, read);
    expect(s.machine.locks.memoryChainReaders).toEqual([]);
    expect(codes(s)).toEqual([]);
  });

  it("pcp_batch_high_lock is a mutex", () => {
    const s = tasks({}, [], []);
    const a = ctx(s, "T0");
    const b = ctx(s, "T1");
    expect(mutexLock(a, { kind: "pcpBatchHigh" })).toBe(true);
    expect(mutexLock(b, { kind: "pcpBatchHigh" })).toBe(false);
    expect(s.machine.locks.pcpBatchHighLock).toBe(a.a.id);
    release(a, { kind: "pcpBatchHigh" });
    expect(mutexLock(b, { kind: "pcpBatchHigh" })).toBe(true);
    expect(codes(s)).toEqual([]);
  });

  it("lockdep records a dependency on the lock taken last only, as lockdep's prev", () => {
    const s = tasks({}, []);
    const a = ctx(s, "T0");
    mutexLock(a, { kind: "slabMutex" });
    mutexLock(a, { kind: "flushLock" });
    acquire(a, { kind: "cpuHotplug", write: false }, "sleep");
    expect(s.machine.lockdep.edges).toEqual([
      ["slab_mutex", "flush_lock"],
      ["flush_lock", "cpu_hotplug_lock"],
    ]);
  });

  it("a read lock taken recursively is released innermost first", () => {
    const s = tasks({}, []);
    const a = ctx(s, "T0");
    const read = { kind: "cpuHotplug", write: false } as const;
    acquire(a, read, "sleep");
    mutexLock(a, { kind: "flushLock" });
    acquire(a, read, "sleep");
    release(a, read);
    expect(a.a.held.map((h) => h.cls)).toEqual([
      "cpu_hotplug_lock",
      "flush_lock",
    ]);
    // Taking it again under flush_lock is itself an inversion of cpu_hotplug_lock -> flush_lock.
    expect(codes(s)).toEqual(["lockdep-circular"]);
  });
});

describe("offline_pages (memoryOffline)", () => {
  function offline(variant: VariantName) {
    const s = tasks({ variant }, [{ kind: "memoryOffline" }]);
    const seen: string[] = [];
    let maxRecursion = 0;
    const r = runSession(s, {
      onStep: (ev, m) => {
        seen.push(ev.fn);
        const mine = m.locks.cpuHotplugReaders.filter((x) => x === ev.actor);
        maxRecursion = Math.max(maxRecursion, mine.length);
      },
    });
    return { s, r, seen, maxRecursion };
  }

  it("v5.15 takes cpus_read_lock once and flushes with flush_all_cpus_locked", () => {
    const { r, seen, maxRecursion } = offline("v5.15");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(seen).toContain("flush_all_cpus_locked");
    expect(seen).not.toContain("flush_all");
    expect(maxRecursion).toBe(1);
  });

  it("v4 as posted calls __kmem_cache_shrink -> flush_all, which takes cpus_read_lock again under flush_lock", () => {
    const { r, seen, maxRecursion } = offline("v4");
    // On its own the path closes a cycle: cpu_hotplug_lock -> ... -> flush_lock -> cpu_hotplug_lock.
    expect(r.findings.map((f) => f.code)).toEqual(["lockdep-circular"]);
    expect(r.findings[0]!.message).toMatch(
      /trying to acquire cpu_hotplug_lock while holding flush_lock/,
    );
    expect(seen).toContain("__kmem_cache_shrink");
    expect(seen).toContain("flush_all");
    expect(maxRecursion).toBe(2);
    expect(r.machine.lockdep.edges).toContainEqual([
      "slab_mutex",
      "flush_lock",
    ]);
  });

  it("v5.14 runs it with its IPI flush", () => {
    const { r, seen } = offline("v5.14");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(seen).toContain("flush_all");
  });

  it("flushes and shrinks: empty slabs on the node list are discarded", () => {
    const s = session(
      scenario(
        { variant: "v5.15", cpus: 2 },
        [
          {
            name: "lsbug",
            kind: "task",
            cpu: 0,
            ops: [{ kind: "memoryOffline" }],
          },
        ],
        {
          cache: { objects: 2, cpuPartial: 0, minPartial: 0 },
          prepare: [
            ...allocs("a", 2).map((op) => ({ cpu: 1, op })),
            ...allocs("b", 1).map((op) => ({ cpu: 1, op })),
            ...frees("b", 1).map((op) => ({ cpu: 1, op })),
          ],
        },
      ),
    );
    expect(s.machine.cpuSlab[1]!.page).not.toBeNull();
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.cpuSlab[1]!.page).toBeNull();
    expect(r.machine.pages.filter((p) => p.use === "slab")).toHaveLength(1);
  });
});

describe("kmem_cache_destroy (destroy)", () => {
  it.each(["v5.14", "v5.15", "v4"] as const)(
    "%s: flushes every CPU, frees the node's empty slabs, and refuses later operations",
    (variant) => {
      const s = session(
        scenario(
          { variant, cpus: 2 },
          [
            {
              name: "D",
              kind: "task",
              cpu: 0,
              ops: [{ kind: "destroy" }, { kind: "alloc", slot: "late" }],
            },
          ],
          {
            prepare: [
              ...allocs("a", 2).map((op) => ({ cpu: 1, op })),
              ...frees("a", 2).map((op) => ({ cpu: 1, op })),
              ...allocs("b", 1).map((op) => ({ cpu: 0, op })),
              ...frees("b", 1).map((op) => ({ cpu: 0, op })),
            ],
          },
        ),
      );
      const r = runSession(s);
      expect(r.findings).toEqual([]);
      expect(r.stopReason).toBe("done");
      const m = r.machine;
      expect(m.cache.destroyed).toBe(true);
      expect(m.pages.every((p) => p.use === "free")).toBe(true);
      expect(m.nodes[0]!.nrPartial).toBe(0);
      expect(m.slots.late).toEqual([]);
      expect(m.actors[0]!.note).toMatch(/was destroyed/);
      expect(m.locks).toMatchObject({
        slabMutex: null,
        flushLock: null,
        cpuHotplugReaders: [],
      });
    },
  );

  it("keeps a cache that still has objects, and says so", () => {
    const s = session(
      scenario(
        { variant: "v5.15", cpus: 1 },
        [{ name: "D", kind: "task", cpu: 0, ops: [{ kind: "destroy" }] }],
        { prepare: [{ cpu: 0, op: { kind: "alloc", slot: "kept" } }] },
      ),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.cache.destroyed).toBeUndefined();
    expect(r.machine.actors[0]!.note).toMatch(/still has objects/);
    expect(r.machine.slots.kept).toHaveLength(1);
  });

  it("the v4 table has no flush_all_cpus_locked and an asserting pfmemalloc check", () => {
    const v4 = { ...VARIANTS.v4, fns: kernelTable("v4") };
    expect(v4.rtCapable).toBe(true);
    expect(v4.fns["flush_all_cpus_locked"]).toBeUndefined();
    expect(
      v4.fns["___slab_alloc"]!.steps.some((st) =>
        st.line.includes(
          "!pfmemalloc_match(page, gfpflags))) goto deactivate_slab",
        ),
      ),
    ).toBe(true);
    expect(v4.fns["flush_all"]!.steps[0]!.line).toBe("mutex_lock(&flush_lock)");
    expect(kernelTable("v5.15")["flush_all"]!.steps[0]!.line).toBe(
      "cpus_read_lock()",
    );
  });
});
