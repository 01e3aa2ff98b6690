import { describe, expect, it } from "vitest";
import { defaultScenario } from "../scenarios/library/default";
import { LANE } from "../worker/panes";
import { Timeline } from "../worker/timeline";
import {
  clampView,
  cursorAt,
  fit,
  follow,
  inView,
  isZoomed,
  laneRuns,
  MIN_SPAN,
  panBy,
  siteOf,
  statusAt,
  stepAt,
  ticks,
  xOf,
  zoomAt,
} from "./timelineView";

describe("the timeline's view", () => {
  it("zooms around the pointer: the position under it stays under it", () => {
    const v = fit(1000);
    const z = zoomAt(v, 1000, 250, 0.5);
    expect(z.end - z.start).toBe(500);
    expect(xOf(z, 800, 250)).toBeCloseTo(xOf(v, 800, 250));
    expect(isZoomed(z, 1000)).toBe(true);
    // Never narrower than MIN_SPAN, never wider than the trace, never off its ends.
    const deep = zoomAt(z, 1000, 250, 1e-6);
    expect(deep.end - deep.start).toBe(MIN_SPAN);
    expect(zoomAt(z, 1000, 990, 100)).toEqual(fit(1000));
    expect(panBy(z, 1000, -1e6)).toEqual({ start: 0, end: 500 });
    expect(panBy(z, 1000, 1e6)).toEqual({ start: 500, end: 1000 });
    expect(clampView({ start: 5, end: 6 }, 3)).toEqual({ start: 0, end: 3 });
  });

  it("maps pixels to cursors and steps the same way in every row", () => {
    const v = { start: 100, end: 200 };
    expect(cursorAt(v, 1000, 0, 5000)).toBe(100);
    expect(cursorAt(v, 1000, 1000, 5000)).toBe(200);
    expect(cursorAt(v, 1000, 504, 5000)).toBe(150);
    // The block of step 151 lies between cursors 150 and 151.
    expect(stepAt(v, 1000, 505, 5000)).toBe(151);
    expect(stepAt(fit(10), 100, 100, 10)).toBeNull();
    expect(cursorAt(fit(10), 100, 1e4, 10)).toBe(10);
  });

  it("follows the cursor out of view, keeping its narration in view when both fit", () => {
    const v = { start: 0, end: 100 };
    expect(follow(v, 1000, 50)).toBe(v);
    const f = follow(v, 1000, 500, 460);
    expect(f.start).toBeLessThanOrEqual(460);
    expect(f.end).toBeGreaterThanOrEqual(500);
    const far = follow(v, 1000, 500, 10);
    expect(far.start).toBeLessThanOrEqual(500);
    expect(far.end).toBeGreaterThanOrEqual(500);
  });

  it("labels ticks every 1, 2 or 5 times a power of ten, at least minPx apart", () => {
    const t = ticks(fit(100_000), 1000, 100_000);
    expect(t.every).toBe(10_000);
    expect(t.at[0]).toBe(0);
    expect(t.at.at(-1)).toBe(100_000);
    const close = ticks({ start: 10, end: 18 }, 800, 100);
    expect(close.every).toBe(1);
    expect(close.at).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(inView([1, 5, 9, 20], { start: 5, end: 10 })).toEqual([5, 9]);
  });
});

describe("lanes on the view", () => {
  const tl = new Timeline(defaultScenario);
  const s = tl.summary();
  const irq = s.actors.find((a) => a.name === "irq")!.id;
  const a = s.actors.find((x) => x.name === "A")!.id;

  it("shows each step's status exactly, and names its function and line", () => {
    // The IRQ took step 64 (index 63) over A.
    expect(statusAt(s, irq, 63)).toBe(LANE.ran);
    expect(statusAt(s, a, 63)).toBe(LANE.preempted);
    const ev = tl.frame(64).event!;
    expect(siteOf(s, 63)).toEqual({ fn: ev.fn, line: ev.line });
    const runs = laneRuns(s, irq, { start: 60, end: 68 }, 800);
    expect(runs.find((r) => r.from === 63)?.status).toBe(LANE.ran);
  });

  it("draws a 100k-step trace with work bounded by the width", () => {
    const long = new Timeline(
      {
        ...defaultScenario,
        actors: defaultScenario.actors.map((x) => ({
          ...x,
          ops: Array.from({ length: 1200 }, () => x.ops).flat(),
        })),
      },
      { maxSteps: 100_000 },
    );
    const ls = long.summary();
    expect(ls.total).toBeGreaterThan(50_000);
    const t0 = performance.now();
    for (const actor of ls.actors) laneRuns(ls, actor.id, fit(ls.total), 1200);
    const zoomed = { start: 40_000, end: 40_040 };
    const runs = laneRuns(ls, a, zoomed, 1200);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(runs.length).toBeGreaterThan(0);
    // Zoomed in, the steps A took are exact even though the lanes are folded.
    for (let j = 40_000; j < 40_040; j++)
      if (ls.actorOfStep[j] === a)
        expect([LANE.ran, LANE.spun]).toContain(statusAt(ls, a, j));
  });
});
