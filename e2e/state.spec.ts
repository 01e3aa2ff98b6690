import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { libraryEntry } from "../src/scenarios/library";
import { defaultScenario } from "../src/scenarios/library/default";
import { slotToken } from "../src/ui/state/slotLook";
import type { Frame } from "../src/worker/frame";
import { historyOf } from "../src/worker/history";
import { Timeline } from "../src/worker/timeline";
import { AppPage } from "./fixtures/app-page";

// The state view against the engine: the spec replays the same scenario in Node to the step the
// page shows and compares every CPU panel, slab (slot by slot), node list and the page pool.

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Scrubs near `step`, then steps with the keyboard to land on it exactly. */
async function goTo(app: AppPage, step: number): Promise<void> {
  await app.clickLane(step);
  let { step: at } = await app.position();
  for (; at < step; at++) await app.press("ArrowRight");
  for (; at > step; at--) await app.press("ArrowLeft");
  await app.expectStep(step);
}

/** The pages of the cards (or placeholders) in one owner's group, in the order drawn. */
async function cardsIn(page: Page, testId: string): Promise<number[]> {
  const group = page.getByTestId(testId);
  if ((await group.count()) === 0) return [];
  return group
    .locator("[data-at]")
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-page"))));
}

const chain = (xs: string[]) => (xs.length ? xs.join(" → ") : "NULL");

async function expectState(page: Page, f: Frame): Promise<void> {
  for (const c of f.cpus) {
    await expect(page.getByTestId(`cpu-${c.id}-page`)).toHaveText(
      c.page === null ? "NULL" : `P${c.page}`,
    );
    await expect(page.getByTestId(`cpu-${c.id}-freelist`)).toHaveText(
      chain(c.freelist),
    );
    await expect(page.getByTestId(`cpu-${c.id}-tid`)).toHaveText(String(c.tid));
    await expect(page.getByTestId(`cpu-${c.id}-running`)).toHaveText(
      c.context.join(" ← ") || "idle",
    );
    await expect(page.getByTestId(`cpu-${c.id}-partial`)).toHaveText(
      c.partial.length === 0 ? "NULL" : `P${c.partial[0]}`,
    );
    if (c.partial.length > 0)
      await expect(
        page.getByTestId(`cpu-${c.id}-partial-totals`),
      ).toContainText(`${c.partialObjects} / cpu_partial`);
    if (c.partialPages !== null)
      await expect(page.getByTestId(`cpu-${c.id}-partial-pages`)).toHaveText(
        `pages ${c.partialPages}`,
      );
    // Under the CPU, in list order: its cpu slab, then its partial chain.
    expect(await cardsIn(page, `cpu-${c.id}-page-slabs`)).toEqual(
      c.page === null ? [] : [c.page],
    );
    expect(await cardsIn(page, `cpu-${c.id}-partial-slabs`)).toEqual(c.partial);
    const badges = page.getByTestId(`cpu-${c.id}-badges`);
    if (c.lock) await expect(badges).toContainText(`lock: ${c.lock}`);
    else await expect(badges).toContainText("lock free");
    if (c.irqsOff) await expect(badges).toContainText("irqs off");
    else await expect(badges).not.toContainText("irqs off");
    await expect(page.getByTestId(`cpu-${c.id}`)).toHaveClass(
      c.online ? /\bonline\b/ : /\boffline\b/,
    );
  }
  const slabs = page.getByTestId("slabs").locator('[data-slab][data-copy="0"]');
  await expect(slabs).toHaveCount(f.slabs.length);
  for (const s of f.slabs) {
    const card = page.getByTestId(`slab-${s.id}`);
    await expect(card).toHaveAttribute(
      "data-slots",
      s.slots.map(slotToken).join(" "),
    );
    await expect(card).toHaveAttribute("data-frozen", String(s.frozen));
    await expect(page.getByTestId(`slab-${s.id}-inuse`)).toHaveText(
      `${s.inuse}/${s.objects}`,
    );
    // Where it is shows by the group it sits in; its label says it in words.
    expect(await card.getAttribute("aria-label")).toContain(s.where);
  }
  for (const n of f.nodes) {
    await expect(page.getByTestId(`node-${n.id}-partial`)).toHaveText(
      n.partial.length ? `P${n.partial[0]}` : "empty",
    );
    await expect(page.getByTestId(`node-${n.id}-nr-partial`)).toHaveText(
      String(n.nrPartial),
    );
    expect(await cardsIn(page, `node-${n.id}-partial-slabs`)).toEqual(
      n.partial,
    );
    expect(await cardsIn(page, `node-${n.id}-full-slabs`)).toEqual(n.full);
  }
  const free = [...f.pagePool.free].reverse();
  await expect(page.getByTestId("page-pool-free")).toHaveText(
    free.length ? free.map((p) => `P${p}`).join("") : "none",
  );
  await expect(page.getByTestId("page-pool-reused")).toHaveText(
    f.pagePool.reused.length
      ? f.pagePool.reused
          .map((r) => `P${r.page}${r.slot ? ` as ${r.slot}` : ""}`)
          .join("")
      : "none",
  );
}

