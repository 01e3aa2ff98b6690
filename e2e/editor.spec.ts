import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

async function openEditor(app: AppPage) {
  await app.openDrawer("editor");
}

test("a scenario written in the editor opens, and the draft survives a reload", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await openEditor(app);
  await page
    .getByTestId("editor")
    .getByLabel("title")
    .fill("Two tasks race for one slab");
  await page.getByTestId("editor").getByLabel("cpus").fill("2");
  await page.getByTestId("editor").getByLabel("objects").fill("2");
  await page
    .getByTestId("editor")
    .getByLabel("actor 0 operations")
    .fill("alloc x, alloc x, alloc x");
  await page
    .getByTestId("editor")
    .getByLabel("actor 1 operations")
    .fill("alloc y, free y");
  await page
    .getByTestId("editor")
    .getByLabel("narration")
    .fill("0: Both tasks start with empty CPUs.");
  await app.click("Apply");
  await expect(app.title).toHaveText("Two tasks race for one slab");
  await expect(page.locator(".narration")).toHaveText(
    "Both tasks start with empty CPUs.",
  );
  const { total } = await app.position();
  expect(total).toBeGreaterThan(20);

  await page.reload();
  await app.waitIdle();
  await openEditor(app);
  await expect(page.getByTestId("editor").getByLabel("title")).toHaveValue(
    "Two tasks race for one slab",
  );
  await expect(
    page.getByTestId("editor").getByLabel("actor 0 operations"),
  ).toHaveValue("alloc x, alloc x, alloc x");
});

test("a bad draft says what is wrong and keeps the scenario and the draft", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const title = await app.title.innerText();
  await openEditor(app);
  await page
    .getByTestId("editor")
    .getByLabel("actor 0 operations")
    .fill("allc x");
  await page.getByTestId("editor").getByLabel("actor 1 cpu").fill("7");
  await app.click("Apply");
  await expect(page.getByTestId("editor-errors")).toContainText(
    'actors[0].ops: "allc x" is not an operation',
  );
  await page
    .getByTestId("editor")
    .getByLabel("actor 0 operations")
    .fill("alloc x");
  await page
    .getByTestId("editor")
    .getByLabel("narration")
    .fill("0: <b>bold</b>");
  await app.click("Apply");
  await expect(page.getByTestId("editor-errors")).toContainText(
    "actors[1].cpu: kernel.cpus is 2",
  );
  await expect(page.getByTestId("editor-errors")).toContainText(
    "narration[0].text: must be plain text",
  );
  await expect(app.title).toHaveText(title);
  await expect(page.getByTestId("editor").getByLabel("narration")).toHaveValue(
    "0: <b>bold</b>",
  );
});

test("a seeded random schedule, and recording the steps taken on the timeline", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await openEditor(app);
  await page
    .getByTestId("editor")
    .getByLabel("schedule mode")
    .selectOption("random");
  await page.getByTestId("editor").getByLabel("seed").fill("7");
  await app.click("Apply");
  await expect(page.getByTestId("editor-note")).toHaveText(
    "Opened, with the schedule of seed 7.",
  );
  const first = await app.position();
  // The same seed gives the same run.
  await app.click("Apply");
  expect(await app.position()).toEqual(first);

  // Record: let another actor step at 5, then take the steps into the draft.
  await app.closeDrawers(); // so the timeline's forks are in reach
  await app.clickLane(5);
  await app.expectStep(5);
  await page.locator('[data-testid^="fork-"]:not(.scheduled)').first().click();
  await app.waitIdle();
  await openEditor(app);
  await app.click("Record from the timeline");
  await expect(
    page.getByTestId("editor").getByLabel("schedule mode"),
  ).toHaveValue("steps");
  // Every step up to the fork, run-length encoded: at least the steps before it and the fork.
  await expect(
    page.getByRole("textbox", { name: "schedule", exact: true }),
  ).toHaveValue(/^\S+( \S+)+$/);
});

