import { expect, test, type Page } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { timelineOf } from "./engine";
import { libraryEntry } from "../src/scenarios/library";
import type { StateView } from "../src/worker/frame";

// v6.18 (src/scenarios/library/s5-v618.ts): the opt-in sheaves drawn over the cpu slab, and the
// kfree_rcu sheaf race's finding.

async function expectSheaves(page: Page, f: StateView): Promise<void> {
  const s = f.sheaves!;
  await expect(page.getByTestId("sheaves")).toBeVisible();
  for (const c of s.cpus)
    await expect(page.getByTestId(`pcs-${c.cpu}-main`).first()).toHaveAttribute(
      "data-sheaf",
      String(c.main.id),
    );
  await expect(page.getByTestId("sheaf-held")).toHaveCount(s.held.length);
}

test("the v6.18 tour draws the sheaves as the engine has them; the v8 race finds the leak", async ({
  page,
}) => {
  const tl = timelineOf(libraryEntry("v618-tour")!.scenario);
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:v618-tour");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^Tour \(v6\.18\)/);
  await expectSheaves(page, tl.frame(0));
  // During the refill through the cpu slab, A holds the sheaf it fills.
  await app.seekTo(30);
  expect(tl.frame(30).sheaves!.held).toHaveLength(1);
  await expectSheaves(page, tl.frame(30));
  await app.press("End");
  await expect(app.findings).toContainText("none");
  await expectSheaves(page, tl.frame(tl.total));

  await picker.selectOption("library:v618-rcu-sheaf-barrier");
  await app.waitIdle();
  await app.press("End");
  await expect(app.findings).toContainText("kvfree_rcu_barrier");

  // The three 6.18-rc races: each one's finding, as the engine reports it.
  for (const [id, text] of [
    ["v618-barn-memoryless", "NULL pointer dereference"],
    ["v618-defer-raw-freeptr", "Freepointer corrupt"],
    ["v618-nolock-lock-held", "never make progress"],
  ] as const) {
    const r = timelineOf(libraryEntry(id)!.scenario);
    expect(r.total).toBeGreaterThan(0);
    await picker.selectOption(`library:${id}`);
    await app.waitIdle();
    await app.press("End");
    await expect(app.findings).toContainText(text);
  }
});
