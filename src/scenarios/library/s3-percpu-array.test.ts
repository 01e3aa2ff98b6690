import { describe, expect, it } from "vitest";
import type { Machine } from "../../engine";
import { replay } from "./replay";
import {
  s31IrqFreeLeak,
  s32OfflineDestroy,
  s33RefillMigrates,
  s34RtPrefillLeak,
  s35PrefillMigrate,
  s36UafSlubDebug,
} from "./s3-percpu-array";

const stat = (m: Machine, cpu: number, name: string) =>
  m.stats[cpu]![name] ?? 0;

// What the narration of each S3 scenario says happens at its steps.
describe("the percpu array cache scenarios do what their narration says", () => {
  it("S3.1: the IRQ's trylocks fail while A holds CPU 0's array; its free is lost at step 46", () => {
    const { r, at } = replay(s31IrqFreeLeak);
    expect(at(2)).toMatchObject({ name: "A", fn: "free_to_pca", pc: 0 });
    expect(at(4)).toMatchObject({ name: "irq", fn: "alloc_from_pca" });
    expect(at(4).notes).toContain("pca-bypass: trylock failed");
    expect(at(45).notes).toContain("trylock-fail");
    expect(at(46)).toMatchObject({ name: "irq", fn: "slab_free" });
    expect(at(47)).toMatchObject({ name: "A", fn: "free_to_pca", pc: 1 });
    expect(at(48)).toMatchObject({
      name: "A",
      line: expect.stringMatching(/objects\[pca->used\+\+\]/),
    });
    expect(r.machine.pca![0]!.used).toBe(4);
    expect(r.machine.slots["o2"]).toEqual([]);
  });

  it("S3.2: CPU 2's 5 objects stay in its array on the RFC, and are flushed on the fix", () => {
    const rfc = replay(s32OfflineDestroy);
    expect(rfc.r.machine.pca![2]!.used).toBe(5);
    expect(rfc.r.machine.cache.destroyed).toBeUndefined();
    expect(rfc.r.findings[0]!.objects).toHaveLength(5);
    const fixed = replay(s32OfflineDestroy, s32OfflineDestroy.fixed);
    expect(fixed.r.machine.pca![2]!.used).toBe(0);
    expect(fixed.r.machine.cache.destroyed).toBe(true);
    expect(fixed.events.some((e) => e.fn === "flush_pca_cpu")).toBe(true);
  });

  it("S3.3: after migrating, the refill pushes 2 onto CPU 1's array and frees 2", () => {
    const { r, at, events } = replay(s33RefillMigrates);
    // The counters during the run (the prepared prefill counted 6 refills on CPU 1 before).
    const counted = (name: string) =>
      events
        .flatMap((e) => (e.cpu === 1 ? e.stats : []))
        .filter((x) => x === name).length;
    expect(at(57)).toMatchObject({ via: "migrate", cpu: 1, fn: "refill_pca" });
    expect(counted("cpu_cache_refill")).toBe(2);
    expect(counted("alloc_cpu_cache")).toBe(1);
    expect(stat(r.machine, 1, "cpu_cache_refill")).toBe(6 + 2);
    expect(at(60).line).toMatch(/batch < allocated/);
    expect(r.machine.pca![0]!.used).toBe(0);
    expect(r.machine.pca![1]!.used).toBe(7);
  });

  it("S3.4: on RT the holder is preempted, not migrated away; the prefill loses 4 objects and returns -ENOMEM", () => {
    const { r, at } = replay(s34RtPrefillLeak);
    expect(at(3)).toMatchObject({ name: "H", via: "preempt" });
    expect(r.findings.map((f) => f.objects.length)).toEqual([1, 1, 1, 1]);
    expect(r.machine.actors.find((a) => a.name === "H")!.note).toMatch(
      /-ENOMEM/,
    );
    const fixed = replay(s34RtPrefillLeak, s34RtPrefillLeak.fixed);
    expect(
      fixed.events.filter((e) => e.fn === "do_slab_free" && e.pc === 0),
    ).toHaveLength(4);
  });

  it("S3.5: the prefilled objects stay on CPU 0; the atomic allocation on CPU 1 bypasses its empty array", () => {
    const { r, at } = replay(s35PrefillMigrate);
    expect(at(60)).toMatchObject({ via: "migrate", cpu: 1 });
    expect(at(64).notes).toContain(
      "pca-bypass: empty array, no refill in this context",
    );
    expect(r.machine.pca![0]!.used).toBe(4);
    expect(r.machine.slots["a"]).toHaveLength(1);
  });

  it("S3.6: slub_debug misses the write; KASAN reports it at step 6", () => {
    const { r, at } = replay(s36UafSlubDebug);
    expect(at(6).notes[0]).toMatch(/undetected/);
    // The next allocation hands the written object out again.
    const o = r.machine.slots["p"]![0]!;
    expect(r.machine.slots["o"]).toEqual([-(o + 2)]);
    const kasan = replay(s36UafSlubDebug, { kasan: true });
    expect(kasan.r.findings.map((f) => [f.code, f.step])).toEqual([
      ["use-after-free", 6],
    ]);
  });
});
