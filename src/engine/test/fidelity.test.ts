/**
 * What the model says matches what the kernel would do: the words a freed slab page keeps, the
 * RT tree's fast paths and pfmemalloc check, how a freed page's struct page is reported, plain
 * local_lock() under an IRQ on !RT, Mike Galbraith's v2 as posted, and per-CPU kworkers on a CPU
 * going offline.
 */
import { describe, expect, it } from "vitest";
import { buildVariant } from "../kernel";
import { VARIANTS, type VariantName } from "../variants";
import { getFreepointer, localLock, localUnlock } from "../prims";
import { runSession, start, type Session } from "../run";
import type { Scenario } from "../scenario";
import { LRU_GARBAGE } from "../types";
import { ctx, finishOp, scenario, session, stepUntil } from "./helpers";

const lines = (variant: VariantName, fnName: string, rt = true): string[] =>
  buildVariant({
    kernel: variant,
    preemptRt: rt,
    cpuPartial: true,
  }).fns[fnName]!.steps.map((s) => s.line);

describe("a freed slab page: the words the kernel writes over", () => {
  /** Two empty slabs on CPU 0's partial list (P1 -> P0), then a flush discards both. */
  const twoEmpty = (): Scenario =>
    scenario(
      { variant: "v5.15", cpus: 1, pagePool: 8 },
      [{ name: "F", kind: "task", cpu: 0, ops: [{ kind: "flushAll" }] }],
      {
        cache: { objects: 2, cpuPartial: 8, minPartial: 0 },
        prepare: [
          ...["a", "a", "b", "b", "c"].map((slot) => ({
            cpu: 0,
            op: { kind: "alloc" as const, slot },
          })),
          ...["a", "a", "b", "b"].map((slot) => ({
            cpu: 0,
            op: { kind: "free" as const, slot },
          })),
        ],
      },
    );

  it("__unfreeze_partials links its discard list through page->next, newest first", () => {
    const s = start(twoEmpty());
    const m = s.machine;
    expect(m.cpuSlab[0]!.partial).toBe(1);
    expect(m.pages[1]!.next).toBe(0);
    const poolTop = m.freePages.at(-1)!;
    runSession(s);
    // P1 was unfrozen first, so P0 heads the discard list and is freed first.
    expect(m.freePages.slice(-2)).toEqual([0, 1]);
    // The page allocator queued each freed page in front of the previous hottest one.
    expect(m.pages[0]!.next).toBe(poolTop);
    expect(m.pages[1]!.next).toBe(0);
  });

  it("the page allocator writes freelist (the migratetype) and lru.prev (pages/pobjects)", () => {
    const s = start(twoEmpty());
    runSession(s);
    const p = s.machine.pages[1]!;
    expect(p.use).toBe("free");
    expect(p.freelist).toBeNull();
    expect({ pages: p.pages, pobjects: p.pobjects }).toEqual(LRU_GARBAGE);
  });
});

