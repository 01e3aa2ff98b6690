import { describe, expect, it } from "vitest";
import { KERNEL_TABLES } from "./kernel";
import { fixesFor, isVariantName, VARIANT_NAMES, VARIANTS } from "./variants";

describe("the variant declarations", () => {
  it("have a function table each, in the same order", () => {
    expect(Object.keys(KERNEL_TABLES)).toEqual(VARIANT_NAMES);
  });

  it("declare the mechanisms their tables have", () => {
    for (const name of VARIANT_NAMES) {
      const fns = KERNEL_TABLES[name];
      const { features } = VARIANTS[name];
      expect(features.percpuArray, name).toBe(
        fns["alloc_from_pca"] !== undefined,
      );
      expect(features.nolock, name).toBe(fns["kmalloc_nolock"] !== undefined);
      expect(features.sheaves ?? false, name).toBe(
        fns["alloc_from_pcs"] !== undefined,
      );
    }
  });

  it("know a name only when it is declared", () => {
    expect(isVariantName("v5.15")).toBe(true);
    expect(isVariantName("v6.1")).toBe(false);
    expect(isVariantName("toString")).toBe(false);
  });

  it("add the fixes a variant's base release carries, once", () => {
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
