import { describe, expect, it } from "vitest";
import { runSession, start } from "../../engine";
import { replay } from "./replay";
import { s4RtFlushMainTrylock as e } from "./s4-sheaves-rt-flush";

describe("v7.0 on PREEMPT_RT: cache destroy vs a task holding the sheaves lock", () => {
  it("the flush's trylock fails and destroy leaves the main sheaf's objects behind", () => {
    const { r, at } = replay(e);
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(at(15)).toMatchObject({
      name: "kworker/0",
      fn: "sheaf_flush_main",
    });
    expect(at(15).notes).toContain("trylock-fail");
    expect(r.findings[0]!.message).toMatch(
      /main sheaf of cpu 0, which the flush did not empty/,
    );
    expect(r.findings[0]!.objects).toHaveLength(4);
    expect(r.machine.cache.destroyed).toBeFalsy();
  });

  it("without PREEMPT_RT the same schedule cannot take the lock from under the flush", () => {
    const { r } = replay(e, { preemptRt: false });
    expect(r.findings).toEqual([]);
    expect(r.machine.cache.destroyed).toBe(true);
  });

  it("with the fix the flush waits for T and empties main: the cache goes away", () => {
    const { r, at } = replay(e, e.fixed);
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(at(15)).toMatchObject({ name: "kworker/0", outcome: "blocked" });
    expect(r.machine.cache.destroyed).toBe(true);
    for (const p of r.machine.sheaves!.pcs)
      expect(r.machine.sheaves!.sheaves[p.main]!.objects).toEqual([]);
  });

  it("a free that comes after the flush of its CPU is the caller's bug: told in the destroy's note, not a finding, on either kernel", () => {
    // The schedule the race explorer reached on the fixed kernel before the report told the two
    // apart: the flush empties CPU 0 whole, then T frees into the cache that D is destroying.
    // The kernel prints "still has objects" all the same, as for an object still allocated.
    for (const kernel of [
      e.scenario.kernel,
      { ...e.scenario.kernel, ...e.fixed },
    ]) {
      const s = {
        ...e.scenario,
        kernel,
        schedule: { steps: ["D*8", "kworker/0*25", "T*4", "D*14"] },
      };
      const r = runSession(start(s));
      expect(r.findings).toEqual([]);
      const d = r.machine.actors.find((a) => a.name === "D")!;
      expect(d.note).toMatch(/Slab cache still has objects/);
      expect(d.note).toMatch(
        /1 object was freed into the main sheaf of cpu 0 after the destroy's flush had emptied it: a free racing kmem_cache_destroy\(\), the caller's bug/,
      );
      expect(r.machine.cache.destroyed).toBeUndefined();
    }
  });
});
