import { describe, expect, it } from "vitest";
import { parseScenario } from "../schema";
import { replay } from "./replay";
import { r5PfmemallocVmBugOn as e } from "./r5-pfmemalloc-vm-bug-on";
import type { VariantName } from "../../engine";

const run = (variant?: VariantName) =>
  replay(e, variant === undefined ? {} : { variant });

describe("R5: pfmemalloc_match() on a freed page", () => {
  it("is a valid scenario", () => {
    const p = parseScenario(JSON.parse(JSON.stringify(e.scenario)));
    expect(p.ok ? [] : p.errors).toEqual([]);
  });

  it("v4: VM_BUG_ON(!PageSlab) at A's early check, after the interrupt freed P0", () => {
    const { r, at } = run();
    expect(r.findings.map((f) => ({ code: f.code, step: f.step }))).toEqual(
      e.expect,
    );
    expect(r.findings[0]!.actor).toBe("A");
    expect(r.findings[0]!.message).toMatch(/PageSlab/);
    expect(r.findings[0]!.slabs).toEqual([0]);
    expect(r.stopReason).toBe("crashed");
    // What the narration says happens at its steps.
    expect(at(6)).toMatchObject({ name: "A", label: "reread_page" });
    expect(at(7)).toMatchObject({ name: "irq", fn: "do_slab_free" });
    expect(at(13)).toMatchObject({ name: "irq", fn: "slab_alloc_node" });
    expect(at(35)).toMatchObject({ name: "irq", fn: "discard_slab" });
    expect(at(54).name).toBe("A");
    expect(at(55).line).toMatch(/!pfmemalloc_match\(page/);
    expect(r.machine.pages[0]!.use).toBe("free");
    expect(r.machine.cpuSlab[0]!.page).toBe(1);
  });

  it("v5.15: pfmemalloc_match_unsafe() does not assert; the re-check sends A back to reread_page", () => {
    const { r, at } = run(e.fixed!.variant);
    expect(e.fixedOutcome).toBe("clean");
    expect(r.findings).toEqual([]);
    expect(r.stopReason).toBe("done");
    expect(r.skippedEntries).toBe(0);
    expect(at(55).line).toMatch(/pfmemalloc_match_unsafe/);
    expect(at(58).line).toMatch(/goto reread_page/);
    expect(r.machine.slots.y).toHaveLength(1);
  });
});
