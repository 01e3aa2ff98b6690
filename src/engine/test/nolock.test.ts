import { describe, expect, it } from "vitest";
import { runSession } from "../run";
import type { VariantName } from "../variants";
import { nolockTables } from "../kernel/nolock";
import { v515Fns } from "../kernel/v5_15";
import { nolockScenario } from "./nolockScenario";
import {
  actor,
  allocs,
  assertRandomRuns,
  finishOp,
  nmi,
  scenario,
  session,
  stepActor,
  stepUntil,
  task,
} from "./helpers";

const V1 = "v6.15-nolock-v1";
const FROZEN: VariantName = "v6.15-nolock-v1-frozen";

/** CPU 0's cpu slab P0 full (four objects in slot "a"), c->freelist NULL. */
const fullCpuSlab = allocs("a", 4).map((op) => ({ cpu: 0, op }));

/** Task A on CPU 0 runs until it holds CPU 0's local lock inside ___slab_alloc. */
function holdLocalLock(s: ReturnType<typeof session>): void {
  stepUntil(
    s,
    "A",
    (ev) => s.machine.cpuSlab[0]!.lock !== null && ev.fn === "___slab_alloc",
  );
}

describe("kmalloc_nolock", () => {
  it("retries once in the next bucket when an NMI finds the bucket's local lock held", () => {
    const s = session(
      scenario(
        { variant: V1, cpus: 1 },
        [
          task("A", 0, [{ kind: "alloc", slot: "x" }]),
          nmi("bpf", 0, [{ kind: "kmallocNolock", slot: "y", size: 50 }]),
        ],
        { prepare: fullCpuSlab },
      ),
    );
    holdLocalLock(s);
    const evs = finishOp(s, "bpf");
    expect(evs.some((e) => e.notes.some((n) => n.includes("-EBUSY")))).toBe(
      true,
    );
    const st = s.machine.nolock!;
    expect(st.buckets.find((b) => b.name === "kmalloc-96")!.allocated).toBe(1);
    expect(st.buckets.find((b) => b.name === "kmalloc-64")!.modelled).toBe(
      true,
    );
    expect(s.machine.slots.y).toEqual([]);
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.slots.x).toHaveLength(1);
  });

  it("allocates from the modelled bucket when its lock is free, in task context too", () => {
    const s = session(
      scenario({ variant: V1, cpus: 1 }, [
        task("t", 0, [
          { kind: "kmallocNolock", slot: "y", size: 64 },
          { kind: "kmallocNolock", slot: "y", size: 33 },
        ]),
      ]),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.slots.y).toHaveLength(2);
  });

  it("returns NULL above KMALLOC_MAX_CACHE_SIZE and without __CMPXCHG_DOUBLE", () => {
    const big = runSession(
      session(
        scenario({ variant: V1, cpus: 1 }, [
          task("t", 0, [{ kind: "kmallocNolock", slot: "y", size: 9000 }]),
        ]),
      ),
    );
    expect(big.machine.slots.y).toEqual([]);
    expect(big.steps).toBe(1);
    const s = scenario({ variant: V1, cpus: 1 }, [
      task("t", 0, [{ kind: "kmallocNolock", slot: "y", size: 50 }]),
    ]);
    const noDouble = runSession(
      session({ ...s, cache: { ...s.cache, cmpxchgDouble: false } }),
    );
    expect(noDouble.machine.slots.y).toEqual([]);
    expect(noDouble.machine.actors[0]!.note).toContain("__CMPXCHG_DOUBLE");
    expect(noDouble.machine.pages.every((p) => p.use === "free")).toBe(true);
  });

  it("on PREEMPT_RT refuses an NMI caller at once, and serves a task", () => {
    const r = runSession(
      session(
        scenario({ variant: V1, cpus: 1, preemptRt: true }, [
          nmi("bpf", 0, [{ kind: "kmallocNolock", slot: "y", size: 50 }]),
          task("t", 0, [{ kind: "kmallocNolock", slot: "z", size: 50 }]),
        ]),
      ),
    );
    expect(r.findings).toEqual([]);
    expect(r.machine.slots.y).toEqual([]);
    expect(r.machine.slots.z).toHaveLength(1);
    expect(r.machine.actors[0]!.note).toContain("PREEMPT_RT");
  });

  it("does not spin on a list_lock the interrupted task holds: get_partial_node trylocks", () => {
    // P0 on node 0's partial list; task A holds its list_lock when the NMI comes.
    const s = session(
      scenario(
        { variant: V1, cpus: 1 },
        [
          task("A", 0, [{ kind: "alloc", slot: "x" }]),
          nmi("bpf", 0, [{ kind: "kmallocNolock", slot: "y", size: 50 }]),
        ],
        {
          prepare: [
            ...fullCpuSlab,
            { cpu: 0, op: { kind: "free", slot: "a" } },
            { cpu: 0, op: { kind: "flushAll" } },
          ],
        },
      ),
    );
    expect(s.machine.nodes[0]!.partial).toEqual([0]);
    stepUntil(s, "A", () => s.machine.nodes[0]!.listLock !== null);
    const evs = finishOp(s, "bpf");
    expect(evs.some((e) => e.notes.includes("trylock failed"))).toBe(true);
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.slots.y).toHaveLength(1);
    expect(r.machine.slots.x).toHaveLength(1);
  });
});

