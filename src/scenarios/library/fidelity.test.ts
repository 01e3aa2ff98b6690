/**
 * Library scenarios told as the kernel would: R0-1 after the page allocator's writes to the freed
 * page, R3 only on its hypothetical variant, and how a freed page's struct page is reported.
 */
import { describe, expect, it } from "vitest";
import { runSession, start } from "../../engine";
import { libraryEntry } from "./index";

describe("library scenarios and the kernel's story", () => {
  it("R0-1: the allocation installs the page the allocator linked P1 to, not the stale P0", () => {
    const s = start(libraryEntry("r0-1-rt-free-steals-partial")!.scenario);
    runSession(s, {
      maxSteps: 58,
    });
    const m = s.machine;
    expect(m.cpuSlab[0]!.page).toBe(1);
    expect(m.cpuSlab[0]!.partial).toBe(5);
    expect(m.pages[5]!.use).toBe("free");
    // P0 stays where B's drain put it: on node 0's list only.
    expect(m.nodes[0]!.partial).toEqual([0]);
  });

  it("R3 runs only on the what-if variant, marked as hypothetical analysis", () => {
    const e = libraryEntry("r3-rt-lockless-fastpath")!;
    expect(e.scenario.kernel.variant).toBe("rt-2021-07-lockless-whatif");
    expect(e.source.basis).toBe("analysis");
    expect(e.scenario.title).toMatch(/^What if/);
    expect(e.scenario.description).toMatch(/Hypothetical/);
    // On the July 2021 tree itself the same schedule is harmless.
    const onTree = start({
      ...e.scenario,
      kernel: { ...e.scenario.kernel, variant: "rt-2021-07" },
    });
    expect(runSession(onTree).findings).toEqual([]);
  });

  it("a struct page field of a freed page: no KASAN report, a silent garbage read", () => {
    const s = start(libraryEntry("r0-1-rt-free-steals-partial")!.scenario);
    runSession(s, { maxSteps: 58 });
    const f = s.machine.findings.find((x) => x.code === "uaf-slab")!;
    expect(f.message).toMatch(
      /^slabscope: .* touches a struct page field of P1, which is back in the page allocator \(no kernel report: KASAN does not check struct page/,
    );
    expect(f.message).not.toMatch(/KASAN: use-after-free/);
  });
});
