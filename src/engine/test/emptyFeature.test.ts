import { describe, expect, it, vi } from "vitest";
import type { Feature } from "../feature";

// A new, empty feature registered through the same list the engine loops over: it takes part in
// load, the holders and the after-step checks without a line elsewhere in the engine.
const calls: string[] = [];
const emptyFeature: Feature = {
  name: "nolock",
  title: "an empty feature",
  init: (m) => void calls.push(`init ${m.cpus.length}`),
  active: () => true,
  ops: [],
  objectHolders: () => void calls.push("holders"),
  check(m, found) {
    calls.push("check");
    // An invariant that fails once the step counter passes 2.
    if (m.step > 2)
      found("list-corrupt", "the empty feature's invariant", [], []);
  },
};

vi.mock("../features", async (original) => {
  const mod = await original<typeof import("../features")>();
  return { ...mod, FEATURES: [...mod.FEATURES, emptyFeature] };
});

const { finishOp, scenario, session, task } = await import("./helpers");

describe("a new feature", () => {
  it("is loaded, visited and checked, and reports through the findings", () => {
    const s = session(
      scenario({ variant: "v5.15", cpus: 1 }, [
        task("A", 0, [
          { kind: "alloc", slot: "a" },
          { kind: "free", slot: "a" },
        ]),
      ]),
    );
    expect(calls[0]).toBe("init 1");
    finishOp(s, "A");
    finishOp(s, "A");
    expect(calls).toContain("holders");
    expect(calls).toContain("check");
    const mine = s.machine.findings.filter(
      (f) => f.message === "the empty feature's invariant",
    );
    // Reported once, when it appears (it does not go away).
    expect(mine).toHaveLength(1);
    expect(mine[0]!.code).toBe("list-corrupt");
  });
});
