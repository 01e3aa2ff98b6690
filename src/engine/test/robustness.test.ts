/**
 * The engine never throws on a scenario that passed validation: what the kernel would do wrong
 * becomes a finding (an oops, a leak), what cannot run is refused with `StepRefused`, and an
 * exception of any other kind is a bug in the model. The property at the end runs random
 * scenarios over every variant, every actor kind and every operation (src/bench/sweep.ts runs
 * the same property for as long as one likes).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildVariant } from "../kernel";
import { VARIANT_NAMES, VARIANTS, type VariantName } from "../variants";
import { load, StepRefused } from "../machine";
import { fn, num, override, ret } from "../program";
import { runSession, start } from "../run";
import type { Scenario } from "../scenario";
import { anyScenario } from "./anyScenario";
import { allocs, frees, scenario, task } from "./helpers";

describe("a NULL pointer dereference is an oops, not an engine error", () => {
  // A variant whose allocation reads through a local that a race left NULL.
  const base = buildVariant({
    kernel: "v5.15",
    preemptRt: false,
    cpuPartial: true,
  });
  const broken = { ...base, name: "null-page" };
  broken.fns = override(base.fns, [
    fn("slab_alloc_node", [
      {
        line: "page = c->partial",
        run: (k) => {
          k.L.page = null;
          return undefined;
        },
      },
      {
        line: "c->partial = page->next",
        run: (k) => ret(num(k.L, "page")),
      },
    ]),
  ]);

  it("reports BUG: kernel NULL pointer dereference with the function and line; the actor stops", () => {
    const s = scenario({}, [
      task("A", 0, allocs("a", 2)),
      task("B", 1, allocs("b", 1)),
    ]);
    const sess = { scenario: s, variant: broken, machine: load(s, broken) };
    const r = runSession(sess);
    expect(r.findings.map((f) => [f.code, f.actor, f.step])).toEqual([
      ["oops", "A", 2],
      ["oops", "B", 3],
    ]);
    expect(r.findings[0]!.message).toBe(
      'BUG: kernel NULL pointer dereference in slab_alloc_node: page is NULL at "c->partial = page->next"',
    );
    expect(r.stopReason).toBe("crashed");
    const a = r.machine.actors[0]!;
    expect(a.status).toBe("crashed");
    expect(a.op).toBe(0);
    expect(a.note).toBe(
      "A oopsed in slab_alloc_node (NULL pointer dereference) and stopped",
    );
  });
});

describe("CPU offline racing fast-path frees on v5.15", () => {
  // Two tasks share a slot across two CPUs while a hotplug thread takes CPUs down and up. On
  // seed 266 a free pushes onto a dead CPU's c->freelist after its c->page was cleared without
  // a tid bump (R18); __flush_cpu_slab then finds a freelist without a page and drops it.
  const s: Scenario = scenario({ variant: "v5.15" }, [
    task("A", 0, [...allocs("a", 3), ...frees("a", 3)]),
    task("B", 1, [...allocs("a", 3), ...frees("a", 3)]),
    {
      name: "H",
      kind: "hotplug",
      cpu: 0,
      ops: [
        { kind: "cpuOffline", cpu: 1 },
        { kind: "cpuOnline", cpu: 1 },
        { kind: "cpuOffline", cpu: 0 },
      ],
    },
  ]);

  it("leaks the dropped freelist's object: object-leak when __flush_cpu_slab drops it", () => {
    const r = runSession(start(s), { seed: 266 });
    expect(r.findings.map((f) => [f.code, f.actor])).toEqual([
      ["object-leak", "H"],
    ]);
    expect(r.findings[0]!.message).toBe(
      "object P0#3 is on no freelist and allocated to nobody",
    );
    expect(r.stopReason).toBe("done");
  });

  it("never throws over 400 seeds", () => {
    let leaks = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = runSession(start(s), { seed });
      if (r.findings.some((f) => f.code === "object-leak")) leaks++;
    }
    expect(leaks).toBeGreaterThan(0);
  });
});

describe("a prepared cpuOffline", () => {
  const prepared = (
    name: VariantName,
    prepare: Scenario["prepare"],
    rt = false,
  ): Scenario =>
    scenario(
      { variant: name, cpus: 2, preemptRt: rt },
      [task("A", 0, allocs("a", 1)), task("B", 1, allocs("b", 1))],
      { prepare },
    );

  it.each(VARIANT_NAMES)(
    "runs on %s, the preparing context's own CPU included",
    (name) => {
      for (const down of [0, 1]) {
        const s = prepared(name, [
          { cpu: 0, op: { kind: "alloc", slot: "a" } },
          { cpu: 0, op: { kind: "cpuOffline", cpu: down } },
        ]);
        const sess = start(s);
        const m = sess.machine;
        expect(m.cpus.map((c) => c.online)).toEqual([down !== 0, down !== 1]);
        // No CPU is left running the preparing context, which is gone.
        for (const c of m.cpus)
          expect(c.current === null || c.current < m.actors.length).toBe(true);
        const r = runSession(sess);
        expect(r.stopReason).toBe("done");
        expect(r.machine.slots["b"]).toHaveLength(1);
      }
      if (VARIANTS[name].rtCapable) {
        const s = prepared(
          name,
          [{ cpu: 1, op: { kind: "cpuOffline", cpu: 1 } }],
          true,
        );
        expect(runSession(start(s)).stopReason).toBe("done");
      }
    },
  );

  it("a prepared operation on a CPU an earlier one took down is refused, naming it", () => {
    const s = prepared("v5.15", [
      { cpu: 0, op: { kind: "cpuOffline", cpu: 1 } },
      { cpu: 1, op: { kind: "alloc", slot: "b" } },
    ]);
    expect(() => start(s)).toThrow(StepRefused);
    expect(() => start(s)).toThrow(
      "prepare[1]: cpu 1 is offline (an earlier prepared cpuOffline took it down)",
    );
  });
});

describe("property: no internal error escapes, on any variant", () => {
  /** Runs one scenario to its end; returns what happened (a refusal is a clean outcome). */
  function survive(s: Scenario, seed: number): "ran" | "refused" {
    let sess;
    try {
      sess = start(s);
    } catch (e) {
      if (e instanceof StepRefused) return "refused";
      throw e;
    }
    runSession(sess, { seed, maxSteps: 3_000 });
    return "ran";
  }

  // Thousands of seeds in batches, one batch per variant: any scenario (every actor kind and
  // operation, prepared operations, every config switch) and a calm one that goes deeper.
  it.each(VARIANT_NAMES)(
    "%s",
    (name) => {
      let ran = 0;
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.boolean(),
          (seed, calm) => {
            if (survive(anyScenario(seed, name, calm), seed) === "ran") ran++;
          },
        ),
        { numRuns: 300, seed: 20261204 },
      );
      expect(ran).toBeGreaterThan(250);
      // Well under a second per variant on an idle machine; the margin is for a loaded CI runner.
    },
    30_000,
  );
});
