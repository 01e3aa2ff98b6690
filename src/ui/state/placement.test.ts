import { describe, expect, it } from "vitest";
import { libraryEntry } from "../../scenarios/library";
import type { CpuView, Frame, NodeView, SlabView } from "../../worker/frame";
import { Timeline } from "../../worker/timeline";
import { placeSlabs, type Placement } from "./placement";
import { pointerSpecs } from "./StatePanels";

const PER = 4;

function slab(id: number, node = 0): SlabView {
  return {
    id,
    frozen: false,
    inuse: 0,
    objects: PER,
    freelist: [],
    where: "",
    node,
    firstObj: id * PER,
    slots: [],
    pageOrder: [],
    cpuOrder: [],
    place: { kind: "slab" } as unknown as SlabView["place"],
  };
}

function cpu(
  id: number,
  page: number | null,
  partial: number[],
  freelistRefs: number[] = [],
): CpuView {
  return {
    id,
    page,
    partial,
    freelistRefs,
    freelist: freelistRefs.map((r) => `#${r}`),
  } as unknown as CpuView;
}

function node(id: number, partial: number[], full: number[]): NodeView {
  return { id, partial, full, nrPartial: partial.length, listLock: null };
}

function frame(
  cpus: CpuView[],
  nodes: NodeView[],
  slabIds: number[],
): Pick<Frame, "cpus" | "nodes" | "slabs" | "cache"> {
  return {
    cpus,
    nodes,
    slabs: slabIds.map((id) => slab(id)),
    cache: { objects: PER, cpuPartial: 8, minPartial: 2 },
  };
}

/** Each owner's slab ids, in the order drawn. */
function ids(p: Placement) {
  const of = (m: Map<number, { id: number }[]>) =>
    Object.fromEntries([...m].map(([k, v]) => [k, v.map((x) => x.id)]));
  return {
    cpuPage: Object.fromEntries(
      [...p.cpuPage].map(([k, v]) => [k, v?.id ?? null]),
    ),
    cpuPartial: of(p.cpuPartial),
    nodePartial: of(p.nodePartial),
    nodeFull: of(p.nodeFull),
    nodeOther: of(p.nodeOther),
  };
}

describe("placeSlabs", () => {
  it("puts each slab under its owner, in list order", () => {
    const f = frame(
      [cpu(0, 5, [3, 1, 7]), cpu(1, null, [2])],
      [node(0, [6, 0], [4])],
      [0, 1, 2, 3, 4, 5, 6, 7, 8],
    );
    expect(ids(placeSlabs(f))).toEqual({
      cpuPage: { 0: 5, 1: null },
      cpuPartial: { 0: [3, 1, 7], 1: [2] },
      nodePartial: { 0: [6, 0] },
      nodeFull: { 0: [4] },
      // P8 is on no list: held mid-path, or lost.
      nodeOther: { 0: [8] },
    });
    const p = placeSlabs(f);
    expect(p.cpuPartial.get(0)!.map((x) => x.at)).toEqual([
      "cpu-0-partial-0",
      "cpu-0-partial-1",
      "cpu-0-partial-2",
    ]);
    expect(p.cpuPage.get(0)!.owner).toBe("cpu-0-page");
    expect([...p.cpuPartial.get(0)!, p.cpuPage.get(0)!].every((x) => !x.dup));
  });

  it("draws a slab on two lists in both places, both flagged, one first copy", () => {
    // P1 is CPU 0's cpu slab and still on the node's partial list (the R0-1 race).
    const p = placeSlabs(frame([cpu(0, 1, [])], [node(0, [1, 2], [])], [1, 2]));
    const a = p.cpuPage.get(0)!;
    const b = p.nodePartial.get(0)![0]!;
    expect([a.id, b.id]).toEqual([1, 1]);
    expect([a.dup, b.dup]).toEqual([true, true]);
    expect([a.copy, b.copy]).toEqual([0, 1]);
    expect(p.nodePartial.get(0)![1]!.dup).toBe(false);
    expect(p.nodeOther.get(0)).toBeUndefined();
  });

  it("keeps a placeholder where a pointer names a page that is no longer a slab", () => {
    const p = placeSlabs(frame([cpu(0, 9, [])], [node(0, [], [])], [1]));
    expect(p.cpuPage.get(0)).toMatchObject({ id: 9, slab: null });
    expect(p.nodeOther.get(0)!.map((x) => x.id)).toEqual([1]);
  });
});

describe("pointerSpecs", () => {
  it("aims c->page, c->freelist, c->partial and the node list at the cards they name", () => {
    const f = frame(
      [cpu(0, 5, [3, 1], [5 * PER + 2, 5 * PER]), cpu(1, null, [], [2])],
      [node(0, [6], [])],
      [0, 1, 3, 5, 6],
    ) as Frame;
    const specs = pointerSpecs(f);
    expect(
      specs.map((s) => [s.id, s.at, s.slab ?? null, s.slot ?? null, s.stale]),
    ).toEqual([
      ["cpu-0-page", "cpu-0-page-0", null, null, false],
      // Into the cpu slab's card, at the chain's head object (slot 2 of P5).
      ["cpu-0-freelist", "cpu-0-page-0", 5, 2, false],
      ["cpu-0-partial", "cpu-0-partial-0", null, null, false],
      // CPU 1's freelist points into P0, which is no cpu slab: its first card.
      ["cpu-1-freelist", null, 0, 2, false],
      ["node-0-partial", "node-0-partial-0", null, null, false],
    ]);
  });

  it("marks a pointer to a freed page stale", () => {
    const f = frame([cpu(0, 9, [])], [node(0, [], [])], [1]) as Frame;
    expect(pointerSpecs(f)).toEqual([
      { id: "cpu-0-page", kind: "page", at: "cpu-0-page-0", stale: true },
    ]);
  });
});

describe("placement in a real race (R1)", () => {
  const tl = new Timeline(
    libraryEntry("r1-put-cpu-partial-stale-page")!.scenario,
  );
  it("moves P0 from the node's partial list, through an actor's hands, to CPU 0", () => {
    const on = (step: number) => ids(placeSlabs(tl.frame(step)));
    expect(on(108).nodePartial[0]).toEqual([0]);
    expect(on(109).nodePartial[0]).toEqual([]);
    expect(on(109).nodeOther[0]).toContain(0);
    expect(on(110).cpuPage[0]).toBe(0);
    expect(on(110).nodeOther[0] ?? []).not.toContain(0);
    expect(pointerSpecs(tl.frame(110))).toContainEqual({
      id: "cpu-0-page",
      kind: "page",
      at: "cpu-0-page-0",
      stale: false,
    });
  });
});
