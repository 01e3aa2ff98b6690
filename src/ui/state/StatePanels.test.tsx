import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { libraryEntry } from "../../scenarios/library";
import { defaultScenario } from "../../scenarios/library/default";
import { historyOf, type HistoryRef } from "../../worker/history";
import { Timeline } from "../../worker/timeline";
import { cellAt, CELL, freelistArrows } from "./slabGeometry";
import { slotAt } from "./SlabCard";
import { StatePanels } from "./StatePanels";

afterEach(cleanup);

describe("slab geometry", () => {
  it("finds the slot under every cell's centre, and none between cells", () => {
    for (const objects of [4, 16, 64])
      for (let i = 0; i < objects; i++) {
        const c = cellAt(i);
        expect(slotAt(c.x + CELL / 2, c.y + CELL / 2, objects)).toBe(i);
      }
    expect(slotAt(cellAt(0).x + CELL + 1, cellAt(0).y + 2, 16)).toBeNull();
    expect(slotAt(cellAt(3).x + 2, cellAt(3).y + 2, 3)).toBeNull();
  });

  it("draws one arrow per link, from slot to slot", () => {
    const arrows = freelistArrows([2, 0, 3], true);
    expect(arrows).toHaveLength(2);
    const start = (d: string) =>
      d
        .match(/^M([\d.]+),([\d.]+)/)!
        .slice(1)
        .map(Number);
    expect(start(arrows[0]!.d)).toEqual([cellAt(2).x + CELL / 2, cellAt(2).y]);
    expect(start(arrows[1]!.d)).toEqual([cellAt(0).x + CELL / 2, cellAt(0).y]);
    expect(
      arrows[0]!.d.endsWith(`${cellAt(0).x + CELL / 2},${cellAt(0).y}`),
    ).toBe(true);
    expect(freelistArrows([1], false)).toEqual([]);
  });
});

