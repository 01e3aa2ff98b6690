import { describe, expect, it } from "vitest";
import type { Scenario, ScenarioKernel } from "../scenario";
import type { Op } from "../types";
import { runSession, start } from "../run";
import {
  allocs,
  assertRandomRuns,
  expectSheavesAtRest,
  randomScenario,
  scenario,
  task,
} from "./helpers";

/** A random scenario whose cache opted in to sheaves (2 or 3 objects each, from the seed). */
function withSheaves(seed: number, kernel: Partial<ScenarioKernel>): Scenario {
  const s = randomScenario(seed, kernel);
  return { ...s, cache: { ...s.cache, sheafCapacity: 2 + (seed % 2) } };
}

/**
 * withSheaves() with kfree_rcu: a task's free becomes kfreeRcu one time in three, and a task
 * that did one may end a grace period or call kvfree_rcu_barrier() after it (from the seed, so
 * the draws of randomScenario stay as they are).
 */
function withRcu(seed: number, kernel: Partial<ScenarioKernel>): Scenario {
  const s = withSheaves(seed, kernel);
  let h = seed;
  const next = (n: number) => {
    h = (h * 1103515245 + 12345) % 2147483648;
    return (h >>> 16) % n;
  };
  const actors = s.actors.map((a) => {
    if (a.kind !== "task") return a;
    const ops: Op[] = [];
    for (const op of a.ops) {
      if (op.kind === "free" && next(3) === 0) {
        ops.push({ kind: "kfreeRcu", slot: op.slot });
        const x = next(4);
        if (x === 0) ops.push({ kind: "rcuGracePeriod" });
        else if (x === 1) ops.push({ kind: "kvfreeRcuBarrier" });
      } else ops.push(op);
    }
    return { ...a, ops };
  });
  return { ...s, actors };
}

describe.each([
  { variant: "v6.18" },
  { variant: "v6.18", preemptRt: true },
] as Partial<ScenarioKernel>[])("v6.18: random schedules on %o", (kernel) => {
  it("with sheaves: never a finding; the sheaves unlocked, within capacity, held by nobody at the end", () => {
    const seen = new Map<string, number>();
    const count = (x: string) => seen.set(x, (seen.get(x) ?? 0) + 1);
    assertRandomRuns((seed) => withSheaves(seed, kernel), {
      runs: { numRuns: 200, seed: 20261206 },
      onStep: (ev) => {
        for (const st of ev.stats) count(st);
        for (const n of ev.notes) count(n);
      },
      check: expectSheavesAtRest,
    });
    // Both layers are used: the sheaves, and the cpu slab under them.
    for (const x of [
      "sheaf_refill",
      "alloc_slowpath",
      "cpuslab_flush",
      "free_fastpath",
    ])
      expect([x, seen.get(x) ?? 0]).not.toEqual([x, 0]);
  });

  it("with kfree_rcu, grace periods and barriers: never a finding; the flushes hand rcu_free to RCU", () => {
    const seen = new Map<string, number>();
    assertRandomRuns((seed) => withRcu(seed, kernel), {
      runs: { numRuns: 150, seed: 20261208 },
      onStep: (ev) => {
        seen.set(ev.fn, (seen.get(ev.fn) ?? 0) + 1);
        if (ev.label === "rcu_free") {
          const at = `${ev.fn}:rcu_free`;
          seen.set(at, (seen.get(at) ?? 0) + 1);
        }
      },
      check: expectSheavesAtRest,
    });
    for (const f of [
      "__kfree_rcu_sheaf",
      "rcu_free_sheaf",
      "kvfree_rcu_barrier",
    ])
      expect([f, seen.get(f) ?? 0]).not.toEqual([f, 0]);
  });

  it("without a sheaf capacity: never a finding, no sheaves", () => {
    assertRandomRuns((seed) => randomScenario(seed, kernel), {
      runs: { numRuns: 40, seed: 20261207 },
      check: (m) => expect(m.sheaves).toBeUndefined(),
    });
  });
});

describe("pcs_flush_all() of 6.18", () => {
  it("hands rcu_free to call_rcu() after flushing the spare and before flushing main", () => {
    // A kfree_rcu()s one object (rcu_free holds 1 of 3) and frees one more into main, then
    // shrinks: the flush work finds a spare-less CPU with rcu_free and objects in main.
    const s = scenario(
      { variant: "v6.18", cpus: 1 },
      [
        task("A", 0, [
          ...allocs("a", 3),
          { kind: "kfreeRcu", slot: "a" },
          { kind: "free", slot: "a" },
          { kind: "shrink" },
        ]),
      ],
      { cache: { objects: 4, cpuPartial: 8, minPartial: 1, sheafCapacity: 3 } },
    );
    const seen: string[] = [];
    const r = runSession(start(s), {
      onStep: (ev) => {
        if (ev.fn === "pcs_flush_all" || ev.fn === "sheaf_flush_main")
          seen.push(ev.label === "rcu_free" ? "call_rcu" : ev.fn);
      },
    });
    expect(r.findings).toEqual([]);
    const callRcu = seen.indexOf("call_rcu");
    expect(callRcu).toBeGreaterThan(0);
    expect(seen.indexOf("sheaf_flush_main")).toBeGreaterThan(callRcu);
    expect(seen.slice(0, callRcu)).not.toContain("sheaf_flush_main");
  });
});
