import { expect, test, type Page } from "@playwright/test";
import { fmtObj } from "../src/engine";
import { libraryEntry } from "../src/scenarios/library";
import { AppPage } from "./fixtures/app-page";
import { timelineOf } from "./engine";

// The newer mechanisms in the state view: each CPU's percpu array cache (RFC v3, 2023) and
// kmalloc_nolock's deferred list and buckets (2025), checked against the engine replayed in
// Node at the same step.

async function openAt(page: Page, id: string, step: number): Promise<AppPage> {
  const app = new AppPage(page);
  await app.goto();
  await page
    .getByRole("combobox", { name: "scenario" })
    .selectOption(`library:${id}`);
  await app.waitIdle();
  await app.seekTo(step);
  return app;
}

test("S3.1: each CPU's array cache shows its fill, lock and objects as the engine has them", async ({
  page,
}, info) => {
  const id = "s3-1-pca-irq-free-leak";
  const tl = timelineOf(libraryEntry(id)!.scenario);
  // The first step where some CPU caches two objects or more.
  let step = 0;
  while (step < tl.total && !tl.machineAt(step).pca!.some((a) => a.used >= 2))
    step++;
  expect(step).toBeLessThan(tl.total);
  const m = tl.machineAt(step);
  await openAt(page, id, step);

  for (const [cpu, arr] of m.pca!.entries()) {
    const row = page.getByTestId(`cpu-${cpu}-pca`);
    await expect(row).toContainText(`used ${arr.used} / count ${arr.count}`);
    await expect(row).toContainText(
      arr.lock === null ? "unlocked" : `locked by ${m.actors[arr.lock]!.name}`,
    );
    for (const x of arr.objects) {
      await expect(row).toContainText(fmtObj(m, x));
      const slab = page.getByTestId(`slab-${Math.floor(x / m.cache.objects)}`);
      const slots = (await slab.getAttribute("data-slots"))!.split(" ");
      expect(slots[x % m.cache.objects]).toBe(`pca:${cpu}`);
    }
  }
  await info.attach("s3-1-array-cache", {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
});

test("S1.5: kfree_nolock's deferred list and the buckets show as the engine has them", async ({
  page,
}, info) => {
  const id = "s1-5-kfree-nolock-defer";
  const tl = timelineOf(libraryEntry(id)!.scenario);
  let step = 0;
  while (
    step < tl.total &&
    tl.machineAt(step).nolock!.deferFreeObjects.length === 0
  )
    step++;
  expect(step).toBeLessThan(tl.total);
  const m = tl.machineAt(step);
  await openAt(page, id, step);

  const deferred = page.getByTestId("nolock-deferred");
  for (const x of m.nolock!.deferFreeObjects) {
    await expect(deferred).toContainText(fmtObj(m, x));
    const slab = page.getByTestId(`slab-${Math.floor(x / m.cache.objects)}`);
    const slots = (await slab.getAttribute("data-slots"))!.split(" ");
    expect(slots[x % m.cache.objects]).toBe("deferred");
  }
  const modelled = m.nolock!.buckets.find((b) => b.modelled)!;
  await expect(page.getByTestId("nolock-buckets")).toContainText(
    `${modelled.name} ◆`,
  );
  await info.attach("s1-5-deferred", {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
});
