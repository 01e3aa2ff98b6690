import { describe, expect, it } from "vitest";
import { libraryEntry } from "../scenarios/library";
import { defaultScenario } from "../scenarios/library/default";
import type { Scenario } from "../engine";
import type { Frame } from "./frame";
import { createEngineApi } from "./engineApi";
import { historyOf } from "./history";
import {
  describePage,
  describeSlot,
  objectPlaces,
  pagePlaces,
  placeOfObject,
  placeOfPage,
  slotOf,
} from "./places";
import { Timeline } from "./timeline";

const scenarios: [string, Scenario][] = [
  ["default", defaultScenario],
  ["r1", libraryEntry("r1-put-cpu-partial-stale-page")!.scenario],
  ["r0-1", libraryEntry("r0-1-rt-free-steals-partial")!.scenario],
];

/** Every frame of a scenario's trace with its machine. */
function* frames(s: Scenario) {
  const tl = new Timeline(s);
  for (let i = 0; i <= tl.total; i++)
    yield { tl, i, f: tl.frame(i), m: tl.machineAt(i) };
}

describe("the state view's frame", () => {
  it.each(scenarios)(
    "%s: every object has one place, and the places agree with the machine",
    (_, s) => {
      for (const { f, m } of frames(s)) {
        const per = m.cache.objects;
        for (const sl of f.slabs) {
          expect(sl.slots).toHaveLength(sl.objects);
          expect(sl.firstObj).toBe(sl.id * per);
          // The page freelist order is its chain, as slot indexes, while it stays in the slab.
          const inSlab = sl.freelist.filter((t) => t.startsWith(`P${sl.id}#`));
          expect(sl.pageOrder.map((i) => `P${sl.id}#${i}`)).toEqual(
            inSlab.slice(0, sl.pageOrder.length),
          );
          for (const i of sl.pageOrder)
            expect(
              sl.slots[i]!.kind === "free" || sl.slots[i]!.kind === "cpuFree",
            ).toBe(true);
        }
        // c->freelist objects show as on that CPU's freelist (the first place wins a tie).
        for (const c of f.cpus) {
          expect(c.freelist).toEqual(
            c.freelistRefs.map((x) => `P${Math.floor(x / per)}#${x % per}`),
          );
          const seen = new Set<number>();
          for (const x of c.freelistRefs) {
            if (seen.has(x)) break;
            seen.add(x);
            const sl = f.slabs.find((q) => q.id === Math.floor(x / per));
            if (!sl) continue;
            expect(sl.slots[x % per]).toMatchObject({ kind: "cpuFree" });
          }
        }
        // Objects in a named slot are allocated to it.
        for (const [slot, refs] of Object.entries(m.slots))
          for (const x of refs) {
            if (x < 0) continue;
            const sl = f.slabs.find((q) => q.id === Math.floor(x / per));
            const v = sl?.slots[x % per];
            if (v?.kind === "allocated")
              expect(v.owner === slot || v.inFlight).toBe(true);
          }
        // Between operations nothing is in flight: inuse counts exactly the objects not free on
        // the slab's own freelist.
        if (m.actors.every((a) => a.frames.length === 0))
          for (const sl of f.slabs)
            expect(sl.inuse).toBe(
              sl.slots.filter((v) => v.kind !== "free").length,
            );
        // Every page is a slab, free in the pool, or reused.
        const pool = f.pagePool;
        expect(pool.total).toBe(m.pages.length);
        expect(f.slabs.length + pool.free.length + pool.reused.length).toBe(
          pool.total,
        );
        // Per-CPU partial totals are the head page's; full slabs are full and on no list.
        for (const c of f.cpus) {
          const head = c.partial[0];
          expect(c.partialPages).toBe(
            head === undefined ? null : m.pages[head]!.pages,
          );
          expect(c.partialObjects).toBe(
            head === undefined ? null : m.pages[head]!.pobjects,
          );
          const task = m.cpus[c.id]!.current;
          expect(c.migrateDisable).toBe(
            task === null ? 0 : m.actors[task]!.migrateDisable,
          );
        }
        for (const n of f.nodes)
          for (const p of n.full) {
            const sl = f.slabs.find((q) => q.id === p)!;
            expect(sl.inuse).toBe(sl.objects);
            expect(sl.place).toEqual({ kind: "full" });
          }
      }
    },
  );

  it("R1: the slab page an IRQ freed comes back as page cache, named by its slot", () => {
    const tl = new Timeline(scenarios[1]![1]);
    const reused = [...Array(tl.total + 1).keys()]
      .map((i) => tl.frame(i).pagePool.reused)
      .find((r) => r.length > 0);
    expect(reused).toEqual([{ page: 1, slot: "pc" }]);
  });

  it("counts preempt_count over the contexts on a CPU", () => {
    let seen = false;
    for (const { f, m } of frames(defaultScenario))
      for (const c of f.cpus) {
        const cpu = m.cpus[c.id]!;
        let n = 0;
        for (const id of [cpu.current, cpu.irq, cpu.nmi])
          if (id !== null) n += m.actors[id]!.preemptCount;
        expect(c.preemptCount).toBe(n);
        if (n > 0) seen = true;
      }
    expect(seen).toBe(true);
  });

  it("marks exactly the objects whose place changed in the last step", () => {
    const tl = new Timeline(defaultScenario);
    let prev: Frame = tl.frame(0);
    let marked = 0;
    for (let i = 1; i <= tl.total; i++) {
      const f = tl.frame(i);
      const want: number[] = [];
      const before = new Map(prev.slabs.map((s) => [s.id, s]));
      for (const s of f.slabs)
        s.slots.forEach((v, k) => {
          const w = before.get(s.id)?.slots[k];
          if (JSON.stringify(v) !== JSON.stringify(w))
            want.push(s.firstObj + k);
        });
      for (const s of prev.slabs)
        if (!f.slabs.some((q) => q.id === s.id))
          s.slots.forEach((_, k) => want.push(s.firstObj + k));
      expect(f.changed.objects).toEqual(want.sort((a, b) => a - b));
      expect(f.changed.pagePool).toBe(
        JSON.stringify(prev.pagePool) !== JSON.stringify(f.pagePool),
      );
      marked += f.changed.objects.length;
      prev = f;
    }
    expect(marked).toBeGreaterThan(0);
  });
});

