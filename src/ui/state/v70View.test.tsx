import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { s4SheavesTour } from "../../scenarios/library/s4-sheaves";
import { Timeline } from "../../worker/timeline";
import { configOf } from "../../engine/machine";
import { KernelBadges } from "../KernelBadges";
import { StatePanels } from "./StatePanels";

afterEach(cleanup);

describe("the state view on v7.0", () => {
  it("draws no kmem_cache_cpu: no tid, cpu slab, cpu partial list or cpu_partial", () => {
    const tl = new Timeline(s4SheavesTour.scenario);
    const mid = tl.frame(20);
    expect(mid.cache.noCpuSlab).toBe(true);
    render(<StatePanels frame={mid} highlight={null} />);
    const cpu = screen.getByTestId("cpu-0").textContent ?? "";
    for (const gone of [
      "tid",
      "c->slab",
      "c->page",
      "c->freelist",
      "c->partial",
      "pobjects",
      "lock free",
    ])
      expect(cpu, gone).not.toContain(gone);
    expect(cpu).toContain("running");
    expect(screen.getByTestId("cache-params").textContent).not.toContain(
      "cpu_partial",
    );
    // The sheaves are where the objects are: main holds A's allocations.
    expect(screen.getByTestId("state").textContent).toContain("main");
  });

  it("leaves out the SLUB_CPU_PARTIAL badge, which v7.0 has no lists for", () => {
    const info = { config: configOf(s4SheavesTour.scenario) };
    render(<KernelBadges info={info} />);
    expect(screen.getByTestId("badges").textContent).not.toMatch(
      /SLUB_CPU_PARTIAL|no cpu partial/,
    );
  });
});
