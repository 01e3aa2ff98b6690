import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import { raceTimelines } from "./engine";
import { alignByOperation, operationMarks } from "../src/worker/divergence";
import { compareEras } from "../src/engine/cost";
import { libraryEntry } from "../src/scenarios/library";

const RACE = "r1-put-cpu-partial-stale-page";

test("compare mode: the race's schedule on its kernel and on the fix, at one cursor", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const { buggy, fixed } = raceTimelines(RACE);
  // The fixed side follows the cursor by operation, not by raw step number.
  const marks = { buggy: operationMarks(buggy), fixed: operationMarks(fixed) };
  const aligned = (at: number) =>
    alignByOperation(at, marks.buggy, marks.fixed, fixed.total);
  const compareButton = app.button("Compare with fix");
  // The default scenario has no fixed kernel to compare with.
  await expect(compareButton).toBeDisabled();

  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption(`library:${RACE}`);
  await app.waitIdle();
  await expect(compareButton).toBeEnabled();
  await app.press("c");
  const compare = page.getByTestId("compare");
  await expect(compare).toBeVisible();
  const left = page.getByTestId("compare-buggy");
  const right = page.getByTestId("compare-fixed");
  await expect(left.getByRole("heading", { level: 3 }).first()).toContainText(
    buggy.session.scenario.kernel.variant,
  );
  await expect(right.getByRole("heading", { level: 3 }).first()).toContainText(
    fixed.session.scenario.kernel.variant,
  );

  // One cursor: the first finding's step, and the same operation on the fixed side.
  await app.press(".");
  const { step } = await app.position();
  expect(step).toBe(buggy.summary().findings[0]!.cursor);
  const sideText = (tl: typeof buggy, at: number) => {
    const f = tl.frame(at);
    const e = f.event;
    return [
      `step ${f.step} / ${tl.total}`,
      e ? `${e.actor}: ${e.fn} — ${e.line}` : "before the first step",
    ];
  };
  for (const t of sideText(buggy, step))
    await expect(page.getByTestId("compare-buggy-step")).toContainText(t);
  for (const t of sideText(fixed, aligned(step)))
    await expect(page.getByTestId("compare-fixed-step")).toContainText(t);
  const bf = buggy.frame(step);
  const ff = fixed.frame(aligned(step));
  await expect(page.getByTestId("compare-buggy-findings")).toContainText(
    bf.findings[0]!.code,
  );
  expect(ff.findingsTotal).toBe(0);
  await expect(page.getByTestId("compare-fixed-findings")).toContainText(
    "none",
  );
  // Each side draws its own state: the cpu slabs are the engine's at that step.
  for (const [side, f] of [
    [left, bf],
    [right, ff],
  ] as const)
    for (const c of f.cpus)
      await expect(side.getByTestId(`cpu-${c.id}-page`)).toHaveText(
        c.page === null ? "NULL" : `P${c.page}`,
      );
  await testInfo.attach("compare mode at the first finding", {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });

  // The end of the race's trace; the fixed side at the matching operation, within its length.
  await app.press("End");
  expect((await app.position()).step).toBe(buggy.total);
  expect(aligned(buggy.total)).toBeLessThanOrEqual(fixed.total);
  for (const t of sideText(fixed, aligned(buggy.total)))
    await expect(page.getByTestId("compare-fixed-step")).toContainText(t);
  // The fix finds nothing on the whole schedule (the library's own claim).
  expect(fixed.summary().findings).toEqual([]);
  await expect(page.getByTestId("compare-fixed-findings")).toContainText(
    "none",
  );

  // C again closes it; loading another scenario would too.
  await app.press("c");
  await expect(compare).toHaveCount(0);
  await expect(app.findings).toBeVisible();
});

/**
 * The Compare eras drawer: the sheaves tour's operations on every mainline era, counted in a
 * worker; the table shows the engine's own numbers for each era, and one era opens on the
 * timeline with the replay's schedule.
 */
test("compare eras: the same workload's cost on every mainline era, and one era opened", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const id = "s4-sheaves-tour";
  await app.openLibrary(id);
  await app.openDrawer("eras");
  const drawer = page.locator("#drawer-eras");
  const want = compareEras(libraryEntry(id)!.scenario);
  await expect(drawer.getByTestId("eras-table")).toBeVisible();
  await expect(drawer.getByTestId("eras-schedule")).toContainText("serial");
  for (const r of want.eras) {
    expect(r.kind, r.variant).toBe("ran");
    if (r.kind !== "ran") continue;
    for (const k of [
      "steps",
      "cpuCmpxchg",
      "slabCmpxchg",
      "listLock",
      "slabs",
    ] as const)
      await expect(
        drawer.getByTestId(`eras-totals-${k}-${r.variant}`),
      ).toHaveText(String(r.totals[k]));
  }
  // Sheaves: no this_cpu_cmpxchg_double on an allocation; the cpu slab eras have one.
  await expect(
    drawer.getByTestId("eras-kind-alloc-cpuCmpxchg-v7.0"),
  ).toHaveText("0");
  await expect(
    drawer.getByTestId("eras-kind-alloc-cpuCmpxchg-v5.15"),
  ).not.toHaveText("0");

  const v7 = want.eras.find((r) => r.variant === "v7.0")!;
  await drawer
    .getByRole("button", { name: "open the scenario on v7.0" })
    .click();
  await app.waitIdle();
  await expect(drawer).toBeHidden();
  expect((await app.position()).total).toBe(v7.kind === "ran" ? v7.steps : -1);
});
