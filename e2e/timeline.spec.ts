import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

// The default scenario (src/scenarios/library/default.ts): A allocates on CPU 0, the IRQ enters
// at step 63, B frees from CPU 1. At cursor 30 CPU 0 has its first slab (P0).

test("scrubbing with the mouse shows the state of the step under the cursor", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.expectStep(0);
  await expect(page.getByTestId("cpu-0-page")).toHaveText("NULL");

  await app.clickLane(30);
  await app.expectStep(30);
  await expect(page.getByTestId("cpu-0-page")).toHaveText("P0");
  await expect(app.lastEvent).toContainText("A:");

  // Drag to cursor 64: the state after step 63, which the IRQ took.
  await app.dragLane(30, 64);
  await app.expectStep(64);
  await expect(app.lastEvent).toHaveText(/^irq: /);
  await expect(page.getByTestId("cpu-0-running")).toContainText("irq");

  // Back to the start by dragging past the left edge.
  await app.dragLane(64, -10);
  await app.expectStep(0);
  await expect(app.lastEvent).toHaveText("before the first step");
});

test("the keyboard steps, jumps and plays", async ({ page }) => {
  const app = new AppPage(page);
  await app.goto();
  await app.press("?");
  await expect(
    app.page.getByRole("dialog", { name: "Keyboard shortcuts" }),
  ).toContainText("One micro-step back");
  await app.press("Escape");
  const { total } = await app.position();

  await app.press("ArrowRight");
  await app.press("ArrowRight");
  await app.press("ArrowRight");
  await app.expectStep(3);
  await app.press("ArrowLeft");
  await app.expectStep(2);
  await app.press("End");
  await app.expectStep(total);
  await expect(app.button("Step ▶")).toBeDisabled();

  // Operation boundaries: back from the end lands before it, forward returns to it.
  await app.press("[");
  const { step: boundary } = await app.position();
  expect(boundary).toBeLessThan(total);
  expect(boundary).toBeGreaterThan(0);
  await app.press("]");
  await app.expectStep(total);
  await app.press("Home");
  await app.expectStep(0);
  await app.press("]");
  const { step: firstEnd } = await app.position();
  // The first operation is A's first allocation: it ends with A's step.
  expect(firstEnd).toBeGreaterThan(0);
  await expect(app.lastEvent).toHaveText(/^A: /);

  // Space plays; the counter moves on its own; Space pauses. Tests wait for idle only when paused.
  await page.getByLabel("speed").selectOption("120");
  await app.press("Home");
  await page.keyboard.press(" ");
  await expect(app.button("‖ Pause")).toBeVisible();
  await expect(app.stepCounter).not.toHaveText(/^step 0 /);
  await page.keyboard.press(" ");
  await app.waitIdle();
  await expect(app.button("▶ Play")).toBeVisible();
  const paused = await app.position();
  expect(paused.step).toBeGreaterThan(0);
  await app.waitIdle();
  expect(await app.position()).toEqual(paused);
});

test("Space on a focused button plays instead of pressing the button", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.click("Step ▶"); // the Step button keeps the focus
  await app.expectStep(1);
  await page.getByLabel("speed").selectOption("2");
  await app.button("Step ▶").focus();
  await page.keyboard.press(" ");
  await expect(app.button("‖ Pause")).toBeVisible();
  await app.click("‖ Pause");
  await expect(app.button("▶ Play")).toBeVisible();
});

test("a fork lets another actor take the step and Undo brings the old schedule back", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.clickLane(41);
  const originalNext = await app.lastEvent.textContent();
  expect(originalNext).toMatch(/^A: /);

  await app.press("ArrowLeft");
  await app.expectStep(40);
  await expect(app.forkButton("A", 0)).toContainText("next");
  await expect(app.forkButton("B", 1)).not.toContainText("next");
  await app.fork("B", 1);

  // The forked step is taken: the cursor shows its state, and what follows changed.
  await app.expectStep(41);
  await expect(app.lastEvent).toHaveText(/^B: /);
  await expect(page.locator(".timeline .tl-mark.fork")).toHaveCount(1);
  await app.press("ArrowLeft");
  await app.press("ArrowRight");
  await expect(app.lastEvent).toHaveText(/^B: /);

  await app.click("↶ Undo fork");
  await app.expectStep(40);
  await app.press("ArrowRight");
  await expect(app.lastEvent).toHaveText(originalNext!);
  await expect(page.locator(".timeline .tl-mark.fork")).toHaveCount(0);
  await expect(app.button("↶ Undo fork")).toBeDisabled();
});

