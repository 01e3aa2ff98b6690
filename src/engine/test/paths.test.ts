import { describe, expect, it } from "vitest";
import { runSession } from "../run";
import type { Op } from "../types";
import {
  allocs,
  finishOp,
  frees,
  scenario,
  session,
  stepUntil,
} from "./helpers";
import type { VariantName } from "../variants";

const onCpu = (cpu: number, ops: Op[]) => ops.map((op) => ({ cpu, op }));

describe("flush_all", () => {
  // CPU 0 holds a cpu slab with free objects and a frozen slab on its partial list.
  const prepare = [
    ...onCpu(0, [...allocs("a", 4), ...allocs("b", 1)]),
    ...onCpu(1, frees("a", 1)),
  ];

  it("v5.14 flushes remote CPUs with an IPI handled in hardirq context", () => {
    const s = session(
      scenario(
        { variant: "v5.14" },
        [{ name: "F", kind: "task", cpu: 1, ops: [{ kind: "flushAll" }] }],
        {
          prepare,
        },
      ),
    );
    expect(s.machine.cpuSlab[0]!.page).toBe(1);
    const evs: { actor: string; via: string; fn: string }[] = [];
    const r = runSession(s, {
      onStep: (ev, m) =>
        evs.push({ actor: m.actors[ev.actor]!.name, via: ev.via, fn: ev.fn }),
    });
    expect(r.findings).toEqual([]);
    expect(evs).toContainEqual({
      actor: "ipi/0",
      via: "irq-entry",
      fn: "flush_cpu_slab",
    });
    expect(evs.some((e) => e.actor.startsWith("kworker"))).toBe(false);
    const m = r.machine;
    expect(m.cpuSlab[0]).toMatchObject({
      page: null,
      freelist: null,
      partial: null,
    });
    expect(m.cpuSlab[1]).toMatchObject({ page: null, partial: null });
    expect(m.stats[0]!.cpuslab_flush).toBe(1);
  });

  it("v5.15 queues work on the CPU's kworker and sleeps in flush_work", () => {
    const s = session(
      scenario(
        { variant: "v5.15" },
        [{ name: "F", kind: "task", cpu: 1, ops: [{ kind: "flushAll" }] }],
        {
          prepare,
        },
      ),
    );
    const evs: { actor: string; fn: string; notes: string[] }[] = [];
    const r = runSession(s, {
      onStep: (ev, m) =>
        evs.push({
          actor: m.actors[ev.actor]!.name,
          fn: ev.fn,
          notes: ev.notes,
        }),
    });
    expect(r.findings).toEqual([]);
    expect(
      evs.some((e) => e.actor === "kworker/0" && e.fn === "flush_cpu_slab"),
    ).toBe(true);
    expect(evs.some((e) => e.actor.startsWith("ipi/"))).toBe(false);
    expect(
      evs.some(
        (e) =>
          e.actor === "F" &&
          e.fn === "flush_all_cpus_locked" &&
          e.notes.includes("block"),
      ),
    ).toBe(true);
    expect(r.machine.cpuSlab[0]).toMatchObject({
      page: null,
      freelist: null,
      partial: null,
    });
    // The slabs went to the node partial list (min_partial keeps empty ones too).
    expect(r.machine.nodes[0]!.nrPartial).toBe(2);
  });
});

