import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { defaultScenario, raceTimelines, timelineOf } from "./engine";

// The timeline's shared step axis: zoom and pan, hover, drag-scrubbing and the narration keys.
// The default scenario (src/scenarios/library/default.ts): the IRQ takes step 64 over task A.

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, {
    body: await page.getByTestId("timeline").screenshot(),
    contentType: "image/png",
  });
}

/** Turns the wheel over cursor position `at` of the scrubber, `notches` times (negative zooms in). */
async function wheelAt(app: AppPage, at: number, dy: number, shift = false) {
  const { x, y } = await app.laneX(at);
  await app.page.mouse.move(x, y);
  if (shift) await app.page.keyboard.down("Shift");
  await app.page.mouse.wheel(0, dy);
  if (shift) await app.page.keyboard.up("Shift");
  await app.waitIdle();
}

test("the wheel zooms around the pointer, Shift+wheel pans, Fit shows the whole trace again", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const { total } = await app.position();
  expect(await app.viewRange()).toEqual({ start: 0, end: total });

  await wheelAt(app, 64, -400);
  await expect
    .poll(async () => {
      const v = await app.viewRange();
      return v.end - v.start;
    })
    .toBeLessThan(total / 2);
  const zoomed = await app.viewRange();
  expect(zoomed.start).toBeLessThan(64);
  expect(zoomed.end).toBeGreaterThan(64);
  await expect(page.getByTestId("timeline-range")).toHaveText(
    `steps ${Math.round(zoomed.start)}–${Math.round(zoomed.end)} of ${total}`,
  );

  // Zoomed all the way in, every step has its number on the axis.
  await wheelAt(app, 64, -3000);
  const deep = await app.viewRange();
  expect(deep.end - deep.start).toBeLessThanOrEqual(8);
  const ticks = page.getByTestId("timeline-axis").locator(".tl-tick");
  const labels = (await ticks.allTextContents()).map(Number);
  expect(labels.length).toBeGreaterThanOrEqual(7);
  labels.slice(1).forEach((n, i) => expect(n).toBe(labels[i]! + 1));
  await shot(page, testInfo, "zoomed in: one number per step");

  // Shift+wheel pans towards later steps, keeping the zoom.
  await wheelAt(app, deep.start + 2, 200, true);
  const panned = await app.viewRange();
  expect(panned.start).toBeGreaterThan(deep.start);
  expect(panned.end - panned.start).toBeCloseTo(deep.end - deep.start, 3);

  // Clicking a zoomed scrubber seeks to the step under the pointer.
  const target = Math.round(panned.start) + 3;
  await app.clickLane(target);
  await app.expectStep(target);

  await app.click("fit the whole trace");
  expect(await app.viewRange()).toEqual({ start: 0, end: total });
});

test("hovering a lane block names the step, the actor, its function and kernel line", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  const ev = tl.frame(64).event!;
  expect(ev.actor).toBe("irq");
  // Zoom in around step 64 so its block is wide, then hover the middle of it on the IRQ's lane.
  await wheelAt(app, 64, -1200);
  const lane = page.getByTestId("lane-irq").locator(".tl-track");
  const box = (await lane.boundingBox())!;
  const { start, end } = await app.viewRange();
  await page.mouse.move(
    box.x + (box.width * (63.5 - start)) / (end - start),
    box.y + box.height / 2,
  );
  const tip = page.getByTestId("timeline-tooltip");
  await expect(tip).toContainText("step 64 · irq (cpu 0)");
  await expect(tip).toContainText("took the step");
  await expect(tip).toContainText(`${ev.fn}: ${ev.line}`);
  await shot(page, testInfo, "tooltip on the IRQ's lane");

  // On A's lane, the same step: A is preempted, and the tooltip says who took the step.
  const a = page.getByTestId("lane-A").locator(".tl-track");
  const abox = (await a.boundingBox())!;
  await page.mouse.move(
    abox.x + (abox.width * (63.5 - start)) / (end - start),
    abox.y + abox.height / 2,
  );
  await expect(tip).toContainText("step 64 · A (cpu 0)");
  await expect(tip).toContainText("preempted");
  await expect(tip).toContainText(`irq on cpu 0 took it — ${ev.fn}`);
  await page.mouse.move(0, 0);
  await expect(tip).toHaveCount(0);
});

test("dragging the scrubber follows the pointer and ends on the pointer's step", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  const a = await app.laneX(5);
  const b = await app.laneX(77);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  // Many small moves: the seeks coalesce, the cursor keeps up with the pointer.
  await page.mouse.move(b.x, b.y, { steps: 40 });
  await expect(app.lane).toHaveAttribute("aria-valuenow", "77");
  await page.mouse.up();
  await app.waitIdle();
  await app.expectStep(77);
  await expect(app.lastEvent).toHaveText(
    new RegExp(`^${tl.frame(77).event!.actor}: `),
  );

  // Zoomed in, the same drag lands on the exact step.
  await wheelAt(app, 77, -800);
  const { start, end } = await app.viewRange();
  const to = Math.floor(end) - 1;
  const from = Math.ceil(start) + 1;
  const p = await app.laneX(from);
  const q = await app.laneX(to);
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  await page.mouse.move(q.x, q.y, { steps: 25 });
  await page.mouse.up();
  await app.waitIdle();
  await app.expectStep(to);
});

test("n and p move between the narration entries; story marks are buttons that seek", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  // The picker keeps the focus; the keys are for the page.
  await page.getByTestId("timeline-lane").focus();
  const { buggy: tl } = raceTimelines("r1-put-cpu-partial-stale-page");
  const steps = [...new Set(tl.session.scenario.narration!.map((n) => n.step))];
  const after0 = steps.filter((s) => s > 0);
  expect(after0.length).toBeGreaterThan(2);

  await app.press("n");
  await app.expectStep(after0[0]!);
  await expect(page.locator(".narration")).toHaveText(
    tl.frame(after0[0]!).narration!,
  );
  await app.press("n");
  await app.expectStep(after0[1]!);
  await app.press("p");
  await app.expectStep(after0[0]!);

  // The help lists the keys.
  await app.press("?");
  const help = page.getByTestId("help-overlay");
  await expect(help).toContainText("Next narration entry");
  await expect(help).toContainText("Previous narration entry");
  await app.press("Escape");

  // A story mark: a labelled button with a pointer cursor that seeks to its entry.
  const mark = page.getByRole("button", {
    name: `narration at step ${after0[2]}`,
  });
  await expect(mark).toHaveCSS("cursor", "pointer");
  await mark.click();
  await app.waitIdle();
  await app.expectStep(after0[2]!);
  await expect(mark).toHaveAttribute("aria-current", "step");

  // "Finding ›" lands where the finding's explanation is the narration on screen.
  await app.press(".");
  const { step } = await app.position();
  const story = tl.session.scenario.narration!.filter((n) => n.step <= step);
  await expect(page.locator(".narration")).toHaveText(story.at(-1)!.text);
  await expect(app.findings).toContainText(`[step ${step}]`);
});
