/// <reference lib="dom" />
/**
 * The workspace on the screens it is made for: at 1440x900 and 1024x768 the state diagram, the
 * narration, the code pane's marked lines and the timeline's cursor are on screen (inside the
 * window, inside their scrolling panes, not covered) after loading a race and after each of
 * →, Space, C and a click on a finding. A screenshot of each moment goes into the report.
 */
import {
  expect,
  test,
  type Locator,
  type Page,
  type TestInfo,
} from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { decodeShare } from "../src/share/codec";

/** The step the address bar's fragment holds, or null. */
function cursorInUrl(page: Page): number | null {
  const r = decodeShare(new URL(page.url()).hash);
  return r.ok ? (r.view.cursor ?? null) : null;
}

const RACE = "library:r1-put-cpu-partial-stale-page";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/**
 * Whether the element's centre is inside the window and inside every scrolling ancestor, and
 * the element (or something inside it) is what a click there would reach.
 */
async function onScreen(locator: Locator): Promise<string | true> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    // A cursor line is as wide as its stroke: one side of the box may be 0.
    if (r.width === 0 && r.height === 0) return "has no size";
    const x = r.left + r.width / 2;
    const y = r.top + Math.min(r.height / 2, 8);
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight)
      return `centre (${x}, ${y}) is outside the ${innerWidth}x${innerHeight} window`;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowY + getComputedStyle(p).overflowX;
      if (!/auto|scroll|hidden/.test(o)) continue;
      const b = p.getBoundingClientRect();
      if (x < b.left || x > b.right || y < b.top || y > b.bottom)
        return `scrolled out of view inside .${p.className}`;
    }
    // An overlay that lets clicks through (the timeline's cursor line) cannot be a hit target.
    if (getComputedStyle(el).pointerEvents === "none") return true;
    const hit = document.elementFromPoint(x, y);
    if (!hit || !(el === hit || el.contains(hit) || hit.contains(el)))
      return `covered by ${hit?.outerHTML.slice(0, 80)}`;
    return true;
  });
}

async function expectAllOnScreen(app: AppPage, moment: string) {
  const page = app.page;
  const parts: [string, Locator][] = [
    ["the state diagram", page.locator(".ws-state").first()],
    ["the first CPU panel", page.locator('[aria-label="cpu 0"], .cpu').first()],
    ["the narration", page.getByTestId("narration")],
    ["the step counter", app.stepCounter],
    ["the timeline", app.lane],
    ["the timeline's cursor", page.locator(".tl-head .tl-cursor")],
  ];
  // The line to look at: a clicked finding's, else the stepped actor's next line, else any
  // actor's; before an actor's first step there is no line to mark: the pane itself must show.
  const side = page.locator(".ws-side");
  const candidates: [string, Locator][] = [
    ["the finding's line", side.locator(".code-listing li.finding")],
    [
      "the stepped actor's next line",
      side.locator('[data-stepped] [data-testid$="-line"]'),
    ],
    ["the code pane's marked line", side.locator('[data-testid$="-line"]')],
  ];
  let line: [string, Locator] = [
    "the code pane",
    page.locator(".ws-tabpanel-code"),
  ];
  for (const [name, l] of candidates)
    if ((await l.count()) > 0) {
      line = [name, l.first()];
      break;
    }
  parts.push(line);
  for (const [name, locator] of parts)
    expect(await onScreen(locator), `${moment}: ${name}`).toBe(true);
  // The toolbar's controls sit side by side inside the window: none slides under another.
  expect(
    await page.evaluate(() => {
      const items = [
        ...document.querySelectorAll(
          ".ws-toolbar > button, .ws-toolbar .picker > *",
        ),
      ].map((e) => ({ name: e.textContent, r: e.getBoundingClientRect() }));
      for (const [i, a] of items.entries()) {
        if (a.r.right > innerWidth + 1) return `${a.name} runs off the window`;
        for (const b of items.slice(i + 1))
          if (
            a.r.left < b.r.right - 1 &&
            b.r.left < a.r.right - 1 &&
            a.r.top < b.r.bottom - 1 &&
            b.r.top < a.r.bottom - 1
          )
            return `${a.name} overlaps ${b.name}`;
      }
      return true;
    }),
    `${moment}: the toolbar`,
  ).toBe(true);
  expect(
    await page.evaluate(
      () =>
        document.documentElement.scrollHeight <= innerHeight + 1 &&
        document.documentElement.scrollWidth <= innerWidth + 1,
    ),
    `${moment}: the page itself does not scroll`,
  ).toBe(true);
}

