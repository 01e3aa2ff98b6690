import { describe, expect, it } from "vitest";
import { parseScenario } from "./schema";

const scenario = (variant: string, extra: object = {}) => ({
  format: "slabscope/scenario",
  version: 1,
  title: "percpu array",
  kernel: { variant, cpus: 1 },
  cache: { objects: 4, percpuArray: { count: 8 } },
  actors: [
    {
      name: "A",
      kind: "task",
      cpu: 0,
      ops: [
        { kind: "allocBulk", slot: "x", count: 3 },
        { kind: "freeBulk", slot: "x", count: 3 },
        { kind: "prefill", count: 4, gfp: "GFP_KERNEL" },
      ],
    },
  ],
  ...extra,
});

const errors = (input: unknown) => {
  const r = parseScenario(input);
  return r.ok ? [] : r.errors;
};

describe("the percpu array cache in the scenario format", () => {
  it("accepts cache.percpuArray and the bulk and prefill operations on the RFC kernels", () => {
    expect(errors(scenario("v6.7-pca-rfc3"))).toEqual([]);
    expect(errors(scenario("v6.7-pca-rfc3-fixed"))).toEqual([]);
  });

  it("refuses them on kernels without the array, naming the kernels that have it", () => {
    expect(errors(scenario("v5.15"))).toEqual([
      "cache.percpuArray: needs a kernel with the percpu array cache (v6.7-pca-rfc3, v6.7-pca-rfc3-fixed)",
      "actors[0].ops[0].kind: allocBulk needs a kernel with the percpu array cache (v6.7-pca-rfc3, v6.7-pca-rfc3-fixed)",
      "actors[0].ops[1].kind: freeBulk needs a kernel with the percpu array cache (v6.7-pca-rfc3, v6.7-pca-rfc3-fixed)",
      "actors[0].ops[2].kind: prefill needs a kernel with the percpu array cache (v6.7-pca-rfc3, v6.7-pca-rfc3-fixed)",
    ]);
  });

  it("bounds the array size and the batch sizes", () => {
    const s = scenario("v6.7-pca-rfc3", {
      cache: { objects: 4, percpuArray: { count: 1 } },
    });
    expect(errors(s)).toEqual([
      "cache.percpuArray.count: must be at least 2, got 1",
    ]);
    const big = scenario("v6.7-pca-rfc3");
    big.actors[0]!.ops[0] = { kind: "allocBulk", slot: "x", count: 65 };
    expect(errors(big)).toEqual([
      "actors[0].ops[0].count: must be at most 64, got 65",
    ]);
  });
});