describe("rt-2021-07 is the RT tree as it was", () => {
  it("its fast paths take the local lock on RT; only the what-if variant is lockless", () => {
    const rt = lines("rt-2021-07", "slab_alloc_node");
    expect(rt.some((l) => l.includes("PREEMPT_RT ||"))).toBe(true);
    const whatif = lines("rt-2021-07-lockless-whatif", "slab_alloc_node");
    expect(whatif.some((l) => l.includes("PREEMPT_RT ||"))).toBe(false);
    expect(VARIANTS["rt-2021-07-lockless-whatif"].title).toMatch(
      /hypothetical/i,
    );
    expect(VARIANTS["rt-2021-07-lockless-whatif"].rtCapable).toBe(true);
  });

  it("an RT allocation with objects on c->freelist still takes __slab_alloc", () => {
    const run = (variant: VariantName) => {
      const s = start(
        scenario({ variant, cpus: 1, preemptRt: true }, [
          {
            name: "A",
            kind: "task",
            cpu: 0,
            ops: [
              { kind: "alloc", slot: "x" },
              { kind: "alloc", slot: "x" },
            ],
          },
        ]),
      );
      runSession(s);
      return s.machine.stats[0]!["alloc_fastpath"] ?? 0;
    };
    expect(run("rt-2021-07")).toBe(0);
    expect(run("rt-2021-07-lockless-whatif")).toBe(1);
  });

  it("its unlocked pfmemalloc peek asserts PageSlab (Clark Williams' VM_BUG_ON); v5.15's does not", () => {
    const peek = (v: VariantName) =>
      lines(v, "___slab_alloc").find((l) => l.includes("pfmemalloc_match"))!;
    for (const v of [
      "rt-2021-07",
      "rt-2021-07-mike-v2",
      "rt-2021-07-vlastimil",
      "rt-2021-07-bent-up-half",
      "rt-2021-07-naive-lock",
    ] as const)
      expect(peek(v)).toMatch(/!pfmemalloc_match\(page/);
    expect(peek("v5.15")).toMatch(/pfmemalloc_match_unsafe/);
  });
});

describe("how a use of a freed page is reported", () => {
  const freed = (kasan: boolean) => {
    const s = session(
      scenario({ variant: "v5.15", kasan }, [
        { name: "A", kind: "task", cpu: 0, ops: [] },
      ]),
    );
    return s;
  };

  it("object memory of a freed page: KASAN's report with KASAN on, none without", () => {
    for (const kasan of [true, false]) {
      const s = freed(kasan);
      const k = ctx(s, "A");
      const obj = 3 * s.machine.cache.objects;
      expect(s.machine.pages[3]!.use).toBe("free");
      getFreepointer(k, obj);
      const msg = s.machine.findings.at(-1)!.message;
      if (kasan) expect(msg).toMatch(/^BUG: KASAN: use-after-free/);
      else
        expect(msg).toMatch(
          /^slabscope: .*no kernel report without KASAN; the value is garbage/,
        );
    }
  });
});

describe("plain local_lock() on !RT", () => {
  it("an IRQ nesting over the holder is a lockdep warning, not a deadlock", () => {
    const s = session(
      scenario({ variant: "v5.15", lockdep: true }, [
        { name: "A", kind: "task", cpu: 0, ops: [] },
        { name: "I", kind: "irq", cpu: 0, ops: [] },
      ]),
    );
    const m = s.machine;
    const a = ctx(s, "A");
    m.cpus[0]!.current = a.a.id;
    expect(localLock(a)).toBe(true);
    const i = ctx(s, "I");
    m.cpus[0]!.irq = i.a.id;
    expect(localLock(i)).toBe(true);
    expect(i.a.wait).toBeNull();
    localUnlock(i);
    const codes = m.findings.map((f) => f.code);
    expect(codes).toEqual(["lockdep-irq-unsafe"]);
    expect(m.findings[0]!.message).toMatch(/inconsistent lock state/);
  });
});

describe("Mike Galbraith's v2 as posted", () => {
  it("slub_cpu_dead takes the local lock around __flush_cpu_slab", () => {
    const l = lines("rt-2021-07-mike-v2", "slub_cpu_dead");
    expect(l.findIndex((x) => x.includes("local_lock("))).toBeLessThan(
      l.findIndex((x) => x.includes("__flush_cpu_slab")),
    );
    expect(l.some((x) => x.includes("local_unlock("))).toBe(true);
  });

  it("on RT with memcg, offlining a CPU with partial slabs runs clean (the lock is held)", () => {
    const s = start(
      scenario(
        {
          variant: "rt-2021-07-mike-v2",
          cpus: 2,
          preemptRt: true,
          memcg: true,
          lockdep: true,
        },
        [
          {
            name: "H",
            kind: "hotplug",
            cpu: 0,
            ops: [{ kind: "cpuOffline", cpu: 1 }],
          },
        ],
        {
          cache: { objects: 2, cpuPartial: 8, minPartial: 0 },
          prepare: [
            ...["a", "a", "b"].map((slot) => ({
              cpu: 1,
              op: { kind: "alloc" as const, slot, account: true },
            })),
            { cpu: 1, op: { kind: "free" as const, slot: "a" } },
          ],
        },
      ),
    );
    expect(s.machine.cpuSlab[1]!.partial).not.toBeNull();
    const h = s.machine.actors.find((a) => a.name === "H")!;
    // The discard loop drops the lock, so look where __flush_cpu_slab runs.
    let lockedFlush = false;
    const r = runSession(s, {
      onStep: () => {
        const top = h.frames.at(-1);
        if (
          top?.fn === "__flush_cpu_slab" &&
          h.held.some((l) => l.ref.kind === "cpuSlab")
        )
          lockedFlush = true;
      },
    });
    expect(lockedFlush).toBe(true);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(s.machine.cpuSlab[1]!.partial).toBeNull();
  });

  it("__unfreeze_partials drops and retakes the lock on RT with memcg whoever calls it", () => {
    const l = lines("rt-2021-07-mike-v2", "__unfreeze_partials");
    expect(l.some((x) => x.includes("lockdep_assert_held"))).toBe(true);
  });
});

describe("a CPU going offline under a per-CPU kworker", () => {
  const offline: Scenario = scenario(
    { variant: "v5.15", cpus: 2, pagePool: 12 },
    [
      {
        name: "T",
        kind: "task",
        cpu: 1,
        ops: [
          { kind: "alloc", slot: "a" },
          { kind: "alloc", slot: "a" },
          { kind: "free", slot: "a" },
        ],
      },
      { name: "W", kind: "kworker", cpu: 1, ops: [{ kind: "flushAll" }] },
      {
        name: "H",
        kind: "hotplug",
        cpu: 0,
        ops: [{ kind: "cpuOffline", cpu: 1 }],
      },
    ],
  );

  it("unbinds the worker asleep in cpus_read_lock() instead of refusing the takedown (seed 5)", () => {
    const s = start(offline);
    const r = runSession(s, { seed: 5 });
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    const w = s.machine.actors.find((a) => a.name === "W")!;
    expect(w.unboundFrom).toBe(1);
    expect(w.cpu).toBe(0);
  });

  it("no false deadlock over 300 random schedules", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = runSession(start(offline), { seed });
      expect(r.findings.map((f) => f.code)).toEqual([]);
    }
  });

  it("the worker is bound again when its CPU comes back", () => {
    const s = start(
      scenario(
        { variant: "v5.15", cpus: 2 },
        [
          { name: "W", kind: "kworker", cpu: 1, ops: [{ kind: "flushAll" }] },
          {
            name: "H",
            kind: "hotplug",
            cpu: 0,
            ops: [
              { kind: "cpuOffline", cpu: 1 },
              { kind: "cpuOnline", cpu: 1 },
            ],
          },
        ],
        { schedule: { steps: ["H*3"], rest: "round-robin" } },
      ),
    );
    const m = s.machine;
    const w = m.actors.find((a) => a.name === "W")!;
    let unbound = false;
    runSession(s, {
      onStep: () => {
        if (w.unboundFrom === 1 && w.cpu === 0) unbound = true;
      },
    });
    expect(unbound).toBe(true);
    expect(m.findings).toEqual([]);
    expect(w.unboundFrom).toBeUndefined();
    expect(w.cpu).toBe(1);
  });
});

