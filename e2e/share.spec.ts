import { expect, test, type Page } from "@playwright/test";
import { deflateSync } from "fflate";
import { AppPage } from "./fixtures/app-page";
import { toBase64url } from "../src/share/base64url";
import { DICTIONARY_V1 } from "../src/share/dictionary";

/** A version-1 link carrying any JSON payload, valid or not, as an attacker could make it. */
function linkOf(payload: unknown): string {
  return linkOfText(JSON.stringify(payload));
}

function linkOfText(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return `/#s=1.${toBase64url(deflateSync(bytes, { dictionary: DICTIONARY_V1 }))}`;
}

/** What the state view shows, as text: the same step and state give the same text. */
// textContent, not innerText: slab cards out of view skip rendering, and innerText leaves them out.
const stateText = (page: Page) => page.locator(".frame").textContent();

test("a copied link opens on the same step, timeline and state in a fresh browser", async ({
  page,
  browser,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r16-flush-recheck");
  // Fork the timeline: someone other than the scheduled actor takes step 10.
  await app.clickLane(10);
  const other = page.locator('[data-testid^="fork-"]:not(.scheduled)');
  const forkButtons = await page.locator('[data-testid^="fork-"]').count();
  expect(forkButtons).toBeGreaterThan(1);
  await other.last().click();
  await app.waitIdle();
  await app.press("ArrowRight");
  await app.press("ArrowRight");
  const here = await app.position();
  const title = await app.title.innerText();
  const state = await stateText(page);
  const event = await app.lastEvent.innerText();

  await app.openDrawer("share");
  await app.button("Copy link").click();
  await expect(page.getByTestId("share-status")).toContainText("Link copied");
  const link = await page.evaluate<string>("navigator.clipboard.readText()");
  expect(link).toMatch(/#s=1\.[A-Za-z0-9_-]+$/);
  expect(link.length).toBeLessThanOrEqual(2000);
  await expect(page.getByTestId("share-link")).toHaveValue(link);

  const fresh = await browser.newContext();
  const other2 = await fresh.newPage();
  const app2 = new AppPage(other2);
  await app2.goto(link);
  await expect(app2.title).toHaveText(title);
  await app2.expectStep(here.step);
  expect((await app2.position()).total).toBe(here.total);
  await expect(app2.lastEvent).toHaveText(event);
  expect(await stateText(other2)).toBe(state);
  await expect(other2.getByTestId("share-problem")).toHaveCount(0);
  await fresh.close();
});

test("an embed link opens with minimal chrome", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const app = new AppPage(page);
  await app.goto();
  await app.clickLane(30);
  await app.openDrawer("share");
  await app.button("Copy embed link").click();
  await expect(page.getByTestId("share-status")).toContainText("copied");
  const link = await page.getByTestId("share-link").inputValue();
  const embedded = await context.newPage();
  const app2 = new AppPage(embedded);
  await app2.goto(link);
  await app2.expectStep(30);
  await expect(app2.heading).toBeHidden();
  await expect(embedded.getByTestId("embed-bar")).toBeVisible();
  await expect(embedded.getByRole("button", { name: "Copy link" })).toHaveCount(
    0,
  );
  await expect(embedded.getByTestId("cpu-0-page")).toHaveText("P0");
});

for (const [name, hash, message] of [
  ["malformed base64", "/#s=1.abc$def", /malformed base64url: character 4/],
  ["corrupt deflate data", "/#s=1.AAAAAAAAAAAA", /corrupt compressed data/],
  ["an unknown version", "/#s=99.AAAA", /unknown link version 99/],
  ["invalid JSON", linkOfText("{not json"), /not valid JSON/],
  [
    "a schema violation",
    linkOf({
      scenario: {
        format: "slabscope/scenario",
        version: 1,
        title: "x",
        kernel: { variant: "v5.15", cpus: 65 },
        cache: { objects: 4 },
        actors: [],
      },
    }),
    /kernel\.cpus: must be at most 8/,
  ],
] as const) {
  test(`a link with ${name} shows the message and leaves a working app`, async ({
    page,
  }) => {
    const app = new AppPage(page);
    await app.goto(hash);
    await expect(page.getByTestId("share-problem")).toContainText(
      "The link was not opened",
    );
    await expect(page.getByTestId("share-problem")).toContainText(message);
    // The default scenario, and it works.
    await expect(app.title).toHaveText(/Remote frees freeze a full slab/);
    await app.click("Step ▶");
    await app.expectStep(1);
  });
}

test("a bad link after a good one stays on the good scenario", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  await app.clickLane(20);
  await app.openDrawer("share");
  await app.button("Copy link").click();
  await expect(page.getByTestId("share-link")).toBeVisible();
  const good = await page.getByTestId("share-link").inputValue();
  await app.goto(good);
  const title = await app.title.innerText();
  // hashchange to a bad link: a message, the same scenario and step.
  await page.evaluate('location.hash = "#s=1.%%%"');
  await expect(page.getByTestId("share-problem")).toContainText(
    "malformed base64url",
  );
  await app.waitIdle();
  await expect(app.title).toHaveText(title);
  await app.expectStep(20);
  // A fresh load of the bad link opens on the last good one.
  await page.reload();
  await app.waitIdle();
  await expect(page.getByTestId("share-problem")).toBeVisible();
  await expect(app.title).toHaveText(title);
});

test("an <img onerror> injected in narration never runs", async ({ page }) => {
  const app = new AppPage(page);
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const hostile = {
    scenario: {
      format: "slabscope/scenario",
      version: 1,
      title: "hostile",
      kernel: { variant: "v5.15", cpus: 1 },
      cache: { objects: 4 },
      actors: [
        {
          name: "A",
          kind: "task",
          cpu: 0,
          ops: [{ kind: "alloc", slot: "x" }],
        },
      ],
      narration: [
        { step: 0, text: '<img src=x onerror="window.__pwned=1;alert(1)">' },
      ],
    },
    view: { cursor: 0 },
  };
  await app.goto(linkOf(hostile));
  await expect(page.getByTestId("share-problem")).toContainText(
    "narration[0].text: must be plain text",
  );
  await app.click("Step ▶");
  expect(await page.evaluate("typeof window.__pwned")).toBe("undefined");
  expect(dialogs).toEqual([]);
  await expect(page.locator("img[src=x]")).toHaveCount(0);
  // The message names the problem without echoing the markup as HTML.
  await expect(page.getByTestId("share-problem").locator("img")).toHaveCount(0);
});
