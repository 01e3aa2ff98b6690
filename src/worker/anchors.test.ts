import { describe, expect, it } from "vitest";
import { enabled, type Scenario } from "../engine";
import { libraryEntry } from "../scenarios/library";
import { scenarioAsTaken } from "./takenSchedule";
import { Timeline } from "./timeline";

const race = libraryEntry("r2-rt-put-cpu-partial-lost-slab")!.scenario;

describe("the timeline and anchored schedules", () => {
  it("ends with the problem of an entry it could not follow", () => {
    const tl = new Timeline({
      ...race,
      schedule: { steps: ["A>___slab_alloc:nowhere", "A*23", "B*13"] },
    });
    const s = tl.summary();
    expect(s.skippedEntries).toBe(1);
    expect(s.stopReason).toBe("done");
    // The rest of the schedule ran as written: the same race.
    expect(s.findings.map((f) => [f.code, f.cursor])).toEqual([
      ["slab-lost", 37],
    ]);
    expect(tl.frame(tl.total).stop?.message).toMatch(
      /^schedule entry 1, "A>___slab_alloc:nowhere" \(step 0\): ___slab_alloc has no label nowhere in rt-2021-07/,
    );
    expect(tl.frame(3).stop).toBeNull();
  });

  it("a forked timeline's scenario carries the anchored narration on its steps", () => {
    const s: Scenario = {
      ...race,
      narration: [{ step: 0, text: "start" }],
      anchoredNarration: [
        { at: "A>___slab_alloc:new_slab+6", text: "A is about to write" },
        { at: "B>put_cpu_partial", text: "B pushes" },
      ],
    };
    const tl = new Timeline(s);
    expect(tl.narrationEntries.map((n) => n.text)).toEqual([
      "start",
      "A is about to write",
      "B pushes",
    ]);
    expect(tl.narrationEntries[1]!.step).toBe(23);
    const pushAt = tl.narrationEntries[2]!.step;
    // Fork after A's anchor and before B's: the story is cut at the fork.
    const at = 24;
    expect(pushAt).toBeGreaterThan(at);
    const m = tl.machineAt(at);
    const other = enabled(m).find(
      (c) => c.progress && c.actor !== tl.choiceAt(at).actor,
    )!;
    expect(tl.fork(at, other.actor, other.cpu).ok).toBe(true);
    const taken = scenarioAsTaken(tl);
    expect(taken.anchoredNarration).toBeUndefined();
    expect(taken.narration).toEqual([
      { step: 0, text: "start" },
      { step: 23, text: "A is about to write" },
      { step: at + 1, text: "" },
    ]);
  });
});
