import { describe, expect, it } from "vitest";
import { runSession, start, totalStats, type StepEvent } from "../engine";
import { defaultScenario } from "../scenarios/library/default";
import { libraryEntry } from "../scenarios/library";
import { createEngineApi } from "./engineApi";
import { LANE, LANE_COLUMNS, STEP_SPUN, statAt } from "./panes";
import { Timeline } from "./timeline";

describe("trace history", () => {
  const tl = new Timeline(defaultScenario);
  const s = tl.summary();
  const h = s.history;

  it("marks, at every step, the actor that took it as having run or spun", () => {
    expect(h.columns).toBe(s.total);
    const events: StepEvent[] = [];
    runSession(start(defaultScenario), { onStep: (ev) => events.push(ev) });
    expect(events).toHaveLength(s.total);
    for (const ev of events) {
      const st = h.lanes[ev.actor * h.columns + ev.step];
      const spun = ev.outcome === "spun" || ev.outcome === "blocked";
      expect(st).toBe(spun ? LANE.spun : LANE.ran);
    }
  });

  it("names, for every step, the function and kernel line its actor ran", () => {
    const events: StepEvent[] = [];
    runSession(start(defaultScenario), { onStep: (ev) => events.push(ev) });
    expect(h.steps).toHaveLength(s.total);
    for (const ev of events) {
      const v = h.steps[ev.step]!;
      expect(h.sites[v & ~STEP_SPUN]).toEqual({ fn: ev.fn, line: ev.line });
      const spun = ev.outcome === "spun" || ev.outcome === "blocked";
      expect((v & STEP_SPUN) !== 0).toBe(spun);
    }
    // One entry per distinct line: far fewer than steps.
    expect(h.sites.length).toBeLessThan(s.total);
  });

  it("shows the task the IRQ interrupted as preempted while the IRQ runs", () => {
    // The IRQ enters at step 63 and A is in its slow path (see default.ts).
    const a = s.actors.find((x) => x.name === "A")!.id;
    const irq = s.actors.find((x) => x.name === "irq")!.id;
    expect(h.lanes[irq * h.columns + 63]).toBe(LANE.ran);
    expect(h.lanes[a * h.columns + 63]).toBe(LANE.preempted);
  });

  it("gives each SLUB_STATS counter's total at every cursor", () => {
    for (const cursor of [0, 30, 64, s.total]) {
      const m = tl.machineAt(cursor);
      const want = totalStats(m);
      for (const series of h.stats)
        expect(statAt(series, cursor)).toBe(want[series.name] ?? 0);
      for (const [name, v] of Object.entries(want))
        if (v > 0) expect(h.stats.some((x) => x.name === name)).toBe(true);
    }
  });

  it("is rebuilt for a forked trace: the chosen actor takes the fork's step", () => {
    const forked = new Timeline(defaultScenario);
    const b = forked.summary().actors.find((x) => x.name === "B")!.id;
    expect(forked.fork(40, b, 1).ok).toBe(true);
    const fh = forked.summary().history;
    expect(fh.columns).toBe(forked.total);
    expect(fh.lanes[b * fh.columns + 40]).toBe(LANE.ran);
    // Undo gives back the first trace's history.
    forked.undo();
    expect(forked.summary().history.lanes).toEqual(h.lanes);
  });

  it("folds long traces into at most LANE_COLUMNS columns", () => {
    const long = new Timeline({
      ...defaultScenario,
      actors: defaultScenario.actors.map((a) => ({
        ...a,
        ops: Array.from({ length: 40 }, () => a.ops).flat(),
      })),
    });
    expect(long.total).toBeGreaterThan(LANE_COLUMNS);
    const lh = long.summary().history;
    expect(lh.columns).toBe(LANE_COLUMNS);
    expect(lh.lanes.length).toBe(LANE_COLUMNS * long.summary().actors.length);
    // The per-step sites are not folded.
    expect(lh.steps).toHaveLength(long.total);
    expect(lh.sites[lh.steps[long.total - 1]! & ~STEP_SPUN]).toBeDefined();
    // Counter series keep at most a point per column, and end on the engine's totals.
    const end = totalStats(long.machineAt(long.total));
    for (const series of lh.stats) {
      expect(series.cursors.length).toBeLessThanOrEqual(LANE_COLUMNS + 1);
      expect(series.values.at(-1)).toBe(end[series.name]);
    }
  });
});

describe("frame code", () => {
  it("gives each actor's stack with the pc of the machine's frames", () => {
    const tl = new Timeline(defaultScenario);
    const f = tl.frame(64);
    const m = tl.machineAt(64);
    const irq = f.code.find((a) => a.name === "irq")!;
    const mi = m.actors.find((a) => a.name === "irq")!;
    expect(irq.stack).toEqual(mi.frames.map((x) => ({ fn: x.fn, pc: x.pc })));
    expect(irq.state).toBe("running");
    expect(f.code.find((a) => a.name === "A")!.state).toBe("preempted");
    expect(f.code.find((a) => a.name === "B")!.state).toBe("ready");
  });
});

describe("engine API: listings and compare mode", () => {
  it("answers the variant's listings with the scenario: each actor's pc names its kernel line", async () => {
    const api = createEngineApi("in-thread");
    const o = await api.loadDefault();
    expect(o.scenario.config.kernel).toBe("v5.15");
    const f = await api.seek(30);
    const busy = f.code.filter((a) => a.stack.length > 0);
    expect(busy.length).toBeGreaterThan(0);
    for (const a of busy) {
      const lines = a.stack.map((fr) => o.scenario.listings[fr.fn]![fr.pc]);
      const view = f.actors.find((x) => x.name === a.name)!;
      expect(lines).toEqual(view.stack.map((x) => x.line));
    }
  });

  it("replays a race's schedule on the fixed kernel at the matching operation, clamped", async () => {
    const api = createEngineApi("in-thread");
    const e = libraryEntry("r1-put-cpu-partial-stale-page")!;
    const r = await api.loadLibrary(e.id);
    expect(r.ok).toBe(true);
    const c = await api.openCompare(48);
    if (!c.ok) throw new Error(c.message);
    expect(c.scenario.kernel).toBe("v5.15");
    // Cursor 48 is B's second operation starting; the fixed kernel starts it at 12.
    expect(c.frame.step).toBe(12);
    expect(c.divergence.step).toBe(0);
    // The fixed kernel finds nothing anywhere; the buggy one has its finding by cursor 48.
    expect(c.timeline.findings).toEqual([]);
    expect((await api.seek(48)).findings.map((x) => x.code)).toContain(
      "uaf-slab",
    );
    const end = await api.compareSeek(1e9);
    expect(end!.step).toBe(c.timeline.total);
    await api.closeCompare();
    expect(await api.compareSeek(3)).toBeNull();
  });

  it("refuses compare mode without a race on its own kernel", async () => {
    const api = createEngineApi("in-thread");
    await api.loadDefault();
    expect((await api.openCompare(0)).ok).toBe(false);
    await api.loadLibrary("r1-put-cpu-partial-stale-page", true);
    expect((await api.openCompare(0)).ok).toBe(false);
  });
});
