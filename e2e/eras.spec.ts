import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

// Two era races from the library (src/scenarios/library/s4-v68-slab-lock.ts and
// s4-sheaves-rt-flush.ts) open from the picker, break on their kernel and not on the fix.

test("v6.8 in linux-next: the lost PG_locked hangs slab_lock; v6.8 as merged does not", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:v68-slab-lock-lost-update");
  await app.waitIdle();
  await expect(app.title).toHaveText(
    /^v6.8 in linux-next without cmpxchg_double/,
  );
  await app.press(".");
  await expect(app.findings).toContainText("deadlock");

  await picker.selectOption("library:v68-slab-lock-lost-update:fixed");
  await app.waitIdle();
  await expect(app.title).toHaveText(/\(fixed kernel\)$/);
  await app.press("End");
  await expect(app.findings).toContainText("none");
});

test("v7.0 on PREEMPT_RT: destroy leaves the main sheaf unflushed; the fix waits for the lock", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:s4-rt-destroy-unflushed");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^v7.0 on PREEMPT_RT/);
  await app.press(".");
  await expect(app.findings).toContainText("object-leak");
  await expect(page.getByTestId("pcs-0-main").first()).toContainText("P0#0");

  await picker.selectOption("library:s4-rt-destroy-unflushed:fixed");
  await app.waitIdle();
  await expect(app.title).toHaveText(/\(fixed kernel\)$/);
  await app.press("End");
  await expect(app.findings).toContainText("none");
});
