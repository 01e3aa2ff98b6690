import { describe, expect, it } from "vitest";
import { libraryEntry } from "../scenarios/library";
import { defaultScenario } from "../scenarios/library/default";
import {
  choicesFor,
  start,
  stepInPlace,
  visitHolders,
  type Holder,
  type HolderVisitor,
  type Machine,
  type Scenario,
} from "../engine";

/** Every holder visited, in order, with the objects or pages it was handed. */
function holders(m: Machine): { h: Holder; what: string }[] {
  const out: { h: Holder; what: string }[] = [];
  const v: HolderVisitor = {
    chain: (h, head, tail) => out.push({ h, what: `chain ${head}..${tail}` }),
    objects: (h, refs) => out.push({ h, what: `objects ${refs.join(",")}` }),
    object: (h, ref) => out.push({ h, what: `object ${ref}` }),
    slab: (h, page) => out.push({ h, what: `slab ${page}` }),
    slabChain: (h, head) => out.push({ h, what: `slab chain ${head}` }),
    slabs: (h, pages) => out.push({ h, what: `slabs ${pages.join(",")}` }),
  };
  visitHolders(m, v);
  return out;
}

/** Every machine state of a scenario run on its own schedule (lowest enabled actor first). */
function* states(s: Scenario): Generator<Machine> {
  const sess = start(s);
  const m = sess.machine;
  yield m;
  for (let i = 0; i < 5000; i++) {
    const ch = m.actors.flatMap((a) => choicesFor(m, a))[0];
    if (!ch) return;
    stepInPlace(m, sess.variant, ch);
    yield m;
  }
}

const ORDER: Holder["kind"][] = [
  "pageFreelist",
  "cpuFreelist",
  "actorChain",
  "pcaArray",
  "deferFree",
  "slot",
  "inFlight",
  "objcgs",
  "cpuSlab",
  "nodePartial",
  "slabInFlight",
];

describe("the holders of objects and slabs", () => {
  it.each([
    ["default", defaultScenario],
    ["s3", libraryEntry("s3-1-pca-irq-free-leak")!.scenario],
    ["s1", libraryEntry("s1-1-nmi-in-slab-alloc")!.scenario],
    ["r0-3", libraryEntry("r0-3-memcg-recursion")!.scenario],
  ])("%s: visited in the documented order, at every step", (_, s) => {
    for (const m of states(s)) {
      const kinds = holders(m).map((x) =>
        x.h.kind === "cpuPartial" ? "cpuSlab" : x.h.kind,
      );
      const ranks = kinds.map((k) => ORDER.indexOf(k));
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      // The CPUs' slab holders alternate cpu slab and partial chain, CPU by CPU.
      const cpus = holders(m)
        .map((x) => x.h)
        .filter((h) => h.kind === "cpuSlab" || h.kind === "cpuPartial");
      for (let i = 1; i < cpus.length; i++)
        expect(
          (cpus[i]! as { cpu: number }).cpu >=
            (cpus[i - 1]! as { cpu: number }).cpu,
        ).toBe(true);
    }
  });

  it("reaches every kind of holder on the library: arrays, deferred list, memcg vectors, chains", () => {
    const kinds = new Set<string>();
    for (const [, s] of [
      ["s3", libraryEntry("s3-1-pca-irq-free-leak")!.scenario],
      ["s1", libraryEntry("s1-1-nmi-in-slab-alloc")!.scenario],
      ["r0-3", libraryEntry("r0-3-memcg-recursion")!.scenario],
      ["default", defaultScenario],
    ] as const)
      for (const m of states(s))
        for (const x of holders(m)) kinds.add(x.h.kind);
    expect([...kinds].sort()).toEqual([...ORDER, "cpuPartial"].sort());
  });

  it("a CPU whose pointers an actor works on in place holds them for that actor", () => {
    let seen = 0;
    for (const [, s] of [
      ["default", defaultScenario],
      ["r1", libraryEntry("r1-put-cpu-partial-stale-page")!.scenario],
    ] as const)
      for (const m of states(s)) {
        const owner = m.actors.find((a) => a.ownsCpuSlab !== null);
        for (const { h } of holders(m))
          if (h.kind === "cpuFreelist" || h.kind === "cpuSlab") {
            if (owner && h.cpu === owner.ownsCpuSlab) {
              expect(h.actor).toBe(owner.id);
              seen++;
            } else expect(h.actor).toBeNull();
          }
      }
    expect(seen).toBeGreaterThan(0);
  });

  it("holders without an owning actor are shared between visits (no allocation per check)", () => {
    const m = start(defaultScenario).machine;
    const a = holders(m).map((x) => x.h);
    const b = holders(m).map((x) => x.h);
    expect(b).toHaveLength(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBe(a[i]);
  });
});
