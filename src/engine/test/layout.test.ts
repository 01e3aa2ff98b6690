import { describe, expect, it } from "vitest";
import {
  cpuSlabPairAligned,
  kmemCacheCpuLayout,
  localLockSize,
  ORDER_LOCK_FIRST,
  ORDER_V514,
  ORDER_V515,
  type LayoutConfig,
} from "../layout";
import { runSession } from "../run";
import type { FindingCode } from "../types";
import { scenario, session } from "./helpers";
import { VARIANTS, type VariantName } from "../variants";

const cfg = (over: Partial<LayoutConfig>): LayoutConfig => ({
  preemptRt: false,
  lockdep: false,
  lockStat: false,
  cpuPartial: true,
  ...over,
});

const offsets = (order: typeof ORDER_V515, c: LayoutConfig) =>
  Object.fromEntries(
    kmemCacheCpuLayout(order, c).fields.map((f) => [
      f.field,
      [f.offset, f.size],
    ]),
  );

describe("kmem_cache_cpu layout", () => {
  it("v4 as posted with LOCK_STAT on !RT: Vlastimil's pahole, freelist at 56 (seed 002 L7345-7355)", () => {
    const c = cfg({ lockStat: true });
    expect(offsets(ORDER_LOCK_FIRST, c)).toEqual({
      lock: [0, 56],
      freelist: [56, 8],
      tid: [64, 8],
      page: [72, 8],
      partial: [80, 8],
    });
    const l = kmemCacheCpuLayout(ORDER_LOCK_FIRST, c);
    expect(l.size).toBe(88);
    expect(l.freelistOffset).toBe(0x38);
    expect(l.pairAligned).toBe(false);
  });

  it("v5.15 in Sebastian's four configs: the lock at 32, sizes 176, 64, 32 and 88 (L7597-7642)", () => {
    const cases: [Partial<LayoutConfig>, number, number][] = [
      [{ preemptRt: true, lockStat: true }, 144, 176],
      [{ preemptRt: true }, 32, 64],
      [{}, 0, 32],
      [{ lockStat: true }, 56, 88],
    ];
    for (const [over, lockSize, size] of cases) {
      const l = kmemCacheCpuLayout(ORDER_V515, cfg(over));
      expect(offsets(ORDER_V515, cfg(over))).toEqual({
        freelist: [0, 8],
        tid: [8, 8],
        page: [16, 8],
        partial: [24, 8],
        lock: [32, lockSize],
      });
      expect(l.size).toBe(size);
      expect(l.pairAligned).toBe(true);
    }
  });

  it("local_lock_t sizes: lockdep alone is 8 bytes smaller per lockdep map than LOCK_STAT", () => {
    expect(localLockSize(cfg({}))).toBe(0);
    expect(localLockSize(cfg({ lockdep: true }))).toBe(48);
    expect(localLockSize(cfg({ lockStat: true }))).toBe(56);
    expect(localLockSize(cfg({ preemptRt: true }))).toBe(32);
    expect(localLockSize(cfg({ preemptRt: true, lockdep: true }))).toBe(128);
    expect(localLockSize(cfg({ preemptRt: true, lockStat: true }))).toBe(144);
  });

  it("only v4 with LOCK_STAT on !RT misaligns {freelist, tid}: not lockdep alone, not RT (L7851-7852, L7287-7288)", () => {
    const all: Partial<LayoutConfig>[] = [];
    for (const preemptRt of [false, true])
      for (const lockdep of [false, true])
        for (const lockStat of [false, true])
          all.push({ preemptRt, lockdep, lockStat });
    for (const over of all) {
      const c = cfg(over);
      const bad = !c.preemptRt && c.lockStat;
      expect(kmemCacheCpuLayout(ORDER_LOCK_FIRST, c).pairAligned).toBe(!bad);
      expect(cpuSlabPairAligned(VARIANTS.v4.cpuSlabOrder, c)).toBe(!bad);
      expect(cpuSlabPairAligned(VARIANTS["v5.15"].cpuSlabOrder, c)).toBe(true);
      expect(cpuSlabPairAligned(VARIANTS["v5.14"].cpuSlabOrder, c)).toBe(true);
    }
  });

  it("without CONFIG_SLUB_CPU_PARTIAL there is no partial field", () => {
    const l = kmemCacheCpuLayout(ORDER_V515, cfg({ cpuPartial: false }));
    expect(l.fields.map((f) => f.field)).toEqual([
      "freelist",
      "tid",
      "page",
      "lock",
    ]);
    expect(l.size).toBe(24);
  });

  it("knows each variant's field order from its declaration", () => {
    expect(VARIANTS.v4.cpuSlabOrder).toBe(ORDER_LOCK_FIRST);
    expect(VARIANTS["v5.14"].cpuSlabOrder).toBe(ORDER_V514);
    expect(VARIANTS["v5.15"].cpuSlabOrder).toBe(ORDER_V515);
    expect(VARIANTS["v6.7-pca-rfc3"].cpuSlabOrder).toBe(ORDER_V515);
  });
});

describe("this_cpu_cmpxchg_double on a misaligned pair", () => {
  const codes = (variant: VariantName, extra: object, free: boolean) => {
    const s = session(
      scenario(
        { variant, cpus: 1, lockStat: true, ...extra },
        [
          {
            name: "A",
            kind: "task",
            cpu: 0,
            ops: [
              free ? { kind: "free", slot: "x" } : { kind: "alloc", slot: "y" },
            ],
          },
        ],
        { prepare: [{ cpu: 0, op: { kind: "alloc", slot: "x" } }] },
      ),
    );
    const r = runSession(s);
    return {
      codes: r.findings.map((f): FindingCode => f.code),
      steps: r.findings.map((f) => f.step),
      stop: r.stopReason,
      message: r.findings[0]?.message ?? "",
    };
  };

  it("faults in the allocation fast path on v4 with LOCK_STAT, and the context oopses", () => {
    const r = codes("v4", {}, false);
    expect(r.codes).toEqual(["cmpxchg16b-misaligned"]);
    expect(r.steps).toEqual([5]);
    expect(r.stop).toBe("crashed");
    expect(r.message).toMatch(
      /^general protection fault .*cmpxchg16b 0x38\(%rdi\).*offset 56/,
    );
  });

  it("faults in the free fast path too", () => {
    const r = codes("v4", {}, true);
    expect(r.codes).toEqual(["cmpxchg16b-misaligned"]);
  });

  it("with CONFIG_DEBUG_VM the percpu VM_BUG_ON fires first (L7667-7669)", () => {
    const r = codes("v4", { debugVm: true }, false);
    expect(r.codes).toEqual(["vm-bug-on"]);
    expect(r.message).toMatch(/__pcpu_double_call_return_bool/);
  });

  it("is fine on v4 without LOCK_STAT, on v4 with RT, and on v5.15 and v5.14", () => {
    expect(codes("v4", { lockStat: false }, false).codes).toEqual([]);
    expect(codes("v4", { preemptRt: true }, true).codes).toEqual([]);
    expect(codes("v5.15", {}, false).codes).toEqual([]);
    expect(codes("v5.15", {}, true).codes).toEqual([]);
    expect(codes("v5.14", {}, false).codes).toEqual([]);
  });
});
