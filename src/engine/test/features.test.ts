import { describe, expect, it } from "vitest";
import { FEATURES } from "../features";
import { visitObjectHolders } from "../holders";
import { STAT_ITEMS } from "../stats";
import { scenario, session, task } from "./helpers";
import type { Scenario } from "../scenario";

const base = scenario({ variant: "v6.7-pca-rfc3" }, [task("A", 0, [])]);
const withArray: Scenario = {
  ...base,
  cache: { ...base.cache, percpuArray: { count: 4 } },
};

describe("feature modules", () => {
  it("the percpu array is a feature: its state, ops, holders and stats", () => {
    const pca = FEATURES.find((f) => f.name === "percpuArray")!;
    expect(pca.ops).toEqual(["allocBulk", "freeBulk", "prefill", "write"]);
    for (const st of pca.stats ?? []) expect(STAT_ITEMS).toContain(st);
    const m = session(withArray).machine;
    expect(pca.active(m)).toBe(true);
    expect(m.pca).toEqual(
      m.cpus.map(() => ({ lock: null, count: 4, used: 0, objects: [] })),
    );
    m.pca![0]!.objects.push(1, 2);
    const seen: string[] = [];
    visitObjectHolders(m, {
      chain() {},
      objects: (h, refs) => {
        if (h.kind === "pcaArray") seen.push(`${h.cpu}:${refs.join(",")}`);
      },
      object() {},
      slab() {},
      slabChain() {},
      slabs() {},
    });
    expect(seen).toEqual(m.cpus.map((_, c) => (c === 0 ? "0:1,2" : `${c}:`)));
    expect(pca.checkedLists!.count(m)).toBe(m.cpus.length);
    expect(pca.checkedLists!.list(m, 0)).toEqual([1, 2]);
  });
});
