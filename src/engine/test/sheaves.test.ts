import { describe, expect, it } from "vitest";
import { runSession } from "../run";
import type { ScenarioKernel } from "../scenario";
import type { Machine, Op } from "../types";
import { USER_DATA } from "../types";
import {
  assertRandomRuns,
  randomScenario,
  scenario,
  session,
  task,
  expectSheavesAtRest,
} from "./helpers";
import { newSheaf } from "../features/sheaves";

const V70: Partial<ScenarioKernel> = { variant: "v7.0" };
const alloc = (slot: string): Op => ({ kind: "alloc", slot });
const free = (slot: string): Op => ({ kind: "free", slot });

function total(m: Machine, stat: string): number {
  return m.stats.reduce((n, s) => n + (s[stat] ?? 0), 0);
}

describe("v7.0: percpu sheaves for every cache", () => {
  it("refills an empty main sheaf from a new slab, then pops from it", () => {
    const s = session(
      scenario({ ...V70, cpus: 1 }, [task("A", 0, [alloc("x"), alloc("x")])]),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    const m = r.machine;
    const st = m.sheaves!;
    // 4 objects per slab: a sheaf holds 4; the refill takes a new slab's 4, two are handed out.
    expect(st.capacity).toBe(4);
    expect(total(m, "sheaf_refill")).toBe(4);
    expect(total(m, "alloc_fastpath")).toBe(2);
    expect(st.sheaves[st.pcs[0]!.main]!.objects).toHaveLength(2);
    for (const o of st.sheaves[st.pcs[0]!.main]!.objects)
      expect(m.pages[Math.floor(o / 4)]!.fp[o % 4]).toBe(USER_DATA);
    expect(m.cpuSlab[0]!.page).toBeNull();
  });

  it("frees into main, swaps with the spare and trades with the barn when main is full", () => {
    const ops: Op[] = [];
    for (let i = 0; i < 9; i++) ops.push(alloc("x"));
    for (let i = 0; i < 9; i++) ops.push(free("x"));
    const s = session(scenario({ ...V70, cpus: 1 }, [task("A", 0, ops)]));
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    const m = r.machine;
    expect(total(m, "free_fastpath")).toBe(9);
    const st = m.sheaves!;
    const p = st.pcs[0]!;
    const held =
      st.sheaves[p.main]!.objects.length +
      (p.spare === null ? 0 : st.sheaves[p.spare]!.objects.length) +
      st.barns[0]!.full.reduce(
        (n, id) => n + st.sheaves[id]!.objects.length,
        0,
      );
    expect(held).toBeGreaterThanOrEqual(9);
  });

  it("flushes a CPU's sheaves to the slabs when the cache is destroyed", () => {
    const s = session(
      scenario({ ...V70, cpus: 1 }, [
        task("A", 0, [alloc("x"), free("x"), { kind: "destroy" }]),
      ]),
    );
    const r = runSession(s);
    expect(r.findings).toEqual([]);
    expect(r.machine.cache.destroyed).toBe(true);
    expect(r.machine.pages.every((p) => p.use !== "slab")).toBe(true);
  });
});

describe("the checks and the holders know the sheaves", () => {
  it("report an object held both by a slot and by a CPU's spare sheaf", () => {
    const s = session(
      scenario({ ...V70, cpus: 1 }, [task("A", 0, [alloc("y")])], {
        prepare: [{ cpu: 0, op: alloc("x") }],
      }),
    );
    const m = s.machine;
    const st = m.sheaves!;
    const obj = m.slots["x"]![0]!;
    const spare = newSheaf(st, null);
    spare.objects.push(obj);
    st.pcs[0]!.spare = spare.id;
    const r = runSession(s);
    const f = r.findings.find((x) => x.objects.includes(obj));
    expect(f?.code).toBe("double-alloc");
  });
});

describe.each([
  { variant: "v7.0" },
  { variant: "v7.0", preemptRt: true },
  { variant: "v7.0-flush-lock", preemptRt: true },
] as Partial<ScenarioKernel>[])("random schedules on %o", (kernel) => {
  it("never produce a finding; every object is in exactly one place; the sheaves are unlocked and within capacity", () => {
    const seen = new Map<string, number>();
    const count = (x: string) => seen.set(x, (seen.get(x) ?? 0) + 1);
    assertRandomRuns((seed) => randomScenario(seed, kernel), {
      runs: { numRuns: 80, seed: 20261205 },
      onStep: (ev) => {
        for (const st of ev.stats) count(st);
        for (const n of ev.notes) count(n);
      },
      check: expectSheavesAtRest,
    });
    for (const x of ["alloc_fastpath", "free_fastpath", "sheaf_refill"])
      expect([x, seen.get(x) ?? 0]).not.toEqual([x, 0]);
  });
});