test("the state view shows the engine's state at every step it is scrubbed to", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = new Timeline(defaultScenario);
  await expectState(page, tl.frame(0));
  // Across the trace: the slow path, the IRQ's allocation, B's frees that freeze P0 on CPU 1.
  for (const target of [30, 64, 110]) {
    await app.clickLane(target);
    const { step } = await app.position();
    await expectState(page, tl.frame(step));
  }
  await app.press("End");
  await app.expectStep(tl.total);
  await expectState(page, tl.frame(tl.total));
  // The end: P0 frozen on CPU 1's partial list with objects free on its freelist.
  const end = tl.frame(tl.total);
  expect(end.cpus[1]!.partial.length).toBeGreaterThan(0);
  await expect(page.getByTestId("cpu-1-partial-totals")).toContainText(
    "cpu_partial",
  );
  await shot(page, testInfo, "state-default-end");

  // Keyboard stepping keeps it in step with the engine, and marks what the step changed.
  await app.press("Home");
  await app.seekTo(18);
  await app.press("ArrowRight");
  await app.press("ArrowRight");
  await app.expectStep(20);
  const f20 = tl.frame(20);
  await expectState(page, f20);
  for (const s of f20.slabs) {
    const slots = f20.changed.objects
      .filter((r) => r >= s.firstObj && r < s.firstObj + s.objects)
      .map((r) => r - s.firstObj);
    await expect(page.getByTestId(`slab-${s.id}`)).toHaveAttribute(
      "data-changed-slots",
      slots.join(" "),
    );
  }
});

test("a reused slab page shows in the page pool (R1 on v5.14)", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  const tl = new Timeline(
    libraryEntry("r1-put-cpu-partial-stale-page")!.scenario,
  );
  await app.press("End");
  const { step } = await app.position();
  expect(step).toBe(tl.total);
  await expectState(page, tl.frame(step));
  // Somewhere in the race a freed slab page is reused as page cache: find it and show it.
  let reusedAt = -1;
  for (let i = 0; i <= tl.total && reusedAt < 0; i++)
    if (tl.frame(i).pagePool.reused.length > 0) reusedAt = i;
  expect(reusedAt).toBeGreaterThan(0);
  await app.press("Home");
  await app.clickLane(reusedAt);
  const at = (await app.position()).step;
  await expectState(page, tl.frame(at));
  await shot(page, testInfo, "state-r1");
});

test("hovering and focusing a slab or an object shows its history", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = new Timeline(defaultScenario);
  await app.press("End");
  const { step } = await app.position();

  // Hover object #1 of P0: the popover lists the steps that moved it, as the engine says.
  const canvas = page.getByTestId("slab-0").locator("canvas");
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  // Slot 1 sits at x = 3 + 21 + 9 (cell centre), y = 14 + 9 (see slabGeometry.ts).
  await page.mouse.move(box.x + 33, box.y + 23);
  const history = page.getByTestId("history");
  const want = historyOf(tl, { kind: "object", id: 1 }, step);
  await expect(history).toContainText(want.label);
  await expect(history.locator("li")).toHaveCount(want.entries.length);
  for (const [i, e] of want.entries.entries())
    await expect(history.locator("li").nth(i)).toContainText(`step ${e.step}`);
  await shot(page, testInfo, "state-history-hover");

  // Keyboard: focus the card, pick object #2 with the arrows (the timeline does not move), Enter.
  await page.mouse.move(0, 0);
  await page.getByTestId("slab-0").focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await app.waitIdle();
  await app.expectStep(step);
  const want2 = historyOf(tl, { kind: "object", id: 2 }, step);
  await expect(history).toContainText(want2.label);
  await expect(history.locator("li")).toHaveCount(want2.entries.length);
  await page.keyboard.press("Escape");
  await expect(history).toHaveCount(0);
});

