import { describe, expect, it } from "vitest";
import { fixesFor, VARIANT_CATALOGUE } from "./catalogue";
import { variantInfo, variantNames } from "./index";

describe("the variant catalogue", () => {
  it("names every registered variant, in order, with its PREEMPT_RT build and array cache", () => {
    expect(VARIANT_CATALOGUE.map((e) => e.name)).toEqual(variantNames());
    for (const e of VARIANT_CATALOGUE) {
      const info = variantInfo(e.name)!;
      expect(e.rtCapable, e.name).toBe(info.rtCapable);
      expect(e.percpuArray, e.name).toBe(
        info.fns["alloc_from_pca"] !== undefined,
      );
    }
  });

  it("adds the fixes a variant's base release carries, once", () => {
    expect(fixesFor("v5.14")).toEqual([]);
    expect(fixesFor("v5.15", ["tid-on-deactivation"])).toEqual([
      "tid-on-deactivation",
    ]);
    expect(fixesFor("v6.15-nolock-v1")).toEqual(["tid-on-deactivation"]);
    expect(fixesFor("v6.7-pca-rfc3", ["tid-on-deactivation"])).toEqual([
      "tid-on-deactivation",
    ]);
  });
});
