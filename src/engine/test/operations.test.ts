import { describe, expect, it } from "vitest";
import { cloneMachine, step, StepRefused } from "../machine";
import { runSession } from "../run";
import { choicesFor, enabled } from "../scheduler";
import {
  allocs,
  finishOp,
  frees,
  scenario,
  session,
  stepActor,
  stepUntil,
} from "./helpers";

describe("allocation", () => {
  it("the first allocation takes the slow path into a new slab, the rest come from the cpu freelist", () => {
    const s = session(
      scenario({}, [{ name: "A", kind: "task", cpu: 0, ops: allocs("x", 3) }]),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    const m = r.machine;
    expect(m.stats[0]).toMatchObject({
      alloc_slowpath: 1,
      alloc_slab: 1,
      alloc_fastpath: 2,
    });
    expect(m.slots.x).toEqual([0, 1, 2]);
    expect(m.cpuSlab[0]!.page).toBe(0);
    expect(m.cpuSlab[0]!.freelist).toBe(3);
    const p = m.pages[0]!;
    expect(p).toMatchObject({
      use: "slab",
      frozen: true,
      inuse: 4,
      freelist: null,
    });
  });

  it("a full cpu slab is unfrozen and bypassed when the next allocation finds no free object", () => {
    const s = session(
      scenario({}, [{ name: "A", kind: "task", cpu: 0, ops: allocs("x", 5) }]),
    );
    const m = runSession(s).machine;
    expect(m.stats[0]!.deactivate_bypass).toBe(1);
    expect(m.pages[0]).toMatchObject({ frozen: false, inuse: 4 });
    expect(m.cpuSlab[0]!.page).toBe(1);
    expect(m.nodes[0]!.partial).toEqual([]);
  });
});

describe("free", () => {
  it("a free to a full slab freezes it and puts it on this cpu partial list", () => {
    for (const variant of ["v5.14", "v5.15"] as const) {
      const s = session(
        scenario(
          { variant },
          [{ name: "B", kind: "task", cpu: 1, ops: frees("x", 1) }],
          {
            prepare: [...allocs("x", 4), ...allocs("y", 1)].map((op) => ({
              cpu: 0,
              op,
            })),
          },
        ),
      );
      // P0 is full and unfrozen, on no list; CPU 0 has moved on to P1.
      expect(s.machine.pages[0]).toMatchObject({ frozen: false, inuse: 4 });
      const r = runSession(s);
      expect(r.findings).toEqual([]);
      const m = r.machine;
      expect(m.pages[0]).toMatchObject({ frozen: true, inuse: 3 });
      expect(m.cpuSlab[1]!.partial).toBe(0);
      expect(m.pages[0]!.pobjects).toBe(1);
      expect(m.stats[1]).toMatchObject({
        free_slowpath: 1,
        cpu_partial_free: 1,
      });
    }
  });

  it("drains the partial list to the node once pobjects exceeds cpu_partial", () => {
    for (const variant of ["v5.14", "v5.15"] as const) {
      // Four full slabs on CPU 0 (the fifth is the cpu slab); CPU 1 frees one object of each.
      const prepare = [
        ...["a", "b", "c", "d"].flatMap((slot) => allocs(slot, 4)),
        ...allocs("e", 1),
      ].map((op) => ({ cpu: 0, op }));
      const s = session({
        ...scenario(
          { variant },
          [
            {
              name: "B",
              kind: "task",
              cpu: 1,
              ops: ["a", "b", "c", "d"].flatMap((x) => frees(x, 1)),
            },
          ],
          { prepare },
        ),
        cache: { objects: 4, cpuPartial: 2, minPartial: 5 },
      });
      const r = runSession(s);
      expect(r.findings).toEqual([]);
      const m = r.machine;
      // The fourth freeze found pobjects 3 > 2: the three slabs before it went to the node list.
      expect(m.stats[1]!.cpu_partial_drain).toBe(1);
      expect(m.nodes[0]!.nrPartial).toBe(3);
      expect(m.cpuSlab[1]!.partial).not.toBeNull();
      expect(m.pages[m.cpuSlab[1]!.partial!]!).toMatchObject({
        frozen: true,
        pages: 1,
        pobjects: 1,
      });
      for (const pid of m.nodes[0]!.partial)
        expect(m.pages[pid]!.frozen).toBe(false);
    }
  });

  it("an empty slab beyond min_partial goes back to the page allocator and can be reused as page cache", () => {
    const s = session({
      ...scenario(
        { variant: "v5.15", cpus: 1 },
        [
          {
            name: "A",
            kind: "task",
            cpu: 0,
            ops: [
              ...frees("x", 4),
              { kind: "flushAll" },
              { kind: "allocPageCache", slot: "pc" },
            ],
          },
        ],
        { prepare: allocs("x", 4).map((op) => ({ cpu: 0, op })) },
      ),
      cache: { objects: 4, cpuPartial: 8, minPartial: 0 },
    });
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    const m = r.machine;
    expect(m.stats[0]!.free_slab).toBe(1);
    expect(m.pageSlots.pc).toEqual([0]);
    expect(m.pages[0]).toMatchObject({ use: "pagecache", gen: 2 });
  });
});

describe("the slow path re-checks what it peeked at (v5.15)", () => {
  it("goes back to reread_page when an IRQ replaced c->page while irqs were on", () => {
    // P0 is CPU 0's cpu slab, full: the next allocation must take the slow path.
    const s = session(
      scenario(
        { variant: "v5.15" },
        [
          { name: "A", kind: "task", cpu: 0, ops: allocs("y", 1) },
          { name: "I", kind: "irq", cpu: 0, ops: allocs("z", 1) },
        ],
        { prepare: allocs("x", 4).map((op) => ({ cpu: 0, op })) },
      ),
    );
    stepUntil(s, "A", (ev) => ev.line.startsWith("page = READ_ONCE(c->page)"));
    expect(s.machine.cpuSlab[0]!.page).toBe(0);
    finishOp(s, "I"); // the IRQ deactivates P0 and installs P1
    expect(s.machine.cpuSlab[0]!.page).toBe(1);
    const rest = finishOp(s, "A");
    expect(rest.some((ev) => ev.line.includes("goto reread_page"))).toBe(true);
    expect(s.machine.findings).toEqual([]);
    expect(s.machine.slots.y).toEqual([5]);
  });
});

describe("the scheduler", () => {
  it("lets no IRQ in while a v5.14 slow path has irqs disabled", () => {
    const s = session(
      scenario({ variant: "v5.14" }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("y", 1) },
        { name: "I", kind: "irq", cpu: 0, ops: allocs("z", 1) },
      ]),
    );
    const irq = s.machine.actors.find((a) => a.name === "I")!;
    expect(choicesFor(s.machine, irq).length).toBe(1);
    stepUntil(s, "A", (ev) => ev.fn === "___slab_alloc");
    expect(s.machine.cpus[0]!.irqsOff).toBe(true);
    expect(choicesFor(s.machine, irq)).toEqual([]);
    expect(() => stepActor(s, "I")).toThrow();
  });

  it("lets the IRQ in during the same window on v5.15, where irqs stay on outside the lock", () => {
    const s = session(
      scenario({ variant: "v5.15" }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("y", 1) },
        { name: "I", kind: "irq", cpu: 0, ops: allocs("z", 1) },
      ]),
    );
    stepUntil(s, "A", (ev) => ev.fn === "___slab_alloc");
    const irq = s.machine.actors.find((a) => a.name === "I")!;
    expect(choicesFor(s.machine, irq).map((c) => c.via)).toEqual(["irq-entry"]);
  });

  it("refuses a step that is not enabled, and the pure step leaves its input untouched", () => {
    const s = session(
      scenario({}, [{ name: "A", kind: "task", cpu: 0, ops: allocs("x", 1) }]),
    );
    const before = JSON.stringify(s.machine);
    const ch = enabled(s.machine)[0]!;
    const { machine } = step(s.machine, s.variant, ch);
    expect(JSON.stringify(s.machine)).toBe(before);
    expect(machine.step).toBe(1);
    expect(() => step(s.machine, s.variant, { actor: 99, cpu: 0 })).toThrow(
      StepRefused,
    );
    const copy = cloneMachine(s.machine);
    expect(copy).toEqual(s.machine);
  });

  it("blocks a contending task on PREEMPT_RT instead of letting it spin", () => {
    const s = session(
      scenario({ variant: "v5.15", preemptRt: true, cpus: 1 }, [
        { name: "A", kind: "task", cpu: 0, ops: allocs("x", 1) },
        { name: "B", kind: "task", cpu: 0, ops: allocs("y", 1) },
      ]),
    );
    stepUntil(s, "A", (ev) => ev.line.startsWith("retry_load_page"));
    expect(s.machine.cpuSlab[0]!.lock).toBe(0);
    // B preempts A (RT: the lock holder is preemptible) and blocks on the local lock.
    const evs = stepUntil(s, "B", (ev) => ev.notes.includes("block"));
    expect(evs.at(-1)!.line).toContain("local_lock_irqsave");
    const b = s.machine.actors.find((a) => a.name === "B")!;
    expect(choicesFor(s.machine, b)).toEqual([]);
    finishOp(s, "A");
    finishOp(s, "B");
    expect(s.machine.findings).toEqual([]);
  });
});

describe("determinism", () => {
  it("gives the same trace for the same scenario, byte for byte", () => {
    const sc = scenario({ variant: "v5.15", cpus: 2 }, [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [...allocs("x", 6), { kind: "flushAll" }],
      },
      { name: "B", kind: "task", cpu: 1, ops: frees("x", 6) },
      { name: "I", kind: "irq", cpu: 0, ops: allocs("z", 2) },
    ]);
    const trace = (): string => {
      const evs: unknown[] = [];
      runSession(session(sc), { onStep: (ev) => evs.push(ev) });
      return JSON.stringify(evs);
    };
    expect(trace()).toBe(trace());
  });
});