// One test per scenario: each replays three positions and the end, which takes a while on a busy
// 2-core machine, and a failure names the scenario.
for (const id of [
  "tour-cpu-offline-flush",
  "r0-1-rt-free-steals-partial",
  "r18-missing-tid-bump",
]) {
  test(`library scenario ${id} (an offline CPU, RT locks, lost slabs) matches the engine`, async ({
    page,
  }, testInfo) => {
    const app = new AppPage(page);
    await app.goto();
    await page
      .getByRole("combobox", { name: "scenario" })
      .selectOption(`library:${id}`);
    await app.waitIdle();
    const tl = new Timeline(libraryEntry(id)!.scenario);
    for (const target of [
      Math.floor(tl.total / 3),
      Math.floor((2 * tl.total) / 3),
    ]) {
      await app.clickLane(target);
      const { step } = await app.position();
      await expectState(page, tl.frame(step));
    }
    await app.press("End");
    await app.expectStep(tl.total);
    const end = tl.frame(tl.total);
    await expectState(page, end);
    if (id === "tour-cpu-offline-flush") {
      // While the CPU is offline its panel says so.
      let at = -1;
      for (let i = 0; i <= tl.total && at < 0; i++)
        if (tl.frame(i).cpus.some((c) => !c.online)) at = i;
      expect(at).toBeGreaterThan(0);
      await goTo(app, at);
      const f = tl.frame(at);
      await expectState(page, f);
      const off = f.cpus.find((c) => !c.online)!;
      await expect(page.getByTestId(`cpu-${off.id}-badges`)).toContainText(
        "offline",
      );
    }
    await shot(page, testInfo, `state-${id}`);
  });
}

test("at 1024 px wide the state view fits without scrolling sideways", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 800 });
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r0-1b-stale-partial-drain");
  await app.press("End");
  const tl = new Timeline(libraryEntry("r0-1b-stale-partial-drain")!.scenario);
  await expectState(page, tl.frame(tl.total));
  const overflow = await page.evaluate(() => {
    // Browser globals, typed loosely: this file is checked against Node's lib.
    const g = globalThis as unknown as {
      document: { documentElement: { scrollWidth: number } };
      innerWidth: number;
    };
    return g.document.documentElement.scrollWidth - g.innerWidth;
  });
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, testInfo, "state-1024");
});

