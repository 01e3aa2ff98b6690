import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

/**
 * The Explore drawer: from R1's operations alone, the explorer (in Web Workers) finds the race,
 * and "open the counterexample" shows the shrunk schedule on the timeline at its finding.
 */
test("explores R1 in workers and opens the counterexample at the finding", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  // Served cross-origin isolated (vite.config.ts): the workers share the states explored.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  await app.openDrawer("explore");
  const drawer = page.locator("#drawer-explore");
  await drawer.getByRole("button", { name: "▶ Explore" }).click();
  const result = drawer.getByTestId("explore-result");
  await expect(result).toContainText("uaf-slab at step 46", {
    timeout: 30_000,
  });
  await expect(result).toContainText("A*10 irq*36 A");
  await expect(drawer.getByTestId("explore-status")).toContainText(
    "schedules/s",
  );
  await drawer.getByRole("button", { name: "Open the counterexample" }).click();
  await app.waitIdle();
  await app.expectStep(47);
  await app.closeDrawers();
  await expect(app.findings).toContainText("uaf-slab");
});
