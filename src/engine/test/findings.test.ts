import { describe, expect, it } from "vitest";
import { buildVariant } from "../kernel";
import { applyChoice, configOf, load } from "../machine";
import { fn, ret } from "../program";
import {
  acquire,
  mutexLock,
  preemptDisable,
  release,
  spinLockNode,
  vmBugOn,
} from "../prims";
import { runSession, type Session } from "../run";
import type { Scenario } from "../scenario";
import { choicesFor } from "../scheduler";
import type { FindingCode } from "../types";
import { allocs, frees, scenario, session, ctx } from "./helpers";

const codes = (s: Session): FindingCode[] =>
  s.machine.findings.map((f) => f.code);

function twoTasks(): Session {
  return session(
    scenario({ variant: "v5.15" }, [
      { name: "A", kind: "task", cpu: 0, ops: [] },
      { name: "B", kind: "task", cpu: 1, ops: [] },
      { name: "I", kind: "irq", cpu: 0, ops: [] },
    ]),
  );
}

describe("lockdep and lock findings", () => {
  it("reports a circular dependency: slab_mutex -> flush_lock, then flush_lock -> slab_mutex", () => {
    const s = twoTasks();
    const a = ctx(s, "A");
    expect(mutexLock(a, { kind: "slabMutex" })).toBe(true);
    expect(mutexLock(a, { kind: "flushLock" })).toBe(true);
    release(a, { kind: "flushLock" });
    release(a, { kind: "slabMutex" });
    const b = ctx(s, "B");
    mutexLock(b, { kind: "flushLock" });
    mutexLock(b, { kind: "slabMutex" });
    expect(codes(s)).toEqual(["lockdep-circular"]);
    expect(s.machine.findings[0]!.message).toMatch(
      /possible circular locking dependency/,
    );
  });

  it("reports recursion and a self-deadlock when a context retakes a lock it holds", () => {
    const s = twoTasks();
    const a = ctx(s, "A");
    expect(spinLockNode(a, 0, true)).toBe(true);
    expect(spinLockNode(a, 0, true)).toBe(false);
    expect(codes(s)).toEqual(["lockdep-recursion", "deadlock"]);
  });

  it("reports a lock taken in hardirq context and also with irqs enabled", () => {
    const s = twoTasks();
    const m = s.machine;
    const i = ctx(s, "I");
    m.cpus[0]!.irq = i.a.id;
    m.cpus[0]!.irqsOff = true;
    expect(spinLockNode(i, 0, false)).toBe(true);
    release(i, { kind: "listLock", node: 0 });
    m.cpus[0]!.irq = null;
    m.cpus[0]!.irqsOff = false;
    const b = ctx(s, "B");
    expect(acquire(b, { kind: "listLock", node: 0 }, "spin")).toBe(true);
    expect(codes(s)).toEqual(["lockdep-irq-unsafe"]);
  });

  it("reports a deadlock when an IRQ spins on a lock held by the task it interrupted", () => {
    const s = twoTasks();
    const m = s.machine;
    const a = ctx(s, "A");
    m.cpus[0]!.current = a.a.id;
    expect(spinLockNode(a, 0, true)).toBe(true);
    const i = ctx(s, "I");
    m.cpus[0]!.irq = i.a.id;
    expect(spinLockNode(i, 0, false)).toBe(false);
    expect(codes(s)).toContain("deadlock");
    expect(s.machine.findings.at(-1)!.message).toMatch(
      /the context it interrupted/,
    );
  });

  it("reports sleeping in atomic context", () => {
    const s = twoTasks();
    const a = ctx(s, "A");
    preemptDisable(a);
    mutexLock(a, { kind: "slabMutex" });
    expect(codes(s)).toEqual(["sleep-in-atomic"]);
    expect(s.machine.findings[0]!.message).toMatch(
      /^BUG: sleeping function called from invalid context/,
    );
  });
});

