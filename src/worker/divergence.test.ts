import { describe, expect, it } from "vitest";
import { libraryEntry } from "../scenarios/library";
import { onFixedKernel } from "../scenarios/library/entry";
import { Timeline } from "./timeline";
import {
  alignByOperation,
  firstDivergence,
  operationMarks,
  type OpMark,
} from "./divergence";

function sides(id: string) {
  const e = libraryEntry(id)!;
  return {
    buggy: new Timeline(e.scenario),
    fixed: new Timeline(onFixedKernel(e)),
  };
}

describe("firstDivergence", () => {
  it("names a schedule entry the fixed kernel refuses, and why", () => {
    // R7: on v5.15 the destroy sleeps on the CPU hotplug lock at once.
    const { buggy, fixed } = sides("r7-hotplug-vs-destroy");
    const d = firstDivergence(buggy, fixed);
    expect(d.kind).toBe("code");
    expect(d.step).toBe(1);
    expect(d.text).toContain("cpus_read_lock");
  });

  it("finds a finding on one side only at the same line", () => {
    const { buggy, fixed } = sides("r9-cmpxchg16b-alignment");
    const d = firstDivergence(buggy, fixed);
    expect(d).toMatchObject({ kind: "finding", step: 5 });
    expect(d.text).toContain("cmpxchg16b-misaligned on its own kernel only");
  });

  it("says when the schedule moves on to another actor", () => {
    const { buggy, fixed } = sides("r18-missing-tid-bump");
    const d = firstDivergence(buggy, fixed);
    expect(d).toMatchObject({ kind: "shifted", step: 30 });
  });

  it("says when the traces are the same", () => {
    const { buggy } = sides("r9-cmpxchg16b-alignment");
    const same = new Timeline(
      libraryEntry("r9-cmpxchg16b-alignment")!.scenario,
    );
    expect(firstDivergence(buggy, same).kind).toBe("none");
  });

  it("is found for every race with a fix, at a step both traces have", () => {
    for (const id of [
      "r1-put-cpu-partial-stale-page",
      "r0-1-rt-free-steals-partial",
      "s1-1-nmi-in-slab-alloc",
      "s3-1-pca-irq-free-leak",
    ]) {
      const { buggy, fixed } = sides(id);
      const d = firstDivergence(buggy, fixed);
      expect(d.kind, id).not.toBe("none");
      expect(d.step!, id).toBeLessThanOrEqual(
        Math.min(buggy.total, fixed.total),
      );
    }
  });
});

describe("alignByOperation", () => {
  const from: OpMark[] = [
    { key: "A#0:start", cursor: 0 },
    { key: "B#0:start", cursor: 10 },
    { key: "B#0:end", cursor: 20 },
    { key: "A#0:end", cursor: 30 },
  ];
  const to: OpMark[] = [
    { key: "A#0:start", cursor: 0 },
    { key: "B#0:start", cursor: 4 },
    { key: "B#0:end", cursor: 7 },
    { key: "A#0:end", cursor: 40 },
  ];

  it("keeps the offset into the matching operation, clamped to its end", () => {
    expect(alignByOperation(0, from, to, 40)).toBe(0);
    expect(alignByOperation(3, from, to, 40)).toBe(3);
    // Before B starts on this side, but A's first part is shorter on the other: clamped at 4.
    expect(alignByOperation(9, from, to, 40)).toBe(4);
    expect(alignByOperation(11, from, to, 40)).toBe(5);
    expect(alignByOperation(19, from, to, 40)).toBe(7);
    expect(alignByOperation(25, from, to, 40)).toBe(12);
    expect(alignByOperation(1e9, from, to, 40)).toBe(40);
  });

  it("falls back to the previous boundary the other side reaches", () => {
    const short: OpMark[] = [{ key: "A#0:start", cursor: 0 }];
    expect(alignByOperation(25, from, short, 12)).toBe(12);
    expect(alignByOperation(5, from, short, 12)).toBe(5);
  });

  it("matches the same actor's same operation on a real race", () => {
    const { buggy, fixed } = sides("r1-put-cpu-partial-stale-page");
    const mb = operationMarks(buggy);
    const mf = operationMarks(fixed);
    const b1 = mb.find((m) => m.key === "B#1:start")!;
    const f1 = mf.find((m) => m.key === "B#1:start")!;
    expect(alignByOperation(b1.cursor, mb, mf, fixed.total)).toBe(f1.cursor);
    expect(b1.cursor).not.toBe(f1.cursor);
  });
});