test("import by file picker and by drop; a file over 1 MB is refused", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const scenario = JSON.parse(
    readFileSync("src/cli/fixtures/two-cpus.json", "utf8"),
  );
  await page.getByTestId("import-file").setInputFiles({
    name: "two-cpus.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(scenario)),
  });
  await app.waitIdle();
  await expect(app.title).toHaveText(scenario.title);

  await page.getByTestId("import-file").setInputFiles({
    name: "huge.json",
    mimeType: "application/json",
    buffer: Buffer.alloc(1_100_000, 32),
  });
  await expect(page.getByTestId("share-problem")).toContainText(
    "huge.json was not opened",
  );
  await expect(page.getByTestId("share-problem")).toContainText("1 MB");
  await expect(app.title).toHaveText(scenario.title);
  // The picker's own file input refuses it too, before reading it.
  await page.getByTestId("scenario-file").setInputFiles({
    name: "huge.json",
    mimeType: "application/json",
    buffer: Buffer.alloc(1_100_000, 32),
  });
  await expect(page.getByTestId("load-errors")).toContainText(
    "huge.json is too large",
  );
  await expect(app.title).toHaveText(scenario.title);

  // Drop a file on the page.
  const dropped = { ...scenario, title: "Dropped on the page" };
  await page.evaluate((text) => {
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(f: unknown): void } };
      File: new (parts: string[], name: string) => unknown;
      dispatchEvent(e: unknown): void;
      DragEvent: new (type: string, init: unknown) => unknown;
    };
    const dt = new g.DataTransfer();
    dt.items.add(new g.File([text], "dropped.json"));
    g.dispatchEvent(
      new g.DragEvent("drop", { dataTransfer: dt, cancelable: true }),
    );
  }, JSON.stringify(dropped));
  await app.waitIdle();
  await expect(app.title).toHaveText("Dropped on the page");
});

test("export the scenario as JSON and the view as SVG and PNG", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.clickLane(30);
  await app.openDrawer("share");
  const save = async (button: string) => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      app.button(button).click(),
    ]);
    const path = await download.path();
    return { name: download.suggestedFilename(), bytes: readFileSync(path) };
  };
  const json = await save("Export JSON");
  expect(json.name).toMatch(/^remote-frees-freeze.*\.json$/);
  expect(JSON.parse(json.bytes.toString("utf8")).cursor).toBe(30);

  const svg = await save("Export SVG");
  expect(svg.name).toMatch(/\.svg$/);
  const text = svg.bytes.toString("utf8");
  expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(text).toContain("foreignObject");
  expect(text).toContain("P0");

  const png = await save("Export PNG");
  expect(png.name).toMatch(/\.png$/);
  expect([...png.bytes.subarray(0, 8)]).toEqual([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
  ]);
  expect(png.bytes.length).toBeGreaterThan(1000);
});

test("a bad link never overwrites the editor's draft", async ({ page }) => {
  const app = new AppPage(page);
  await app.goto();
  await openEditor(app);
  await page.getByTestId("editor").getByLabel("title").fill("My unsaved draft");
  await page.goto("/#s=1.not$base64");
  await app.waitIdle();
  await expect(page.getByTestId("share-problem")).toBeVisible();
  await openEditor(app);
  await expect(page.getByTestId("editor").getByLabel("title")).toHaveValue(
    "My unsaved draft",
  );
});

test("narration and schedule entries anchored to code, written in the editor", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await openEditor(app);
  const editor = page.getByTestId("editor");
  await editor.getByLabel("title").fill("Anchored");
  await editor.getByLabel("schedule mode").selectOption("steps");
  await page
    .getByRole("textbox", { name: "schedule", exact: true })
    .fill("A>___slab_alloc:new_slab B");
  await editor
    .getByLabel("narration")
    .fill("0: A starts.\nA>___slab_alloc: A takes the slow path.");
  await app.click("Apply");
  await expect(app.title).toHaveText("Anchored");
  const marks = page
    .getByTestId("story-row")
    .getByRole("list", { name: "narration" })
    .getByRole("button");
  await expect(marks).toHaveCount(2);
  await marks.nth(1).click();
  await app.waitIdle();
  await expect(page.locator(".narration")).toHaveText("A takes the slow path.");
  const { step } = await app.position();
  expect(step).toBeGreaterThan(0);
  await app.seekTo(step - 1);
  await expect(page.locator(".narration")).toHaveText("A starts.");
});