describe("kfree_nolock", () => {
  it("defers an object whose slab is not the cpu slab; the deferred object is owned; the next slow-path kfree drains it", () => {
    const s = session(
      scenario(
        { variant: V1, cpus: 2 },
        [
          nmi("nmi1", 1, [{ kind: "kfreeNolock", slot: "a" }]),
          task("C", 1, [{ kind: "free", slot: "a" }]),
        ],
        {
          prepare: [
            ...fullCpuSlab,
            { cpu: 1, op: { kind: "alloc", slot: "b" } },
          ],
        },
      ),
    );
    finishOp(s, "nmi1");
    const m = s.machine;
    expect(m.nolock!.deferFreeObjects).toEqual([3]);
    expect(m.findings).toEqual([]);
    // From the slab's side the object is still in use until the drain.
    expect(m.pages[0]!.inuse).toBe(4);
    const evs = finishOp(s, "C");
    expect(evs.map((e) => e.fn)).toContain("free_deferred_objects");
    expect(m.nolock!.deferFreeObjects).toEqual([]);
    expect(m.pages[0]!.inuse).toBe(2);
    // The NMI on CPU 1 wrote the list head first, then C on CPU 1 took it: no transfer.
    expect(m.nolock!.deferLine).toEqual({ cpu: 1, transfers: [0, 0] });
    expect(m.findings).toEqual([]);
  });

  it("defers from an NMI when the cpu slab's lock is held, instead of racing the slow path", () => {
    const s = session(
      scenario(
        { variant: V1, cpus: 1 },
        [
          task("A", 0, [{ kind: "alloc", slot: "x" }]),
          nmi("nmi0", 0, [{ kind: "kfreeNolock", slot: "a" }]),
        ],
        { prepare: fullCpuSlab },
      ),
    );
    holdLocalLock(s);
    const evs = finishOp(s, "nmi0");
    expect(evs.at(-1)!.notes).toContain("deferred");
    expect(s.machine.nolock!.deferFreeObjects).toEqual([3]);
    expect(runSession(s).findings).toEqual([]);
  });

  it("takes the lockless fast path when nothing holds the lock", () => {
    const s = session(
      scenario(
        { variant: V1, cpus: 1 },
        [task("t", 0, [{ kind: "kfreeNolock", slot: "a" }])],
        { prepare: fullCpuSlab },
      ),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.nolock!.deferFreeObjects).toEqual([]);
    expect(r.machine.cpuSlab[0]!.freelist).toBe(3);
  });
});

