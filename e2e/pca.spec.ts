import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

// The percpu array cache scenarios (src/scenarios/library/s3-percpu-array.ts) open from the
// library picker and break on the RFC as posted, not on the fixed kernel.

test("S3.1: an IRQ's failed free leaks on the percpu array RFC and not on the fix", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:s3-1-pca-irq-free-leak");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^Percpu array RFC v3/);
  await app.press(".");
  await expect(app.findings).toContainText("object-leak");
  // The cursor shows the state after the finding's step (step 46, slab_free ignoring false).
  expect((await app.position()).step).toBe(47);

  await picker.selectOption("library:s3-1-pca-irq-free-leak:fixed");
  await app.waitIdle();
  await expect(app.title).toHaveText(/\(fixed kernel\)$/);
  await app.press("End");
  await expect(app.findings).toContainText("none");
});

test("S3.3: the refill tour runs to its end without a finding", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:s3-3-pca-refill-migrates");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^Tour: percpu array RFC v3/);
  await app.press("End");
  await expect(app.findings).toContainText("none");
});
