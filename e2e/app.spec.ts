import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

test("the production build starts and the engine answers from its worker", async ({
  page,
}, testInfo) => {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error")
      problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) =>
    problems.push(`page error: ${error.message}`),
  );

  const app = new AppPage(page);
  await app.goto();

  await expect(app.heading).toBeVisible();
  await expect(app.engineStatus).toHaveText(
    /^engine v\d+ — answered by worker$/,
  );
  expect(page.workers()).toHaveLength(1);

  const screenshot = testInfo.outputPath("app.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach("app", { path: screenshot, contentType: "image/png" });
  expect(problems).toEqual([]);
});

test("a worker that fails to load falls back to the in-thread engine and says why", async ({
  page,
}) => {
  await page.route("**/assets/engine.worker-*.js", (route) =>
    route.fulfill({
      contentType: "text/javascript",
      body: 'throw new Error("worker failed on purpose");',
    }),
  );
  const app = new AppPage(page);
  await app.goto();

  await expect(app.engineStatus).toHaveText(
    /^engine v\d+ — answered in-thread \(the engine worker did not answer: .+\)$/,
  );
});