test("a slab taken from the node's partial list shows under the CPU, with c->page's arrow on it (R1)", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  const tl = new Timeline(
    libraryEntry("r1-put-cpu-partial-stale-page")!.scenario,
  );
  // Step 108: P0 is on node 0's partial list; 109: an actor holds it; 110: it is CPU 0's slab.
  expect(tl.frame(108).nodes[0]!.partial).toEqual([0]);
  expect(tl.frame(110).cpus[0]!.page).toBe(0);
  await app.seekTo(108);
  expect(await cardsIn(page, "node-0-partial-slabs")).toEqual([0]);
  await expect(page.locator('[data-arrow="node-0-partial"]')).toHaveAttribute(
    "data-to",
    "node-0-partial-0",
  );
  await app.press("ArrowRight");
  await app.press("ArrowRight");
  await app.expectStep(110);
  await expectState(page, tl.frame(110));
  const card = page.getByTestId("slab-0");
  await expect(card).toHaveAttribute("data-owner", "cpu-0-page");
  expect(await cardsIn(page, "cpu-0-page-slabs")).toEqual([0]);
  expect(await cardsIn(page, "node-0-partial-slabs")).toEqual([]);
  // Idle waited for the slide: the card is at rest where it belongs.
  expect(
    await card.evaluate(
      (e) => e.getAnimations().filter((a) => a.playState === "running").length,
    ),
  ).toBe(0);
  // c->page's arrow ends on the card's top edge.
  const arrow = page.locator('[data-arrow="cpu-0-page"]');
  await expect(arrow).toHaveAttribute("data-to", "cpu-0-page-0");
  const end = await arrow.locator("path.curve").evaluate((p) => {
    const path = p as unknown as {
      getTotalLength(): number;
      getPointAtLength(n: number): { x: number; y: number };
      ownerSVGElement: {
        getBoundingClientRect(): { left: number; top: number };
      };
    };
    const pt = path.getPointAtLength(path.getTotalLength());
    const o = path.ownerSVGElement.getBoundingClientRect();
    return { x: pt.x + o.left, y: pt.y + o.top };
  });
  const box = (await card.boundingBox())!;
  expect(end.x).toBeGreaterThanOrEqual(box.x - 2);
  expect(end.x).toBeLessThanOrEqual(box.x + box.width + 2);
  expect(Math.abs(end.y - box.y)).toBeLessThanOrEqual(12);
  await shot(page, testInfo, "state-r1-slab-to-cpu");
});

test("the legend's slot swatches wear the diagram's colours", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.press("?");
  const swatches = page.getByTestId("legend-swatch");
  await expect(swatches.first()).toBeVisible();
  const colours = await swatches.evaluateAll((els) =>
    els.map((e) => [e.className, getComputedStyle(e).backgroundColor]),
  );
  const want: Record<string, string> = {
    "slot-cpu": "rgb(86, 180, 233)",
    "slot-chain": "rgb(240, 228, 66)",
    "slot-used": "rgb(0, 114, 178)",
    "slot-flight": "rgb(230, 159, 0)",
    "slot-lost": "rgb(213, 94, 0)",
  };
  for (const [cls, colour] of Object.entries(want))
    expect(colours.find(([c]) => c!.split(" ").includes(cls))?.[1]).toBe(
      colour,
    );
  // The double owner's swatch is split in two colours.
  const split = await page
    .locator('[data-testid="legend-swatch"].split')
    .evaluate((e) => getComputedStyle(e).backgroundImage);
  expect(split).toContain("gradient");
});

for (const [w, h] of [
  [1440, 900],
  [1024, 768],
] as const)
  test(`R1 at its finding, ${w}x${h}: the CPU panels and the slabs fit the centre pane`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize({ width: w, height: h });
    const app = new AppPage(page);
    await app.goto();
    await app.openLibrary("r1-put-cpu-partial-stale-page");
    const tl = new Timeline(
      libraryEntry("r1-put-cpu-partial-stale-page")!.scenario,
    );
    const at = tl.frame(tl.total).findings[0]!.step;
    await app.seekTo(at);
    await expectState(page, tl.frame(at));
    const pane = page.locator(".ws-state");
    const sideways = await pane.evaluate(
      (e) => e.querySelector(".state")!.scrollWidth - e.clientWidth,
    );
    expect(sideways).toBeLessThanOrEqual(1);
    const shotPath = testInfo.outputPath(`r1-finding-${w}x${h}.png`);
    await page.screenshot({ path: shotPath });
    await testInfo.attach(`r1-finding-${w}x${h}`, {
      path: shotPath,
      contentType: "image/png",
    });
    if (w === 1440) {
      // Presentation mode: the same cards with larger cells, for a projector.
      const cardWidth = async () =>
        (await page.getByTestId("slab-0").locator("canvas").boundingBox())!
          .width;
      const before = await cardWidth();
      await app.press("Shift+P");
      await expect(page.locator("html")).toHaveClass(/\bpresent\b/);
      await expect.poll(cardWidth).toBeGreaterThan(before * 1.4);
      const presentPath = testInfo.outputPath(`r1-finding-present.png`);
      await page.screenshot({ path: presentPath });
      await testInfo.attach("r1-finding-present", {
        path: presentPath,
        contentType: "image/png",
      });
    }
  });
