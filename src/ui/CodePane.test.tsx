import { act, cleanup, fireEvent, render } from "@testing-library/react";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SessionProvider, useAppStore } from "../store/react";
import { Session } from "../store/session";
import { createAppStore } from "../store/store";
import { createInThreadClient } from "../worker/client";
import { CodePane } from "./CodePane";

afterEach(cleanup);

const client = createInThreadClient("test");
const session = new Session({ client, store: createAppStore() });

beforeAll(async () => {
  await session.start();
});
afterAll(() => {
  session.dispose();
  client.dispose();
});

function Pane() {
  const frame = useAppStore((s) => s.timeline.frame);
  return frame ? <CodePane frame={frame} /> : null;
}

function renderPane() {
  return render(
    <SessionProvider session={session}>
      <Pane />
    </SessionProvider>,
  );
}

describe("CodePane", () => {
  it("shows the whole function with the line that ran and the next line marked", async () => {
    // Step 64 in the default scenario: A is deep in ___slab_alloc, the IRQ just entered.
    await act(() => session.seek(65));
    const { getByTestId } = renderPane();
    const frame = session.store.getState().timeline.frame!;
    const irq = frame.code.find((a) => a.name === "irq")!;
    const listing = session.store.getState().scenario!.listings;
    const box = getByTestId("actor-irq-code");
    // Every line of the function, not a window around the cursor.
    expect(box.querySelectorAll("li")).toHaveLength(
      listing[irq.stack.at(-1)!.fn]!.length,
    );
    const next = getByTestId("actor-irq-line");
    const ran = box.querySelector("[data-ran]")!;
    expect(next.getAttribute("data-pc")).toBe(String(irq.stack.at(-1)!.pc));
    expect(ran.getAttribute("data-pc")).toBe(String(irq.ran!.pc));
    // Shape, not only colour: a glyph and words on each.
    expect(next.textContent).toContain("▶");
    expect(next.textContent).toContain("next");
    expect(ran.textContent).toContain("✓");
    expect(ran.textContent).toContain(`ran at step ${irq.ran!.step}`);
  });

  it("lists the locals, with chips that light up and mark a slab", async () => {
    await act(() => session.seek(65));
    const { getByTestId } = renderPane();
    const page = getByTestId("actor-A-local-page");
    const chip = page.querySelector("button.chip")!;
    expect(chip.textContent).toMatch(/^P\d+$/);
    const id = Number(chip.textContent!.slice(1));
    fireEvent.mouseEnter(chip);
    expect(session.store.getState().selection.hover).toEqual({
      slabs: [id],
      objects: [],
    });
    fireEvent.mouseLeave(chip);
    expect(session.store.getState().selection.hover).toBeNull();
    fireEvent.click(chip);
    expect(session.store.getState().selection.highlight).toEqual({
      slabs: [id],
      objects: [],
    });
    expect(session.store.getState().selection.slab).toBe(id);
    act(() => session.store.getState().setHighlight(null));
    // A plain value stays text.
    expect(getByTestId("actor-A-local-gfp").textContent).toContain(
      "GFP_KERNEL",
    );
  });

  it("marks a finding's line when the finding is selected", async () => {
    await act(() => session.seek(65));
    const frame = session.store.getState().timeline.frame!;
    const irq = frame.code.find((a) => a.name === "irq")!;
    const { getByTestId } = renderPane();
    act(() =>
      session.store.getState().setHighlight({
        slabs: [],
        objects: [],
        finding: { actor: "irq", step: irq.ran!.step },
      }),
    );
    const ran = getByTestId("actor-irq-code").querySelector("[data-ran]")!;
    expect(ran.className).toContain("finding");
    expect(ran.textContent).toContain("⚑");
    act(() => session.store.getState().setHighlight(null));
  });

  it("links each function to its source at the modelled tag", async () => {
    await act(() => session.seek(65));
    const { getByTestId } = renderPane();
    const link = getByTestId("actor-A-src") as HTMLAnchorElement;
    expect(link.href).toBe(
      "https://elixir.bootlin.com/linux/v5.15/C/ident/___slab_alloc",
    );
  });
});