test("a scenario opened from a file, with findings to jump between", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openScenario("double-free.json", {
    format: "slabscope/scenario",
    version: 1,
    title: "An object freed twice",
    kernel: { variant: "v5.15", cpus: 2 },
    cache: { objects: 4 },
    actors: [
      {
        name: "A",
        kind: "task",
        cpu: 0,
        ops: [
          { kind: "alloc", slot: "x" },
          { kind: "free", slot: "x", keep: true },
          { kind: "free", slot: "x" },
        ],
      },
      { name: "B", kind: "task", cpu: 1, ops: [{ kind: "alloc", slot: "y" }] },
    ],
  });
  await expect(app.title).toHaveText("An object freed twice");
  await app.expectStep(0);
  await expect(app.findings).toContainText("none");

  await app.press(".");
  const { step } = await app.position();
  expect(step).toBeGreaterThan(0);
  await expect(app.findings).toContainText("double-free");
  await app.press("ArrowLeft");
  await expect(app.findings).not.toContainText("double-free");
  await app.press(".");
  await app.expectStep(step);

  // A file that is not a scenario is refused with the reasons; the loaded one stays.
  await app.openScenario("bad.json", { format: "slabscope/scenario" });
  await expect(page.getByTestId("load-errors")).toContainText(
    "The scenario was not opened",
  );
  await expect(app.title).toHaveText("An object freed twice");
});

for (const how of ["worker", "engine"] as const) {
  test(`after the engine ${how === "worker" ? "worker crashes" : "throws"}, the app restarts it and restores the cursor and forks`, async ({
    page,
  }) => {
    const app = new AppPage(page);
    await app.goto("/?testing=1");
    await app.clickLane(40);
    await app.fork("B", 1);
    await app.clickLane(50);
    await app.expectStep(50);
    const before = await app.lastEvent.textContent();

    await app.crash(how);
    await app.waitIdle();
    await expect(app.notice).toContainText(
      how === "worker"
        ? "The engine worker crashed"
        : "The engine failed (the engine failed on purpose (testing))",
    );
    await expect(app.notice).toContainText(
      "It was restarted: the scenario was reloaded, your fork replayed and the cursor restored to step 50.",
    );
    await app.expectStep(50);
    await expect(app.lastEvent).toHaveText(before!);
    await expect(app.engineStatus).toHaveText(
      /^engine v\d+ — answered by worker$/,
    );

    // Still usable: step, undo the fork that was replayed.
    await app.press("ArrowRight");
    await app.expectStep(51);
    await app.click("↶ Undo fork");
    await app.expectStep(40);
    await app.click("Dismiss");
    await expect(app.notice).toHaveCount(0);
  });
}

test("a race from the library breaks on its kernel and not on the fixed one", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:r18-missing-tid-bump");
  await app.waitIdle();
  await expect(app.title).toHaveText(/^Missing tid bump/);
  await app.press(".");
  await expect(app.findings).toContainText("object-leak");
  const { step } = await app.position();
  expect(step).toBeGreaterThan(0);
  await expect(page.locator(".timeline .tl-mark.finding")).not.toHaveCount(0);

  await picker.selectOption("library:r18-missing-tid-bump:fixed");
  await app.waitIdle();
  await expect(app.title).toHaveText(/\(fixed kernel\)$/);
  await app.press("End");
  await expect(app.findings).toContainText("none");
  await expect(app.button("‹ Finding")).toBeDisabled();
});

test("the test hooks are not there without ?testing=1", async ({ page }) => {
  const app = new AppPage(page);
  await app.goto();
  expect(await page.evaluate(() => "__slabscopeTest" in globalThis)).toBe(
    false,
  );
});

test("the kmem_cache_cpu layout shows why LOCK_STAT breaks the v4 fast path", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const layout = page.getByTestId("layout");
  await expect(layout).toContainText("{freelist, tid} 16-byte aligned");
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:r9-cmpxchg16b-alignment");
  await app.waitIdle();
  await expect(layout).toContainText("lock@0");
  await expect(layout).toContainText(
    "{freelist, tid} at offset 56: not 16-byte aligned, cmpxchg16b faults",
  );
  await app.press(".");
  await expect(app.findings).toContainText("cmpxchg16b-misaligned");

  await picker.selectOption("library:r9-cmpxchg16b-alignment:fixed");
  await app.waitIdle();
  await expect(layout).toContainText("freelist@0 tid@8");
  await expect(layout).toContainText("{freelist, tid} 16-byte aligned");
});
