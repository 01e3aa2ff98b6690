/**
 * The frame's view of the newer mechanisms: the percpu array cache (RFC v3) per CPU, and
 * kmalloc_nolock's buckets, deferred list and page refcounts, checked against the machine at
 * every step of the library scenarios that use them.
 */
import { describe, expect, it } from "vitest";
import { fmtObj } from "../engine";
import { libraryEntry } from "../scenarios/library";
import { Timeline } from "./timeline";

const trace = (id: string) => {
  const tl = new Timeline(libraryEntry(id)!.scenario);
  return Array.from({ length: tl.total + 1 }, (_, i) => ({
    f: tl.frame(i),
    m: tl.machineAt(i),
  }));
};

describe("the percpu array cache in the frame", () => {
  it.each(["s3-1-pca-irq-free-leak", "s3-3-pca-refill-migrates"])(
    "%s: each CPU's array is the machine's, and its objects are drawn as cached there",
    (id) => {
      let sawObjects = false;
      for (const { f, m } of trace(id)) {
        f.cpus.forEach((c, cpu) => {
          const arr = m.pca![cpu]!;
          expect(c.pca).not.toBeNull();
          expect(c.pca!.used).toBe(arr.used);
          expect(c.pca!.count).toBe(arr.count);
          expect(c.pca!.refs).toEqual(arr.objects);
          expect(c.pca!.objects).toEqual(arr.objects.map((x) => fmtObj(m, x)));
          expect(c.pca!.lock).toBe(
            arr.lock === null ? null : m.actors[arr.lock]!.name,
          );
          for (const x of arr.objects) {
            sawObjects = true;
            const slab = f.slabs.find(
              (s) => s.id === Math.floor(x / m.cache.objects),
            )!;
            expect(slab.slots[x - slab.firstObj]).toEqual({ kind: "pca", cpu });
          }
        });
      }
      expect(sawObjects).toBe(true);
    },
  );

  it("a scenario without the array cache has none in its frames", () => {
    const { f } = trace("r4-recheck-reread-page")[0]!;
    expect(f.cpus.every((c) => c.pca === null)).toBe(true);
    expect(f.nolock).toBeNull();
  });
});

describe("kmalloc_nolock in the frame", () => {
  it("s1-5: the deferred list is the machine's, its objects are drawn as deferred, and a change is marked", () => {
    let sawDeferred = false;
    let sawChange = false;
    for (const { f, m } of trace("s1-5-kfree-nolock-defer")) {
      const n = m.nolock!;
      expect(f.nolock!.deferredRefs).toEqual(n.deferFreeObjects);
      expect(f.nolock!.buckets.map((b) => b.name)).toEqual(
        n.buckets.map((b) => b.name),
      );
      expect(f.nolock!.buckets.filter((b) => b.modelled)).toHaveLength(1);
      for (const x of n.deferFreeObjects) {
        sawDeferred = true;
        const slab = f.slabs.find(
          (s) => s.id === Math.floor(x / m.cache.objects),
        )!;
        expect(slab.slots[x - slab.firstObj]).toEqual({ kind: "deferred" });
      }
      if (f.changed.nolock) sawChange = true;
    }
    expect(sawDeferred).toBe(true);
    expect(sawChange).toBe(true);
  });

  it("s1-4: the page refcounts follow the race with the compaction scanner", () => {
    const seen = new Set<string>();
    for (const { f } of trace("s1-4-compaction-frozen-page"))
      for (const r of f.nolock!.pageRefs) seen.add(`${r.page}:${r.refcount}`);
    // The new slab page is refcounted (1), the scanner pins it (2), then drops it to zero.
    const counts = new Set([...seen].map((s) => Number(s.split(":")[1])));
    expect(counts.has(2)).toBe(true);
    expect(counts.has(0)).toBe(true);
  });
});