describe("findings from running code", () => {
  it.each([false, true])(
    "reports a double free, then the corrupted freelist it leaves behind (KASAN %s)",
    (kasan) => {
      const s = session(
        scenario({ variant: "v5.15", cpus: 1, kasan }, [
          {
            name: "A",
            kind: "task",
            cpu: 0,
            ops: [
              ...allocs("x", 1),
              { kind: "free", slot: "x", keep: true },
              ...frees("x", 1),
            ],
          },
        ]),
      );
      const r = runSession(s);
      expect(codes(s)[0]).toBe("double-free");
      expect(codes(s)).toContain("freelist-corrupt");
      // KASAN's report with KASAN on; without it the kernel says nothing.
      expect(r.findings[0]!.message).toMatch(
        kasan
          ? /^BUG: KASAN: double-free or invalid-free in kmem_cache_free/
          : /^slabscope: kmem_cache_free frees object .*already free \(no kernel report without KASAN/,
      );
    },
  );

  it("a kept pointer after a single free is only dangling: no finding", () => {
    const s = session(
      scenario({ variant: "v5.15", cpus: 1 }, [
        {
          name: "A",
          kind: "task",
          cpu: 0,
          ops: [...allocs("x", 1), { kind: "free", slot: "x", keep: true }],
        },
      ]),
    );
    expect(runSession(s).findings).toEqual([]);
  });

  // Variants are tables: a test can compose a deliberately broken one.
  // v5.15 with a slab_alloc_node that leaks preemption and asserts.
  const brokenSession = (s: Scenario): Session => {
    const v515 = buildVariant(configOf(s));
    const variant = {
      ...v515,
      name: "test-broken",
      fns: { ...v515.fns, ...brokenFns },
    };
    return { scenario: s, variant, machine: load(s, variant) };
  };
  const brokenFns = {
    slab_alloc_node: fn("slab_alloc_node", [
      {
        line: "preempt_disable(); VM_BUG_ON(1 == 1) when the slot is 'bug'; return NULL",
        run: (k) => {
          preemptDisable(k);
          if (
            vmBugOn(
              k,
              k.a.ops[k.a.op]!.kind === "alloc" &&
                (k.a.ops[k.a.op] as { slot: string }).slot === "bug",
              "1 == 1",
            )
          )
            return { kind: "halt" };
          return ret(null);
        },
      },
    ]),
  };

  it("reports a preemption count leaked by an operation (preempt-leak)", () => {
    const s = brokenSession(
      scenario({ cpus: 1 }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("x", 1) },
      ]),
    );
    runSession(s);
    expect(codes(s)).toEqual(["preempt-leak"]);
    expect(s.machine.findings[0]!.message).toMatch(/preempt count 1/);
  });

  it("reports VM_BUG_ON only with CONFIG_DEBUG_VM, and BUG() stops the actor", () => {
    const off = brokenSession(
      scenario({ cpus: 1 }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("bug", 1) },
      ]),
    );
    runSession(off);
    expect(codes(off)).not.toContain("vm-bug-on");
    const on = brokenSession(
      scenario({ cpus: 1, debugVm: true }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("bug", 1) },
      ]),
    );
    const r = runSession(on);
    expect(codes(on)).toEqual(["vm-bug-on"]);
    expect(r.stopReason).toBe("crashed");
    expect(on.machine.actors[0]!.status).toBe("crashed");
  });
});

describe("state checks catch a corrupted machine", () => {
  function afterOneStep(mutate: (s: Session) => void): Session {
    const s = session(
      scenario(
        { variant: "v5.15" },
        [
          {
            name: "P",
            kind: "task",
            cpu: 1,
            ops: [{ kind: "allocPageCache", slot: "pc" }],
          },
        ],
        {
          prepare: [...allocs("a", 4), ...allocs("b", 1), ...frees("a", 2)].map(
            (op, i) => ({ cpu: i < 5 ? 0 : 1, op }),
          ),
        },
      ),
    );
    mutate(s);
    const p = s.machine.actors.find((a) => a.name === "P")!;
    applyChoice(s.machine, s.variant, choicesFor(s.machine, p)[0]!);
    return s;
  }

  it("slab-lost: a frozen slab dropped from its CPU's partial list", () => {
    const s = afterOneStep((x) => (x.machine.cpuSlab[1]!.partial = null));
    expect(codes(s)).toEqual(["slab-lost"]);
  });

  it("list-corrupt: nr_partial out of step with the list", () => {
    const s = afterOneStep((x) => (x.machine.nodes[0]!.nrPartial = 3));
    expect(codes(s)).toEqual(["list-corrupt"]);
  });

  it("object-leak: an object dropped from the cpu freelist", () => {
    const s = afterOneStep((x) => (x.machine.cpuSlab[0]!.freelist = null));
    // The three free objects of CPU 0's cpu slab; inuse still counts them, as it should.
    expect(codes(s)).toEqual(["object-leak", "object-leak", "object-leak"]);
  });

  it("double-alloc: an allocated object put back on a freelist", () => {
    const s = afterOneStep((x) => {
      const m = x.machine;
      const b = m.slots.b![0]!;
      m.pages[Math.floor(b / 4)]!.fp[b % 4] = m.cpuSlab[0]!.freelist;
      m.cpuSlab[0]!.freelist = b;
    });
    expect(codes(s)).toContain("double-alloc");
  });
});