describe("CPU hotplug", () => {
  it("slub_cpu_dead flushes the dead CPU's slabs on the hotplug thread", () => {
    for (const variant of ["v5.14", "v5.15"] as const) {
      const s = session(
        scenario(
          { variant },
          [
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
          {
            prepare: [
              ...onCpu(1, [...allocs("a", 4), ...allocs("b", 1)]),
              ...onCpu(0, frees("a", 1)),
            ],
          },
        ),
      );
      expect(s.machine.cpuSlab[1]!.page).not.toBeNull();
      const seen: string[] = [];
      const r = runSession(s, { onStep: (ev) => seen.push(ev.fn) });
      expect(r.findings).toEqual([]);
      expect(seen).toContain("slub_cpu_dead");
      expect(r.machine.cpuSlab[1]).toMatchObject({
        page: null,
        freelist: null,
        partial: null,
      });
      expect(r.machine.cpus[1]!.online).toBe(true);
      expect(r.machine.locks).toMatchObject({
        slabMutex: null,
        cpuHotplugWriter: null,
      });
    }
  });

  it("waits for a task that disabled migration before taking its CPU down", () => {
    const s = session(
      scenario({ variant: "v5.15", preemptRt: true }, [
        { name: "A", kind: "task", cpu: 1, ops: allocs("x", 1) },
        {
          name: "H",
          kind: "hotplug",
          cpu: 0,
          ops: [{ kind: "cpuOffline", cpu: 1 }],
        },
      ]),
    );
    stepUntil(s, "A", (ev) => ev.fn === "___slab_alloc"); // migrate_disable()d in __slab_alloc
    const evs = stepUntil(s, "H", (ev) => ev.notes.includes("block"));
    expect(evs.at(-1)!.line).toContain("takedown_cpu");
    expect(s.machine.cpus[1]!.online).toBe(true);
    finishOp(s, "A");
    finishOp(s, "H");
    expect(s.machine.cpus[1]!.online).toBe(false);
    expect(s.machine.findings).toEqual([]);
  });
});

describe("kmem_cache_shrink", () => {
  it("discards empty slabs from the node partial list, even below min_partial", () => {
    const s = session({
      ...scenario(
        { variant: "v5.15", cpus: 1 },
        [
          {
            name: "S",
            kind: "task",
            cpu: 0,
            ops: [...frees("a", 4), { kind: "shrink" }],
          },
        ],
        {
          prepare: onCpu(0, [...allocs("a", 4), ...allocs("b", 1)]),
        },
      ),
      cache: { objects: 4, cpuPartial: 8, minPartial: 5 },
    });
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    const m = r.machine;
    // flush_all put both slabs on the node list (min_partial 5 keeps the empty one);
    // shrink then discards the empty P0 and keeps P1, which still holds b's object.
    expect(m.stats[0]!.free_add_partial).toBe(1);
    expect(m.nodes[0]!.partial).toEqual([1]);
    expect(m.pages[0]!.use).toBe("free");
    expect(m.pages[1]).toMatchObject({ use: "slab", inuse: 1 });
  });
});

describe("a stale pointer to a discarded slab (first half of the put_cpu_partial race)", () => {
  // Two-object slabs, cpu_partial 1, min_partial 0. CPU 0's partial chain is P1 (empty, head,
  // pobjects 2) -> P0; P2 and P3 are full. A frees into P2 and so calls put_cpu_partial; an IRQ
  // frees into P3, whose put_cpu_partial drains the chain and discards the empty P1; a task on
  // CPU 1 takes that page for the page cache; A then reads P1->pobjects.
  const build = (variant: VariantName) =>
    session({
      ...scenario(
        { variant, pagePool: 8 },
        [
          { name: "A", kind: "task", cpu: 0, ops: frees("c", 1) },
          { name: "I", kind: "irq", cpu: 0, ops: frees("d", 1) },
          {
            name: "B",
            kind: "task",
            cpu: 1,
            ops: [{ kind: "allocPageCache", slot: "pc" }],
          },
        ],
        {
          prepare: onCpu(0, [
            ...allocs("a", 2),
            ...allocs("b", 2),
            ...allocs("c", 2),
            ...allocs("d", 2),
            ...allocs("e", 1),
            ...frees("a", 1),
            ...frees("b", 2),
          ]),
        },
      ),
      cache: { objects: 2, cpuPartial: 1, minPartial: 0 },
    });

  it("v5.14: the IRQ discards A's oldpage and A reads its fields from the page cache (uaf-slab)", () => {
    const s = build("v5.14");
    expect(s.machine.cpuSlab[0]!.partial).toBe(1);
    expect(s.machine.pages[1]).toMatchObject({
      frozen: true,
      inuse: 0,
      pobjects: 2,
    });
    stepUntil(s, "A", (ev) => ev.line.includes("oldpage = this_cpu_read"));
    finishOp(s, "I"); // irqs are on inside put_cpu_partial before patch 33
    expect(s.machine.pages[1]!.use).toBe("free");
    finishOp(s, "B");
    expect(s.machine.pages[1]!.use).toBe("pagecache");
    const evs = finishOp(s, "A");
    const uaf = s.machine.findings.filter((f) => f.code === "uaf-slab");
    expect(uaf).toHaveLength(1);
    expect(uaf[0]!.actor).toBe("A");
    expect(uaf[0]!.slabs).toEqual([1]);
    expect(uaf[0]!.message).toMatch(
      /^slabscope: .*\(in put_cpu_partial\) touches a struct page field of P1, which is reused as page cache \(no kernel report/,
    );
    expect(uaf[0]!.message).not.toMatch(/KASAN: use-after-free/);
    // The read came right after the IRQ and the page-cache allocation: A's next step.
    expect(uaf[0]!.step).toBe(evs[0]!.step);
  });

  it("v5.15: the IRQ cannot come in while A holds the local lock, so no stale read", () => {
    const s = build("v5.15");
    stepUntil(s, "A", (ev) => ev.line.includes("oldpage = this_cpu_read"));
    expect(() => finishOp(s, "I")).toThrow(/cannot run now/);
    const r = runSession(s);
    expect(r.findings).toEqual([]);
  });
});

describe("prepared state", () => {
  it("may flush and shrink: the kworkers and IPI handlers they wait for run as part of it", () => {
    for (const variant of ["v5.14", "v5.15"] as const) {
      const s = session(
        scenario(
          { variant },
          [{ name: "A", kind: "task", cpu: 0, ops: allocs("y", 1) }],
          {
            prepare: [
              ...onCpu(0, [...allocs("a", 4), ...allocs("b", 1)]),
              ...onCpu(1, [{ kind: "flushAll" }, { kind: "shrink" }]),
            ],
          },
        ),
      );
      const m = s.machine;
      expect(m.step).toBe(0);
      expect(m.cpuSlab[0]).toMatchObject({ page: null, freelist: null });
      expect(m.actors.every((a) => a.frames.length === 0)).toBe(true);
      expect(runSession(s).findings).toEqual([]);
    }
  });
});
