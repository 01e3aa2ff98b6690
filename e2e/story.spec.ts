import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { raceTimelines } from "./engine";
import { libraryEntry } from "../src/scenarios/library";
import { firstDivergence } from "../src/worker/divergence";

const RACE = "r1-put-cpu-partial-stale-page";
const entry = libraryEntry(RACE)!;

async function openRace(page: Page, fixed = false): Promise<AppPage> {
  const app = new AppPage(page);
  await app.goto();
  await page
    .getByRole("combobox", { name: "scenario" })
    .selectOption(`library:${RACE}${fixed ? ":fixed" : ""}`);
  await app.waitIdle();
  return app;
}

/** Whether the element's box lies inside the window. */
async function inViewport(page: Page, testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const vp = page.viewportSize()!;
  return (
    box !== null &&
    box.x >= 0 &&
    box.y >= 0 &&
    box.x + box.width <= vp.width + 1 &&
    box.y + box.height <= vp.height + 1
  );
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
]) {
  test(`the story header under the title at ${size.width}x${size.height}`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize(size);
    const app = await openRace(page);
    const header = page.getByTestId("story-header");
    await expect(header).toBeVisible();
    await expect(page.getByTestId("story-summary")).toHaveText(entry.summary);
    await expect(page.getByTestId("story-basis")).toHaveText("analysis");
    await expect(page.getByTestId("story-source")).toContainText(
      entry.source.seed,
    );
    await expect(page.getByTestId("story-fix")).toContainText(
      entry.source.fix!,
    );
    // Compact: at most two lines, and the state diagram still starts on screen.
    const compact = (await header.boundingBox())!;
    expect(compact.height).toBeLessThan(60);
    const state = page.locator(".ws-state");
    expect((await state.boundingBox())!.y).toBeLessThan(size.height / 3);
    expect(await inViewport(page, "narration")).toBe(true);

    // More shows the whole story, worded for a reader, in a box of its own.
    await app.click("More");
    await expect(page.getByTestId("story-source")).toBeVisible();
    await expect(page.getByTestId("story-fix")).toBeVisible();
    await expect(page.getByTestId("story-basis-text")).toHaveText(
      "Basis: the schedule is an interleaving built from the thread's analysis.",
    );
    expect((await header.boundingBox())!.height).toBeLessThanOrEqual(
      size.height * 0.25,
    );
    expect((await state.boundingBox())!.y).toBeLessThan(size.height / 2);
    await testInfo.attach(`story header open ${size.width}x${size.height}`, {
      body: await page.screenshot(),
      contentType: "image/png",
    });
    await app.click("Less");
    await expect(page.getByTestId("story-basis-text")).toHaveCount(0);

    // The fixed kernel's entry says so; the default scenario has no story.
    await page
      .getByRole("combobox", { name: "scenario" })
      .selectOption(`library:${RACE}:fixed`);
    await app.waitIdle();
    await expect(page.getByTestId("story-fixed")).toHaveText(
      "on the fixed kernel",
    );
    await page
      .getByRole("combobox", { name: "scenario" })
      .selectOption("default");
    await app.waitIdle();
    await expect(header).toHaveCount(0);
  });

  test(`goal mode: following R1's schedule wins, its fixed kernel loses, at ${size.width}x${size.height}`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize(size);
    const app = await openRace(page);
    await app.seekTo(20);
    await app.click("Goal");
    const goal = page.getByTestId("goal");
    await expect(goal).toBeVisible();
    await expect(page.getByTestId("goal-text")).toHaveText(entry.goal!);
    // An attempt starts at the beginning of the trace.
    await app.expectStep(0);
    const verdict = page.getByTestId("goal-verdict");
    await expect(verdict).toHaveCount(0);

    // Following the schedule: a few steps, then straight to where it ends.
    await app.press("ArrowRight");
    await app.press("ArrowRight");
    await expect(verdict).toHaveCount(0);
    await app.press(".");
    const { buggy } = raceTimelines(RACE);
    const first = buggy.summary().findings[0]!;
    await app.expectStep(first.cursor);
    await expect(verdict).toHaveAttribute("data-verdict", "win");
    await expect(verdict).toContainText(`You win: ${first.code}`);
    expect(await inViewport(page, "goal-verdict")).toBe(true);
    await testInfo.attach(`goal won ${size.width}x${size.height}`, {
      body: await page.screenshot(),
      contentType: "image/png",
    });

    // Try again: back to the start, and a fork made in the attempt is undone.
    await app.click("Try again");
    await app.expectStep(0);
    await expect(verdict).toHaveCount(0);
    await app.press("2");
    await expect(app.button("↶ Undo fork")).toBeEnabled();
    await app.press("End");
    await expect(verdict).toBeVisible();
    await app.click("Try again");
    await app.expectStep(0);
    await expect(app.button("↶ Undo fork")).toBeDisabled();
    await expect(verdict).toHaveCount(0);

    // The same schedule on the fixed kernel: the trace ends without a finding.
    await page
      .getByRole("combobox", { name: "scenario" })
      .selectOption(`library:${RACE}:fixed`);
    await app.waitIdle();
    await expect(goal).toHaveCount(0);
    await app.click("Goal");
    await expect(goal).toContainText("on the fixed kernel");
    await app.press("End");
    await expect(verdict).toHaveAttribute("data-verdict", "lose");
    await expect(verdict).toContainText(
      "You lose: the trace ended without a finding.",
    );
    expect(await inViewport(page, "goal-verdict")).toBe(true);
    await testInfo.attach(`goal lost ${size.width}x${size.height}`, {
      body: await page.screenshot(),
      contentType: "image/png",
    });
    // The toggle ends goal mode.
    await app.click("Goal");
    await expect(goal).toHaveCount(0);
  });
}