describe("StatePanels", () => {
  const tl = new Timeline(defaultScenario);
  const end = tl.frame(tl.total);

  it("marks the highlighted slabs and objects, and the CPU chips that name them", () => {
    render(
      <StatePanels frame={end} highlight={{ slabs: [0], objects: [1, 2] }} />,
    );
    const p0 = screen.getByTestId("slab-0");
    expect(p0.className).toMatch(/\bhl\b/);
    expect(p0.getAttribute("data-hl-slots")).toBe("1 2");
    expect(screen.getByTestId("slab-1").className).not.toMatch(/\bhl\b/);
    // CPU 1's partial list holds P0: its chip stands out too.
    const chip = screen.getByTestId("cpu-1-partial").querySelector(".chip")!;
    expect(chip.textContent).toBe("P0");
    expect(chip.className).toMatch(/\bhl\b/);
  });

  it("flags a cpu or list pointer to a page that is no longer a slab (R0-1)", () => {
    const r01 = new Timeline(
      libraryEntry("r0-1-rt-free-steals-partial")!.scenario,
    );
    // After step 57: A has installed the freed P1 as its cpu slab and, as c->partial, the free page
    // the page allocator wrote into P1->next.
    const f = r01.frame(58);
    const page = f.cpus[0]!.page!;
    expect(f.slabs.some((s) => s.id === page)).toBe(false);
    render(<StatePanels frame={f} highlight={null} />);
    const chip = screen.getByTestId("cpu-0-page").querySelector(".chip")!;
    expect(chip.className).toMatch(/\bstale\b/);
    const partial = screen.getByTestId("cpu-0-partial").querySelector(".chip")!;
    expect(partial.className).toMatch(/\bstale\b/);
  });

  it("shows an offline CPU as offline", () => {
    const f = structuredClone(end);
    f.cpus[1]!.online = false;
    render(<StatePanels frame={f} highlight={null} />);
    expect(screen.getByTestId("cpu-1").className).toMatch(/\boffline\b/);
    expect(screen.getByTestId("cpu-1-badges").textContent).toContain("offline");
  });

  it("keeps the arrows inside a slab and opens the history from the keyboard", async () => {
    const calls: HistoryRef[] = [];
    const fetchHistory = vi.fn(async (ref: HistoryRef, upTo: number) => {
      calls.push(ref);
      return historyOf(tl, ref, upTo);
    });
    const onWindowKey = vi.fn();
    window.addEventListener("keydown", onWindowKey);
    render(
      <StatePanels frame={end} highlight={null} fetchHistory={fetchHistory} />,
    );
    const card = screen.getByTestId("slab-0");
    card.focus();
    fireEvent.keyDown(card, { key: "ArrowRight" });
    fireEvent.keyDown(card, { key: "ArrowRight" });
    // The timeline's own ← → never see them.
    expect(onWindowKey).not.toHaveBeenCalled();
    fireEvent.keyDown(card, { key: "Enter" });
    const popover = await screen.findByTestId("history");
    expect(calls).toEqual([{ kind: "object", id: 1 }]);
    await vi.waitFor(() => expect(popover.textContent).toContain("P0#1"));
    const want = historyOf(tl, { kind: "object", id: 1 }, tl.total);
    expect(popover.querySelectorAll("li")).toHaveLength(want.entries.length);
    fireEvent.keyDown(card, { key: "Escape" });
    expect(screen.queryByTestId("history")).toBeNull();
    window.removeEventListener("keydown", onWindowKey);
  });

  it("hovering a page or object chip in a panel shows its history", async () => {
    const fetchHistory = vi.fn(async (ref: HistoryRef, upTo: number) =>
      historyOf(tl, ref, upTo),
    );
    render(
      <StatePanels frame={end} highlight={null} fetchHistory={fetchHistory} />,
    );
    const chip = screen.getByTestId("cpu-1-partial").querySelector(".chip")!;
    fireEvent.mouseEnter(chip);
    const popover = await screen.findByTestId("history");
    await vi.waitFor(() =>
      expect(fetchHistory).toHaveBeenCalledWith(
        { kind: "slab", id: 0 },
        end.step,
      ),
    );
    await vi.waitFor(() => expect(popover.textContent).toContain("P0"));
    const obj = screen.getByTestId("cpu-0-freelist").querySelector(".chip")!;
    fireEvent.mouseEnter(obj);
    await vi.waitFor(() =>
      expect(fetchHistory).toHaveBeenLastCalledWith(
        { kind: "object", id: end.cpus[0]!.freelistRefs[0] },
        end.step,
      ),
    );
  });

  it("draws each slot's place in data-slots and the changed ones", () => {
    const f = tl.frame(20);
    render(<StatePanels frame={f} highlight={null} />);
    for (const s of f.slabs) {
      const card = screen.getByTestId(`slab-${s.id}`);
      expect(card.getAttribute("data-slots")!.split(" ")).toHaveLength(
        s.objects,
      );
      expect(card.getAttribute("data-changed-slots")).toBe(
        f.changed.objects
          .filter((r) => r >= s.firstObj && r < s.firstObj + s.objects)
          .map((r) => r - s.firstObj)
          .join(" "),
      );
    }
  });

  it("draws each slab under its owner in list order, with an arrow port per pointer", () => {
    const r1 = new Timeline(
      libraryEntry("r1-put-cpu-partial-stale-page")!.scenario,
    );
    const order = (testId: string) =>
      [...screen.getByTestId(testId).querySelectorAll("[data-at]")].map((e) =>
        Number(e.getAttribute("data-page")),
      );
    const f108 = r1.frame(108);
    const { unmount } = render(<StatePanels frame={f108} highlight={null} />);
    expect(order("node-0-partial-slabs")).toEqual(f108.nodes[0]!.partial);
    expect(order("node-0-full-slabs")).toEqual(f108.nodes[0]!.full);
    expect(
      screen
        .getByTestId("node-0")
        .querySelector('[data-port="node-0-partial"]'),
    ).not.toBeNull();
    unmount();
    const f110 = r1.frame(110);
    render(<StatePanels frame={f110} highlight={null} />);
    expect(order("cpu-0-page-slabs")).toEqual([0]);
    expect(screen.getByTestId("slab-0").getAttribute("data-owner")).toBe(
      "cpu-0-page",
    );
    expect(screen.getByTestId("node-0-partial-slabs").textContent).toContain(
      "empty",
    );
    expect(
      screen.getByTestId("cpu-0").querySelector('[data-port="cpu-0-page"]'),
    ).not.toBeNull();
  });

  it("puts the cache's limits beside what they limit", () => {
    const f = structuredClone(end);
    f.cache = { objects: 4, cpuPartial: 13, minPartial: 5 };
    render(<StatePanels frame={f} highlight={null} />);
    expect(screen.getByTestId("cache-params").textContent).toContain(
      "4 objects per slab",
    );
    expect(screen.getByTestId("cpu-1-partial-totals").textContent).toMatch(
      /\d+ \/ cpu_partial 13/,
    );
    expect(screen.getByTestId("node-0-min-partial").textContent).toContain(
      "min_partial 5",
    );
    // Beside nr_partial, in the same row.
    expect(
      screen
        .getByTestId("node-0-nr-partial-row")
        .contains(screen.getByTestId("node-0-min-partial")),
    ).toBe(true);
  });

  it("outlines the fields the step changed, not the whole panel", () => {
    let step = -1;
    for (let i = 1; i <= tl.total && step < 0; i++)
      if (
        tl.frame(i).changed.fields.includes("cpu:0:tid") &&
        !tl.frame(i).changed.fields.includes("cpu:0:page")
      )
        step = i;
    expect(step).toBeGreaterThan(0);
    render(<StatePanels frame={tl.frame(step)} highlight={null} />);
    const cpu = screen.getByTestId("cpu-0");
    expect(cpu.className).not.toMatch(/\bchanged\b/);
    expect(screen.getByTestId("cpu-0-tid").closest("dd")!.className).toMatch(
      /\bchanged\b/,
    );
    expect(
      screen.getByTestId("cpu-0-page").closest("dd")!.className,
    ).not.toMatch(/\bchanged\b/);
  });

  it("shows both owners of an object owned twice", () => {
    const f = structuredClone(end);
    const s = f.slabs[0]!;
    s.slots[1] = {
      kind: "allocated",
      owner: "a",
      inFlight: false,
      also: ["b"],
    };
    render(<StatePanels frame={f} highlight={null} />);
    const card = screen.getByTestId("slab-0");
    expect(card.getAttribute("data-slots")!.split(" ")[1]).toBe(
      "allocated:a+b",
    );
    const label = card.querySelector("canvas")!.getAttribute("aria-label")!;
    expect(label).toMatch(/#1 owned twice: allocated to a, and allocated to b/);
  });

  it("draws a slab on two lists in both places, each copy flagged", () => {
    const f = structuredClone(end);
    const id = f.cpus[1]!.partial[0]!;
    f.nodes[0]!.partial = [id, ...f.nodes[0]!.partial];
    render(<StatePanels frame={f} highlight={null} />);
    const first = screen.getByTestId(`slab-${id}`);
    const copy = screen.getByTestId(`slab-${id}-copy-1`);
    expect(first.getAttribute("data-owner")).toBe("cpu-1-partial");
    expect(copy.getAttribute("data-owner")).toBe("node-0-partial");
    expect(first.getAttribute("data-dup")).toBe("true");
    expect(copy.textContent).toContain("twice");
  });
});

describe("the legend", () => {
  it("draws each slot swatch with the class, colour and glyph the diagram uses", async () => {
    const { Legend } = await import("../legend");
    const { CANVAS_LOOK, LEGEND } = await import("./slotLook");
    // The stylesheet's text, read from disk (the test run does not process CSS).
    const fsName = "node:fs";
    const fs = (await import(/* @vite-ignore */ fsName)) as {
      readFileSync(path: string, enc: "utf8"): string;
    };
    const css = fs.readFileSync("src/ui/state/state.css", "utf8");
    render(<Legend />);
    const swatches = screen.getAllByTestId("legend-swatch");
    expect(swatches).toHaveLength(LEGEND.length);
    const vars = new Map(
      [...css.matchAll(/--(c-[a-z]+):\s*(#[0-9a-f]+)/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    swatches.forEach((el, i) => {
      const look = LEGEND[i]!.look;
      expect(el.className).toContain(look.cls);
      expect(el.textContent).toBe(look.glyph);
      // The CSS colour of the class is the canvas's fill for it.
      const fill = CANVAS_LOOK[look.cls]!.fill;
      const rule = new RegExp(
        `\\.cell-key\\.${look.cls} \\{[^}]*background: var\\(--(c-[a-z]+)\\)`,
      ).exec(css);
      if (fill === null) expect(rule).toBeNull();
      else expect(vars.get(rule![1]!)).toBe(fill);
      if (look.split) expect(el.className).toMatch(/\bsplit\b/);
    });
  });
});