describe("the compaction scanner", () => {
  it("pins and releases a page-cache page, and skips a frozen slab page", () => {
    const s = session(
      scenario({ variant: FROZEN, cpus: 2 }, [
        task("t", 0, [
          { kind: "kmallocNolock", slot: "y", size: 50 },
          { kind: "allocPageCache", slot: "pc" },
        ]),
        actor("kcompactd")("kcompactd0", 1, [
          { kind: "isolateMigratepages", pfn: 0 },
          { kind: "isolateMigratepages", pfn: 1 },
        ]),
      ]),
    );
    finishOp(s, "t");
    finishOp(s, "t");
    const m = s.machine;
    expect(m.pages[0]!.use).toBe("slab");
    expect(m.pages[1]!.use).toBe("pagecache");
    const skip = finishOp(s, "kcompactd0");
    expect(skip).toHaveLength(1);
    expect(skip[0]!.notes.join()).toContain("refcount 0");
    stepActor(s, "kcompactd0");
    expect(m.nolock!.pageRefs).toEqual([{ page: 1, gen: 1, refcount: 2 }]);
    finishOp(s, "kcompactd0");
    expect(m.nolock!.pageRefs).toEqual([{ page: 1, gen: 1, refcount: 1 }]);
    expect(m.pages[1]!.use).toBe("pagecache");
    expect(m.findings).toEqual([]);
  });
});

// --- property: random schedules with the mechanism in use ---------------------------------------

describe.each([
  { variant: FROZEN, preemptRt: false },
  { variant: FROZEN, preemptRt: true },
])(
  "random schedules with kmalloc_nolock, kfree_nolock and compaction on %o",
  (kernel) => {
    it("never produce a finding; no object is lost or duplicated", () => {
      assertRandomRuns((seed) => nolockScenario(seed, kernel), {
        runs: { numRuns: 150 },
        stats: false,
      });
    });
  },
);

describe("the random nolock scenarios", () => {
  it("exercise the mechanism: -EBUSY retries, re-entry, deferred frees and drains, scans", () => {
    // Without this the property above could hold vacuously.
    const seen = new Set<string>();
    for (let seed = 1; seed <= 150; seed++) {
      const s = session(nolockScenario(seed, {}));
      runSession(s, {
        seed,
        maxSteps: 20_000,
        onStep: (ev) => {
          for (const n of ev.notes) {
            if (n.includes("-EBUSY")) seen.add("ebusy");
            if (n === "deferred") seen.add("deferred");
            if (n.startsWith("tracepoint")) seen.add("reenter");
            if (n.includes("refcount 0")) seen.add("scan");
          }
          if (ev.fn === "free_deferred_objects" && ev.pc === 1)
            seen.add("drain");
        },
      });
    }
    expect([...seen].sort()).toEqual([
      "deferred",
      "drain",
      "ebusy",
      "reenter",
      "scan",
    ]);
  });
});

describe("hook sites", () => {
  const base = v515Fns["___slab_alloc"]!;
  const probed = nolockTables["v6.15-nolock-v1"]["___slab_alloc"]!;

  it("___slab_alloc declares a tracepoint ahead of each unlock and a kprobe on load_freelist's write", () => {
    const hooks = base.steps.flatMap((s, i) => (s.hook ? [[i, s.hook]] : []));
    expect(hooks.filter(([, h]) => h === "load")).toHaveLength(1);
    expect(hooks.filter(([, h]) => h === "unlock")).toHaveLength(7);
    for (const [i, h] of hooks)
      expect(base.steps[i as number]!.line).toMatch(
        h === "load" ? /^c->freelist = / : /local_unlock_irqrestore/,
      );
  });

  it("the nolock variants wrap exactly the steps that declare a hook", () => {
    expect(probed.steps).toHaveLength(base.steps.length);
    probed.steps.forEach((s, i) => {
      const b = base.steps[i]!;
      expect(s.line).toBe(b.line);
      expect(s.run === b.run).toBe(b.hook === undefined);
    });
  });
});
