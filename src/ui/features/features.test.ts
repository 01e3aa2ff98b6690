import { describe, expect, it } from "vitest";
import { FEATURE_MODULES } from "../../engine/features";
import { VARIANTS } from "../../engine/variants";
import { FEATURE_PANEL_LIST, FEATURE_PANELS } from ".";

describe("feature panels", () => {
  it("there is one per feature module and per variant feature flag", () => {
    const names = Object.keys(FEATURE_MODULES).sort();
    expect(Object.keys(FEATURE_PANELS).sort()).toEqual(names);
    for (const v of Object.values(VARIANTS))
      expect(Object.keys(v.features).sort()).toEqual(names);
    expect(FEATURE_PANEL_LIST.map((p) => p.name)).toEqual(
      Object.keys(FEATURE_PANELS),
    );
  });

  it("each draws only when the frame has its part", () => {
    const cpu = FEATURE_PANELS.percpuArray.cpu!;
    expect(cpu.field).toBe("pca");
    expect(
      cpu.render({ pca: null } as Parameters<typeof cpu.render>[0], new Set()),
    ).toBeNull();
  });
});