for (const [width, height] of [
  [1440, 900],
  [1024, 768],
] as const) {
  test(`at ${width}x${height} state, narration, code and cursor stay on screen`, async ({
    page,
  }, testInfo) => {
    await page.setViewportSize({ width, height });
    const app = new AppPage(page);
    await app.goto();
    await page.getByRole("combobox", { name: "scenario" }).selectOption(RACE);
    await app.waitIdle();
    await expectAllOnScreen(app, "after load");
    await shot(page, testInfo, `${width}-load`);

    // The picker gave the focus back: → steps the timeline, not the list of scenarios.
    await app.press("ArrowRight");
    await app.expectStep(1);
    await expect(page.getByRole("combobox", { name: "scenario" })).toHaveValue(
      RACE,
    );
    await expectAllOnScreen(app, "after →");
    await shot(page, testInfo, `${width}-step`);

    // Space plays; the views follow while it plays; Space again pauses.
    await page.keyboard.press(" ");
    await expect
      .poll(async () => (await app.position()).step, { timeout: 20_000 })
      .toBeGreaterThan(3);
    await page.keyboard.press(" ");
    await app.waitIdle();
    await expectAllOnScreen(app, "after Space played and paused");
    await shot(page, testInfo, `${width}-play`);

    await app.press("c");
    await expect(page.getByTestId("compare")).toBeVisible();
    await expectAllOnScreen(app, "in compare mode");
    await shot(page, testInfo, `${width}-compare`);
    await app.press("c");
    await expect(page.getByTestId("compare")).toHaveCount(0);

    // A finding: the list is a tab of its own on narrow screens.
    await app.press("End");
    const tab = page.getByRole("tab", { name: /Findings/ });
    if (await tab.isVisible()) await tab.click();
    await page.getByTestId("findings").getByRole("button").first().click();
    await app.waitIdle();
    await expectAllOnScreen(app, "after a finding click");
    await shot(page, testInfo, `${width}-finding`);
  });
}

test("presentation mode enlarges type and keeps everything on one screen", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = new AppPage(page);
  await app.goto();
  const narration = page.getByTestId("narration");
  const before = await narration.evaluate((el) =>
    parseFloat(getComputedStyle(el).fontSize),
  );
  await app.press("Shift+P");
  await expect(page.getByTestId("workspace")).toHaveAttribute(
    "data-present",
    "true",
  );
  const after = await narration.evaluate((el) =>
    parseFloat(getComputedStyle(el).fontSize),
  );
  expect(after).toBeGreaterThan(before * 1.15);
  await app.press("ArrowRight");
  await expectAllOnScreen(app, "presenting");
  await shot(page, testInfo, "present-1440");
  await app.press("Shift+P");
  await expect(page.getByTestId("workspace")).not.toHaveAttribute(
    "data-present",
    "true",
  );
});

test("an embed link fills a 960x540 slide with the state, the narration and a scrubber", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const app = new AppPage(page);
  await app.goto();
  await page.getByRole("combobox", { name: "scenario" }).selectOption(RACE);
  await app.waitIdle();
  await app.clickLane(40);
  await app.openDrawer("share");
  await app.button("Copy embed link").click();
  const link = await page.getByTestId("share-link").inputValue();

  await page.setViewportSize({ width: 960, height: 540 });
  await app.goto(link);
  await app.expectStep(40);
  for (const [name, locator] of [
    ["state", page.locator(".ws-state")],
    ["first CPU", page.locator('[aria-label="cpu 0"], .cpu').first()],
    ["narration", page.getByTestId("narration")],
    ["scrubber", app.lane],
  ] as const)
    expect(await onScreen(locator), name).toBe(true);
  expect(
    await page.evaluate(
      () => document.documentElement.scrollHeight <= innerHeight + 1,
    ),
  ).toBe(true);
  await shot(page, testInfo, "embed-960x540");
});

test("reload, back and forward keep the scenario and the step", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.press("ArrowRight");
  await app.press("ArrowRight");
  await expect.poll(() => cursorInUrl(page)).toBe(2);
  await page.getByRole("combobox", { name: "scenario" }).selectOption(RACE);
  await app.waitIdle();
  await app.clickLane(30);
  const title = await app.title.innerText();
  await expect.poll(() => cursorInUrl(page)).toBe(30);
  await page.reload();
  await app.waitIdle();
  await app.expectStep(30);
  await expect(app.title).toHaveText(title);

  await page.goBack();
  await app.waitIdle();
  await expect(app.title).toHaveText(/Remote frees freeze/);
  await app.expectStep(2);
  await page.goForward();
  await app.waitIdle();
  await expect(app.title).toHaveText(title);
  await app.expectStep(30);
});
