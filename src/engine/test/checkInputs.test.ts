import { describe, expect, it } from "vitest";
import { adoptCheckedState } from "../checks";
import {
  adoptRecord,
  checkedStateUnchanged,
  forgetCheckedState,
  settled,
} from "../checkInputs";
import { runSession, start } from "../run";
import type { Machine, Op } from "../types";
import { allocs, frees, scenario, task } from "./helpers";

/** A machine in the middle of a run, with slabs, partial lists, slots and actors in flight. */
function busy(): Machine {
  const s = scenario({ cpus: 2, nodes: 2 }, [
    task("A", 0, [...allocs("a", 6), ...frees("a", 3)]),
    task("B", 1, [...allocs("b", 6), ...frees("a", 3)]),
  ]);
  const sess = start(s);
  runSession(sess, { seed: 5, maxSteps: 150 });
  return sess.machine;
}

describe("the record of what the checks read", () => {
  it("reads as unchanged right after it was settled, and after an identical copy of a field", () => {
    const m = busy();
    // The run's own checks settled its last state.
    expect(checkedStateUnchanged(m, m.actors[0]!)).toBe(true);
    m.slots["a"] = m.slots["a"]!;
    expect(checkedStateUnchanged(m, m.actors[0]!)).toBe(true);
  });

  const changes: [string, (m: Machine) => void][] = [
    [
      "a page's use",
      (m) => void (m.pages.find((p) => p.use === "free")!.use = "pagecache"),
    ],
    ["a slab's freelist", (m) => void (slab(m).freelist = 999)],
    ["a slab's inuse", (m) => void slab(m).inuse++],
    ["a slab's frozen bit", (m) => void (slab(m).frozen = !slab(m).frozen)],
    ["a slab's next", (m) => void (slab(m).next = 7)],
    ["a slab's pages", (m) => void slab(m).pages++],
    ["a slab's memcg vector", (m) => void (slab(m).objcgs = 3)],
    ["a free pointer", (m) => void (slab(m).fp[1] = 12345)],
    ["a CPU's freelist", (m) => void (m.cpuSlab[1]!.freelist = 77)],
    ["a CPU's slab", (m) => void (m.cpuSlab[1]!.page = 9)],
    ["a CPU's partial chain", (m) => void (m.cpuSlab[0]!.partial = 9)],
    ["a node's lock", (m) => void (m.nodes[1]!.listLock = 0)],
    ["a node's nr_partial", (m) => void m.nodes[0]!.nrPartial++],
    ["a node's partial list", (m) => void m.nodes[1]!.partial.push(4)],
    ["an actor's chains", (m) => void m.actors[1]!.ownedChains.push(1, 2)],
    ["an actor's objects", (m) => void m.actors[0]!.ownedObjects.push(5)],
    ["an actor's slabs", (m) => void m.actors[2]!.ownedSlabs.push(5)],
    ["an actor's cpu slab", (m) => void (m.actors[0]!.ownsCpuSlab = 1)],
    ["a slot", (m) => void m.slots["b"]!.push(3)],
    ["a slot entry", (m) => void (m.slots["b"]![0] = -5)],
    ["the active findings", (m) => void m.activeFindings.push("x")],
  ];
  it.each(changes)("sees a change of %s", (_what, change) => {
    const m = busy();
    checkedStateUnchanged(m, m.actors[0]!);
    settled(m);
    change(m);
    expect(checkedStateUnchanged(m, m.actors[0]!)).toBe(false);
    settled(m);
    expect(checkedStateUnchanged(m, m.actors[0]!)).toBe(true);
  });

  it("does not take one machine's record for another's", () => {
    const m = busy();
    checkedStateUnchanged(m, m.actors[0]!);
    settled(m);
    const copy = JSON.parse(JSON.stringify(m)) as Machine;
    expect(checkedStateUnchanged(copy, copy.actors[0]!)).toBe(false);
  });
});

function slab(m: Machine) {
  return m.pages.find((p) => p.use === "slab")!;
}

describe("a copy that adopts the checks' record (the explorer's branch points)", () => {
  /**
   * A session after `steps` seeded steps. A frees one object twice (it keeps the pointer), so the
   * runs have findings to agree on: the double free, and what the corrupted freelist leads to.
   */
  function at(steps: number) {
    const twice: Op[] = [
      { kind: "free", slot: "a", keep: true },
      { kind: "free", slot: "a" },
    ];
    const s = scenario({ cpus: 2, nodes: 2 }, [
      task("A", 0, [...allocs("a", 6), ...twice, ...allocs("a", 4)]),
      task("B", 1, [...allocs("b", 6), ...frees("b", 3), ...frees("a", 3)]),
    ]);
    const sess = start(s);
    runSession(sess, { seed: 9, maxSteps: steps });
    return sess;
  }

  /** Runs `m` on to the end under seed 11; its findings (code and step). */
  function finish(sess: ReturnType<typeof at>, m: Machine): string[] {
    runSession({ ...sess, machine: m }, { seed: 11, maxSteps: 100_000 });
    return m.findings.map((f) => `${f.step}:${f.code}`);
  }

  it("finds what a copy checked from scratch finds, and so does the original after it", () => {
    for (const steps of [20, 60, 120]) {
      const sess = at(steps);
      const m = sess.machine;
      const copy = (): Machine => JSON.parse(JSON.stringify(m)) as Machine;
      const adopted = copy();
      const fresh = copy();
      const original = copy();
      adoptCheckedState(m, adopted);
      // The adopted record is the copy's now: its next check may take the fast path.
      const withRecord = finish(sess, adopted);
      forgetCheckedState();
      expect(withRecord.length).toBeGreaterThan(0);
      expect(withRecord).toEqual(finish(sess, fresh));
      // The original, no longer described by the record, is checked in full.
      expect(finish(sess, m)).toEqual(finish(sess, original));
    }
  });

  it("adopts only the record of the state the copy was made from", () => {
    const sess = at(40);
    const m = sess.machine;
    const copy = JSON.parse(JSON.stringify(m)) as Machine;
    forgetCheckedState();
    expect(adoptRecord(m, copy)).toBe(false);
    const later = at(40).machine;
    const copyOfLater = JSON.parse(JSON.stringify(later)) as Machine;
    expect(adoptRecord(later, copyOfLater)).toBe(true);
    expect(checkedStateUnchanged(copyOfLater, copyOfLater.actors[0]!)).toBe(
      true,
    );
  });
});
