import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

test("opens on the default scenario and steps through it like a user", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  await expect(page.getByTestId("scenario-title")).toHaveText(
    /Remote frees freeze a full slab/,
  );
  const counter = page.getByTestId("step-counter");
  await expect(counter).toHaveText(/^step 0 \/ \d+$/);
  await expect(page.getByTestId("cpu-0-page")).toHaveText("NULL");

  // Step until the first slab is installed on CPU 0: the state changes step by step.
  const step = page.getByRole("button", { name: "Step ▶" });
  for (let i = 0; i < 3; i++) {
    await step.click();
    await app.waitIdle();
  }
  await expect(counter).toHaveText(/^step 3 \//);
  await app.seekTo(30);
  await expect(counter).toHaveText(/^step 30 \//);
  await expect(page.getByTestId("cpu-0-page")).toHaveText("P0");
  await expect(page.getByTestId("last-event")).toContainText("A:");

  await page.getByRole("button", { name: "◀ Back" }).click();
  await app.waitIdle();
  await expect(counter).toHaveText(/^step 29 \//);

  await page.getByRole("button", { name: "To end" }).click();
  await app.waitIdle();
  await expect(page.getByTestId("findings")).toContainText("none");
  await expect(page.getByRole("button", { name: "Step ▶" })).toBeDisabled();

  const shot = testInfo.outputPath("default-scenario.png");
  await page.screenshot({ path: shot, fullPage: true });
  await testInfo.attach("default scenario", {
    path: shot,
    contentType: "image/png",
  });
});

test("after a pick in the scenario picker, → steps the new scenario instead of switching again", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.focus();
  await picker.selectOption("library:r1-put-cpu-partial-stale-page");
  await app.waitIdle();
  await expect(app.title).toHaveText(/Jann Horn's race/);
  await expect(picker).not.toBeFocused();
  await app.press("ArrowRight");
  await app.expectStep(1);
  await expect(app.title).toHaveText(/Jann Horn's race/);
  await expect(picker).toHaveValue("library:r1-put-cpu-partial-stale-page");
});