describe("get_any_partial", () => {
  /**
   * CPU 0 (node 0) has a full cpu slab and no partial slab anywhere: A's allocation goes to
   * get_any_partial. Before its zonelist walk, B on CPU 1 frees into full P0 (node 0) and P1
   * (node 1), which both go on their node's partial list.
   */
  const raced = (): Session => {
    const slots = ["p0a", "p0b", "p1a", "p1b", "p2a", "p2b"];
    const s = start(
      scenario(
        { variant: "v5.15", cpus: 2, nodes: 2, cpuPartial: false },
        [
          {
            name: "A",
            kind: "task",
            cpu: 0,
            ops: [{ kind: "alloc", slot: "x" }],
          },
          {
            name: "B",
            kind: "task",
            cpu: 1,
            ops: [
              { kind: "free", slot: "p0a" },
              { kind: "free", slot: "p1a" },
            ],
          },
        ],
        {
          cache: { objects: 2, cpuPartial: 0, minPartial: 0 },
          prepare: slots.map((slot) => ({
            cpu: 0,
            op: { kind: "alloc" as const, slot },
          })),
        },
      ),
    );
    const a = s.machine.actors.find((x) => x.name === "A")!;
    stepUntil(s, "A", () => a.frames.at(-1)?.fn === "get_any_partial");
    finishOp(s, "B");
    finishOp(s, "B");
    return s;
  };

  it("walks the zonelist from the local node: a slab freed into it meanwhile is taken first", () => {
    const s = raced();
    const m = s.machine;
    expect(m.nodes.map((n) => n.partial)).toEqual([[0], [1]]);
    finishOp(s, "A");
    // A took P0 from its own node, where the kernel's zonelist starts, not P1 from node 1.
    expect(m.cpuSlab[0]!.page).toBe(0);
    expect(m.nodes.map((n) => n.partial)).toEqual([[], [1]]);
    expect(m.findings).toEqual([]);
  });
});

describe("v5.14 flush_all in kernel/smp.c's order", () => {
  it("tests its own CPU's has_cpu_slab after the IPIs: an IRQ that fills the cpu slab before then gets it flushed", () => {
    const s = start(
      scenario({ variant: "v5.14", cpus: 2 }, [
        { name: "F", kind: "task", cpu: 0, ops: [{ kind: "flushAll" }] },
        { name: "I", kind: "irq", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      ]),
    );
    const m = s.machine;
    const f = m.actors.find((a) => a.name === "F")!;
    expect(m.cpuSlab[0]!.page).toBeNull();
    // F has tested every CPU's condition it tests before sending the IPIs.
    stepUntil(
      s,
      "F",
      () => f.frames.at(-1)?.fn === "flush_all" && f.frames.at(-1)!.pc === 2,
    );
    finishOp(s, "I");
    expect(m.cpuSlab[0]!.page).not.toBeNull();
    finishOp(s, "F");
    expect(m.cpuSlab[0]!.page).toBeNull();
    expect(m.findings).toEqual([]);
  });
});
