import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

test("a worker that stops without an error event misses the call deadline, and the app recovers", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto("/?testing=1&engineTimeoutMs=5000");
  await expect(app.engineStatus).toHaveText(
    /^engine v\d+ — answered by worker$/,
  );
  await app.clickLane(30);
  await app.expectStep(30);

  await app.crash("silent");
  await app.waitIdle();
  await expect(app.notice).toContainText(
    "The engine worker crashed (the engine worker stopped answering (no reply to crashForTesting in 5000 ms))",
  );
  await expect(app.notice).toContainText(
    "It was restarted: the scenario was reloaded and the cursor restored to step 30.",
  );
  await app.expectStep(30);
  await expect(app.engineStatus).toHaveText(
    /^engine v\d+ — answered by worker$/,
  );
  await app.press("ArrowRight");
  await app.expectStep(31);
});

test("a deeply nested JSON file is refused with a message, not an engine failure", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const title = await app.title.textContent();
  await page.getByTestId("scenario-file").setInputFiles({
    name: "deep.json",
    mimeType: "application/json",
    buffer: Buffer.from(
      `{"actors":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    ),
  });
  await app.waitIdle();
  await expect(
    page.getByText(
      "the JSON nests more than 64 levels deep (a scenario nests about 6)",
    ),
  ).toBeVisible();
  await expect(app.notice).toHaveCount(0);
  await expect(app.title).toHaveText(title!);
});