test("goal mode is off for a scenario without a goal", async ({ page }) => {
  const app = new AppPage(page);
  await app.goto();
  await expect(app.button("Goal")).toBeDisabled();
});

test("compare mode says where and why the traces part, and goes there", async ({
  page,
}) => {
  const app = await openRace(page);
  await app.press("c");
  const { buggy, fixed } = raceTimelines(RACE);
  const d = firstDivergence(buggy, fixed);
  const line = page.getByTestId("compare-divergence");
  await expect(page.getByTestId("compare-divergence-text")).toHaveText(d.text);
  await expect(line).toHaveAttribute("data-kind", d.kind);
  expect(d.step).not.toBeNull();
  await app.press("End");
  await app.click(`Go to step ${d.step}`);
  await app.expectStep(d.step!);
  await expect(line.getByRole("button", { name: /Go to step/ })).toHaveCount(0);
  // One line until opened; opened, the whole sentence and how the sides are aligned.
  await line
    .getByRole("button", { name: "Show where they part in full" })
    .click();
  await expect(line).toContainText("The fixed side is aligned by operation.");
});

test("export draws every slab card's cells and keeps the SVG small", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = await openRace(page);
  await app.seekTo(40);
  const canvases = await page.locator(".frame canvas").count();
  expect(canvases).toBeGreaterThan(0);
  await app.openDrawer("share");
  const save = async (button: string) => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      app.button(button).click(),
    ]);
    return readFileSync(await download.path());
  };
  const svg = (await save("Export SVG")).toString("utf8");
  expect(svg.length).toBeLessThan(200_000);
  // Each canvas is an image of its pixels in the export.
  const images = svg.match(/<img [^>]*src="data:image\/png;base64,/g) ?? [];
  expect(images.length).toBe(canvases);
  expect(svg).not.toContain("<canvas");

  // The PNG shows the cells: the first slab card's area is not blank.
  const png = (await save("Export PNG")).toString("base64");
  const inked = await page.evaluate(async (data) => {
    const frame = document.querySelector(".frame")!.getBoundingClientRect();
    const c = document.querySelector(".frame canvas")!.getBoundingClientRect();
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const scale = img.naturalWidth / Math.ceil(frame.width);
    const out = document.createElement("canvas");
    out.width = img.naturalWidth;
    out.height = img.naturalHeight;
    const ctx = out.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(
      Math.round((c.x - frame.x) * scale),
      Math.round((c.y - frame.y) * scale),
      Math.max(1, Math.round(c.width * scale)),
      Math.max(1, Math.round(c.height * scale)),
    ).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4)
      if (px[i]! < 200 || px[i + 1]! < 200 || px[i + 2]! < 200) n++;
    return n;
  }, png);
  expect(inked).toBeGreaterThan(50);
});
