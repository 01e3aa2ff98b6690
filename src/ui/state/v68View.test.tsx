import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { v68Tour } from "../../scenarios/library/s4-v68";
import { defaultScenario } from "../../scenarios/library/default";
import { Timeline } from "../../worker/timeline";
import { StatePanels } from "./StatePanels";

afterEach(cleanup);

describe("the state view on v6.8", () => {
  it("names the cpu slab c->slab and shows each slab's on-node-list flag", () => {
    const tl = new Timeline(v68Tour.scenario);
    const end = tl.frame(tl.total);
    expect(end.cache.slabStruct).toBe("slab");
    render(<StatePanels frame={end} highlight={null} />);
    expect(screen.getByTestId("cpu-0").textContent).toContain("c->slab");
    expect(screen.getByTestId("cpu-0").textContent).not.toContain("c->page");
    // P1 ends on node 0's partial list: its flag is set.
    expect(end.nodes[0]!.partial).toContain(1);
    const flag = screen.getByTestId("slab-1-node-partial");
    expect(flag.getAttribute("data-kind")).toBe("node-partial");
  });

  it("keeps c->page and no flag on the 5.15-era variants", () => {
    const tl = new Timeline(defaultScenario);
    const end = tl.frame(tl.total);
    expect(end.cache.slabStruct).toBeUndefined();
    expect(end.slabs.every((s) => s.nodePartial === undefined)).toBe(true);
    render(<StatePanels frame={end} highlight={null} />);
    expect(screen.getByTestId("cpu-0").textContent).toContain("c->page");
    expect(screen.queryByTestId(/-node-partial$/)).toBeNull();
  });
});
