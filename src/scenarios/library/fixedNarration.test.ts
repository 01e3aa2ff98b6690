import { describe, expect, it } from "vitest";
import { library } from ".";
import { onFixedKernel } from "./entry";
import { createEngineApi } from "../../worker/engineApi";
import { Timeline } from "../../worker/timeline";

const races = library.filter((e) => e.kind === "race" && e.fixed);

describe("the fixed kernel's narration", () => {
  it("exists for every race with a fix", () => {
    expect(races.length).toBeGreaterThan(10);
    for (const e of races)
      expect(e.fixedNarration?.length, e.id).toBeGreaterThan(0);
  });

  it.each(races.map((e) => [e.id, e] as const))(
    "%s: its own text, at steps of the fixed trace, in order",
    (_id, e) => {
      const broken = new Set((e.scenario.narration ?? []).map((n) => n.text));
      const fixed = new Timeline(onFixedKernel(e));
      const steps = e.fixedNarration!.map((n) => n.step);
      expect(steps[0]).toBe(0);
      expect([...steps].sort((a, b) => a - b)).toEqual(steps);
      for (const n of e.fixedNarration!) {
        expect(broken.has(n.text), n.text).toBe(false);
        expect(n.text.length).toBeGreaterThan(20);
        // A step of the trace: the step at cursor n.step exists (it is not past the end).
        expect(n.step).toBeLessThan(fixed.total);
      }
      // The fixed kernel's frames show this narration, never the broken kernel's.
      for (let i = 0; i <= fixed.total; i += 7) {
        const text = fixed.frame(i).narration;
        if (text !== null) expect(broken.has(text), `step ${i}`).toBe(false);
      }
    },
  );

  it("is what the engine shows on the fixed kernel, with the story of the entry", async () => {
    const api = createEngineApi("in-thread");
    const e = races.find((x) => x.id === "r0-1-rt-free-steals-partial")!;
    const r = await api.loadLibrary(e.id, true);
    if (!r.ok) throw new Error(r.errors.join());
    expect(r.scenario.narration).toEqual(e.fixedNarration);
    expect(r.frame.narration).toBe(e.fixedNarration![0]!.text);
    expect(r.scenario.story).toMatchObject({
      id: e.id,
      basis: "analysis",
      onFixedKernel: true,
      fixedKernel: "v5.15 +rt",
    });
    const own = await api.loadLibrary(e.id);
    if (!own.ok) throw new Error(own.errors.join());
    expect(own.scenario.narration).toEqual(e.scenario.narration);
    expect(own.scenario.story?.onFixedKernel).toBe(false);
    expect(own.scenario.story?.goal).toBe(e.goal);
  });

  it("every race has a goal", () => {
    for (const e of library.filter((x) => x.kind === "race"))
      expect(e.goal, e.id).toBeTruthy();
  });
});
