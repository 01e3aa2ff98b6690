import { describe, expect, it } from "vitest";
import type { Machine } from "../../engine";
import { replay } from "./replay";
import { s4RefillMigrates, s4SheavesTour } from "./s4-sheaves";

const stat = (m: Machine, name: string) =>
  m.stats.reduce((n, s) => n + (s[name] ?? 0), 0);

describe("the v7.0 sheaves tour does what its narration says", () => {
  it("refills with the lock dropped, swaps with the spare, parks a full sheaf in the barn and takes it back", () => {
    const { r, at } = replay(s4SheavesTour);
    expect(r.findings).toEqual([]);
    expect(at(2)).toMatchObject({ fn: "alloc_from_pcs", pc: 1 });
    expect(at(7)).toMatchObject({ fn: "__pcs_replace_empty_main" });
    expect(at(7).line).toMatch(/local_unlock/);
    expect(at(9).line).toMatch(/refill_sheaf/);
    expect(at(16).line).toMatch(/local_lock/);
    expect(at(18)).toMatchObject({ fn: "alloc_from_pcs", pc: 3 });
    expect(at(150)).toMatchObject({ fn: "__pcs_replace_full_main" });
    expect(at(150).line).toMatch(/swap/);
    expect(at(176).line).toMatch(/alloc_empty_sheaf/);
    expect(at(178).stats).toContain("barn_put");
    expect(at(228).line).toMatch(/swap/);
    expect(at(261).stats).toContain("barn_get");
    const m = r.machine;
    expect(stat(m, "alloc_fastpath")).toBe(24);
    expect(stat(m, "free_fastpath")).toBe(12);
    expect(m.sheaves!.barns[0]!.full).toEqual([]);
  });
});

describe("migration while a refill runs with the lock dropped", () => {
  it("installs the refilled sheaf on the CPU it relocks on, as its spare", () => {
    const { r, at, events } = replay(s4RefillMigrates);
    expect(r.findings).toEqual([]);
    expect(at(7).line).toMatch(/local_unlock/);
    expect(at(7).cpu).toBe(0);
    const relock = events.find((e) => /^local_lock\(/.test(e.line))!;
    expect(relock.cpu).toBe(1);
    expect(relock.step).toBe(16);
    expect(at(9).line).toMatch(/refill_sheaf/);
    expect(at(17).line).toMatch(/main is empty/);
    expect(at(18)).toMatchObject({ fn: "alloc_from_pcs", pc: 3, cpu: 1 });
    const st = r.machine.sheaves!;
    const cpu0 = st.pcs[0]!;
    const cpu1 = st.pcs[1]!;
    expect(st.sheaves[cpu0.main]!.objects).toEqual([]);
    expect(cpu0.spare).toBeNull();
    expect(st.sheaves[cpu1.main]!.objects).toHaveLength(2);
    expect(cpu1.spare).not.toBeNull();
    expect(st.sheaves[cpu1.spare!]!.objects).toHaveLength(4);
    expect(r.machine.slots["x"]).toHaveLength(1);
  });
});
