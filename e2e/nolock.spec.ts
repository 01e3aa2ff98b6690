import { expect, test } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

// The kmalloc_nolock scenarios of the library (src/scenarios/library/s1-nolock.ts) run in the
// app like the older races: each breaks on its kernel and not on the fixed one.
for (const [id, title, code] of [
  [
    "s1-1-nmi-in-slab-alloc",
    /^!RT: an NMI lands in ___slab_alloc/,
    "double-alloc",
  ],
  [
    "s1-2-rt-tracepoint-reentry",
    /^RT: a tracepoint re-enters the same bucket/,
    "deadlock",
  ],
  ["s1-3-rt-nmi-caller", /^RT: kmalloc_nolock from an NMI/, "sleep-in-atomic"],
  ["s1-4-compaction-frozen-page", /^alloc_pages_nolock/, "bad-page-state"],
  ["s1-5-kfree-nolock-defer", /^kfree_nolock from an NMI/, "object-leak"],
  ["s1-6-kprobe-irqs-off", /^!RT: a kprobe inside/, "double-alloc"],
] as const) {
  test(`${id} breaks on its kernel and not on the fixed one`, async ({
    page,
  }) => {
    const app = new AppPage(page);
    await app.goto();
    const picker = page.getByRole("combobox", { name: "scenario" });
    await picker.selectOption(`library:${id}`);
    await app.waitIdle();
    await expect(app.title).toHaveText(title);
    await app.press(".");
    await expect(app.findings).toContainText(code);

    await picker.selectOption(`library:${id}:fixed`);
    await app.waitIdle();
    await expect(app.title).toHaveText(/\(fixed kernel\)$/);
    await app.press("End");
    await expect(app.findings).toContainText("none");
  });
}
