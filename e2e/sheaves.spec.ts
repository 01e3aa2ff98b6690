import { expect, test, type Page } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { timelineOf } from "./engine";
import { libraryEntry } from "../src/scenarios/library";
import type { SheafView, StateView } from "../src/worker/frame";

// The v7.0 sheaves tour (src/scenarios/library/s4-sheaves.ts): the sheaves panel draws each
// CPU's main and spare sheaf, the barns and a detached sheaf as the engine has them.

async function expectSheaf(
  page: Page,
  testId: string,
  sheaf: SheafView | null,
): Promise<void> {
  const row = page.getByTestId(testId).first();
  if (sheaf === null) {
    await expect(row).toContainText("NULL");
    return;
  }
  await expect(row).toHaveAttribute("data-sheaf", String(sheaf.id));
  if (sheaf.objects.length === 0) await expect(row).toContainText("empty");
  for (const o of sheaf.objects) await expect(row).toContainText(o);
}

async function expectSheaves(page: Page, f: StateView): Promise<void> {
  const s = f.sheaves!;
  await expect(page.getByTestId("sheaves")).toBeVisible();
  for (const c of s.cpus) {
    await expectSheaf(page, `pcs-${c.cpu}-main`, c.main);
    await expectSheaf(page, `pcs-${c.cpu}-spare`, c.spare);
  }
  for (const b of s.barns)
    await expect(page.getByTestId(`barn-${b.node}-counts`)).toHaveText(
      `full ${b.full.length}/${s.maxFull} · empty ${b.empty.length}/${s.maxEmpty}`,
    );
  await expect(page.getByTestId("sheaf-held")).toHaveCount(s.held.length);
  for (const h of s.held)
    await expect(page.getByTestId("sheaf-held")).toContainText(h.actor);
}

test("the v7.0 tour draws the sheaves and the barn as the engine has them", async ({
  page,
}) => {
  const tl = timelineOf(libraryEntry("s4-sheaves-tour")!.scenario);
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:s4-sheaves-tour");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^Tour: v7.0 sheaves/);
  await expectSheaves(page, tl.frame(0));
  // v7.0 has no kmem_cache_cpu: the CPU panel draws none of its fields, and no badge or cache
  // line speaks of cpu partial lists.
  expect(tl.frame(0).cache.noCpuSlab).toBe(true);
  for (const gone of ["tid", "c->freelist", "c->partial", "pobjects"])
    await expect(page.getByTestId("cpu-0")).not.toContainText(gone);
  await expect(page.getByTestId("badges")).not.toContainText(
    "SLUB_CPU_PARTIAL",
  );
  await expect(page.getByTestId("cache-params")).not.toContainText(
    "cpu_partial",
  );
  // During the refill, with CPU 0's lock dropped, A holds the sheaf it fills.
  await app.seekTo(14);
  expect(tl.frame(14).sheaves!.held).toHaveLength(1);
  await expectSheaves(page, tl.frame(14));
  // After the barn put: one full sheaf in node 0's barn.
  await app.seekTo(180);
  expect(tl.frame(180).sheaves!.barns[0]!.full).toHaveLength(1);
  await expectSheaves(page, tl.frame(180));
  await app.press("End");
  await expect(app.findings).toContainText("none");
  await expectSheaves(page, tl.frame(tl.total));
});