describe("history", () => {
  it.each([
    ["object", 1],
    ["object", 6],
    ["slab", 0],
    ["slab", 1],
  ] as const)(
    "lists each step that moved %s %d, and where it went",
    (kind, id) => {
      const tl = new Timeline(defaultScenario);
      const h = historyOf(tl, { kind, id }, tl.total);
      expect(h.entries.length).toBeGreaterThan(2);
      expect(h.entries[0]!.step).toBe(0);
      const place = (f: Frame) => {
        if (kind === "slab") {
          const s = f.slabs.find((q) => q.id === id);
          if (!s)
            return describePage(
              f.pagePool.free.includes(id)
                ? { kind: "free" }
                : { kind: "reused", slot: null },
            );
          return `${describePage(s.place)}, ${s.frozen ? "frozen" : "not frozen"}`;
        }
        const per = 4;
        const s = f.slabs.find((q) => q.id === Math.floor(id / per));
        if (!s) return "its page is free";
        return describeSlot(s.slots[id % per]!, s.id);
      };
      for (const [k, e] of h.entries.entries()) {
        const f = tl.frame(e.step);
        expect(e.place).toBe(place(f));
        if (k > 0) {
          // It moved at exactly this step, and the step is the one the frame's event names.
          expect(place(tl.frame(e.step - 1))).not.toBe(e.place);
          expect(e.actor).toBe(f.event!.actor);
          expect(e.line).toBe(f.event!.line);
          expect(e.step).toBeGreaterThan(h.entries[k - 1]!.step);
        }
      }
      // Up to an earlier cursor: the same entries, cut there.
      const mid = h.entries[2]!.step;
      expect(historyOf(tl, { kind, id }, mid).entries).toEqual(
        h.entries.filter((e) => e.step <= mid),
      );
    },
  );
});

describe("history through the engine API", () => {
  it("answers from the current trace after a fork and an undo", async () => {
    const api = createEngineApi("in-thread");
    const opened = await api.loadDefault();
    const ref = { kind: "slab", id: 0 } as const;
    const total = opened.timeline.total;
    const before = await api.history(ref, total);
    expect(before).toEqual(
      historyOf(new Timeline(defaultScenario), ref, total),
    );
    // Cursor 10, someone other than the scheduled actor takes the step.
    const at = await api.seek(10);
    const other = at.enabled.find((c) => !c.scheduled)!;
    const forked = await api.fork(10, other.actor, other.cpu);
    if (!forked.ok) throw new Error(forked.message);
    const tl = new Timeline(defaultScenario);
    expect(tl.fork(10, other.actor, other.cpu).ok).toBe(true);
    const after = await api.history(ref, forked.timeline.total);
    expect(after).toEqual(historyOf(tl, ref, tl.total));
    await api.undo();
    expect(await api.history(ref, total)).toEqual(before);
  });
});

describe("places of one object or page", () => {
  it.each([
    ["r0-3", libraryEntry("r0-3-memcg-recursion")!.scenario],
    ["s3", libraryEntry("s3-1-pca-irq-free-leak")!.scenario],
    ["s1", libraryEntry("s1-1-nmi-in-slab-alloc")!.scenario],
    ["r1", scenarios[1]![1]],
  ])("%s: agree with the whole-machine places at every step", (_, s) => {
    for (const { m } of frames(s)) {
      const objs = objectPlaces(m);
      const pages = pagePlaces(m);
      for (const p of m.pages) {
        expect(placeOfPage(m, p.id)).toEqual(pages.get(p.id));
        for (let i = 0; i < m.cache.objects; i++) {
          const x = p.id * m.cache.objects + i;
          expect(placeOfObject(m, x)).toEqual(slotOf(objs, x));
        }
      }
    }
  });

  it("a slab's memcg obj_cgroups vector is allocated to that slab, not lost", () => {
    let seen = 0;
    for (const { m } of frames(libraryEntry("r0-3-memcg-recursion")!.scenario))
      for (const p of m.pages)
        if (p.use === "slab" && p.objcgs !== null) {
          const v = placeOfObject(m, p.objcgs);
          expect(v).toEqual({
            kind: "allocated",
            owner: `P${p.id}'s obj_cgroups`,
            inFlight: false,
          });
          seen++;
        }
    expect(seen).toBeGreaterThan(0);
  });
});
