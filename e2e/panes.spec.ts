import {
  expect,
  test,
  type Locator,
  type Page,
  type TestInfo,
} from "@playwright/test";
import { AppPage } from "./fixtures/app-page";
import {
  defaultScenario,
  LANE,
  raceTimelines,
  laneCounts,
  nextLine,
  timelineOf,
} from "./engine";
import type { Timeline } from "../src/worker/timeline";
import { totalStats } from "../src/engine";
import { STATE_GLYPH, STATE_TEXT } from "../src/ui/actorStates";
import { stepText as stepTextFor } from "../src/ui/stepText";

async function shot(page: Page, testInfo: TestInfo, name: string) {
  await testInfo.attach(name, {
    body: await page.screenshot({ fullPage: true }),
    contentType: "image/png",
  });
}

/** Whether `line` lies inside the visible part of its scrolling code box `box`. */
async function expectInBox(line: Locator, box: Locator) {
  await expect(line).toBeVisible();
  const b = (await box.boundingBox())!;
  const r = (await line.boundingBox())!;
  expect(r.y).toBeGreaterThanOrEqual(b.y - 1);
  expect(r.y + r.height).toBeLessThanOrEqual(b.y + b.height + 1);
}

/** The code pane, the step log and the badges against the engine's frame at `step`. */
async function expectPanesAt(app: AppPage, tl: Timeline, step: number) {
  const page = app.page;
  const f = tl.frame(step);
  await app.expectStep(step);
  for (const a of f.code) {
    await expect(page.getByTestId(`actor-${a.name}-state`)).toHaveText(
      `${STATE_GLYPH[a.state]} ${STATE_TEXT[a.state]}`,
    );
    const top = a.stack.at(-1);
    if (top) {
      await expect(page.getByTestId(`actor-${a.name}-fn`)).toHaveText(top.fn);
      await expect(page.getByTestId(`actor-${a.name}-line`)).toContainText(
        nextLine(tl, step, a.name),
      );
      // The line its last step ran: in the same listing, or named above it.
      const ran = a.ran;
      if (ran && ran.fn === top.fn)
        await expect(
          page.getByTestId(`actor-${a.name}-code`).locator("li[data-ran]"),
        ).toHaveAttribute("data-pc", String(ran.pc));
      else if (ran)
        await expect(page.getByTestId(`actor-${a.name}-ran`)).toContainText(
          tl.session.variant.fns[ran.fn]!.steps[ran.pc]!.line,
        );
    } else {
      await expect(page.getByTestId(`actor-${a.name}-line`)).toHaveCount(0);
    }
  }
  await expect(page.getByTestId("step-live")).toHaveText(stepTextFor(f));
}

test("the default scenario loads and plays; panes follow the engine", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  await expect(app.title).toHaveText(defaultScenario.title);
  const badges = page.getByTestId("badges");
  await expect(badges).toContainText("v5.15");
  await expect(badges).toContainText("!PREEMPT_RT");
  await expect(badges).toContainText("2 CPUs");
  await expect(badges).toContainText("+tid-on-deactivation");
  await expectPanesAt(app, tl, 0);

  await page.getByLabel("speed").selectOption("120");
  await page.keyboard.press(" ");
  await expect(app.stepCounter).not.toHaveText(/^step 0 /);
  await page.keyboard.press(" ");
  await app.waitIdle();
  const { step, total } = await app.position();
  expect(step).toBeGreaterThan(0);
  expect(total).toBe(tl.total);
  await expectPanesAt(app, tl, step);

  // The lanes: one row per actor, grouped by CPU, counting what the engine's trace did.
  const lanes = page.getByTestId("actor-lanes");
  await expect(lanes.getByRole("group", { name: "cpu 0" })).toContainText("A");
  await expect(lanes.getByRole("group", { name: "cpu 1" })).toContainText("B");
  const counts = laneCounts(tl, "A");
  await expect(page.getByTestId("lane-A").getByRole("img")).toHaveAttribute(
    "aria-label",
    new RegExp(`^A: ran ${counts.get(LANE.ran)}`),
  );

  // SLUB_STATS at the end: the engine's totals, in the Stats drawer.
  await app.press("End");
  await app.openDrawer("stats");
  for (const [name, v] of Object.entries(totalStats(tl.machineAt(tl.total)))) {
    if (v === 0) continue;
    await expect(
      page.getByTestId(`stat-${name}`).locator("td.value"),
    ).toHaveText(String(v));
  }
  await shot(page, testInfo, "default scenario at its end");
});

test("scrubbing and keyboard stepping move the code pane with the engine", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  await app.clickLane(64);
  // The IRQ took step 63: it runs, the task under it is preempted.
  await expectPanesAt(app, tl, 64);
  await expect(page.getByTestId("actor-irq-state")).toContainText("running");
  await expect(page.getByTestId("actor-A-state")).toContainText("preempted");
  await shot(page, testInfo, "the IRQ over task A at step 64");

  await app.press("ArrowRight");
  await expectPanesAt(app, tl, 65);
  await app.press("ArrowLeft");
  await app.press("ArrowLeft");
  await expectPanesAt(app, tl, 63);
  await app.press("]");
  const { step } = await app.position();
  await expectPanesAt(app, tl, step);
  await expect(page.getByTestId("step-log")).toContainText(
    stepTextFor(tl.frame(63)),
  );

  // Picking an actor on its lane picks it in the code pane too, and dims the other lanes.
  await page.getByTestId("lane-B").getByRole("button", { name: /^B/ }).click();
  await app.waitIdle();
  await expect(page.getByTestId("lane-A")).toHaveClass(/dimmed/);
  await expect(page.getByTestId("lane-B")).not.toHaveClass(/dimmed/);
  await expect(
    page.getByTestId("actor-B").getByRole("button", { name: "B", exact: true }),
  ).toHaveAttribute("aria-pressed", "true");
});

test("let this actor step next, from the lanes and from the code pane", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  const ids = new Map(tl.summary().actors.map((a) => [a.name, a.id]));
  await app.clickLane(40);
  await app.expectStep(40);

  // From B's lane: B takes step 40 on its own CPU.
  await page.getByTestId("lane-fork-B").click();
  await app.waitIdle();
  expect(tl.fork(40, ids.get("B")!, 1).ok).toBe(true);
  await expectPanesAt(app, tl, 41);
  await expect(app.lastEvent).toHaveText(/^B: /);
  await expect(page.getByTestId("actor-B")).toContainText("took the last step");

  // From the code pane: A takes step 41.
  await page.getByTestId("code-fork-A").click();
  await app.waitIdle();
  expect(tl.fork(41, ids.get("A")!, 0).ok).toBe(true);
  await expectPanesAt(app, tl, 42);
  await expect(app.lastEvent).toHaveText(/^A: /);
  await shot(page, testInfo, "after two forks");

  // The trace after the forks is the engine's: same length, same lanes.
  expect((await app.position()).total).toBe(tl.total);
  await app.press("End");
  await expectPanesAt(app, tl, tl.total);
});

test("clicking a finding jumps to its step and marks its slabs and objects", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const picker = page.getByRole("combobox", { name: "scenario" });
  await picker.selectOption("library:r1-put-cpu-partial-stale-page");
  await app.waitIdle();
  const { buggy: tl } = raceTimelines("r1-put-cpu-partial-stale-page");
  const marks = tl.summary().findings;
  expect(marks.length).toBeGreaterThan(0);

  await app.press("End");
  const last = tl.frame(tl.total);
  const first = last.findings[0]!;
  const button = app.findings.getByTestId("finding-0");
  await expect(button).toContainText(first.code);
  await expect(button).toContainText(first.message);
  await button.click();
  await app.waitIdle();
  await expectPanesAt(app, tl, marks[0]!.cursor);
  const per = tl.session.scenario.cache.objects;
  const names = [
    ...first.slabs.map((p) => `P${p}`),
    ...first.objects.map((o) => `P${Math.floor(o / per)}#${o % per}`),
  ];
  const marked = page.getByTestId("findings-marked");
  for (const n of names) await expect(marked).toContainText(n);
  // The state view draws the marks: a slab's card (or, for a page that is no longer a slab,
  // the chips that still name it) and the objects' slots.
  for (const p of first.slabs) {
    const card = page.getByTestId(`slab-${p}`).and(page.locator(".hl"));
    const chip = page.locator(".chip.page.hl", {
      hasText: new RegExp(`^P${p}\\b`),
    });
    await expect(card.or(chip).first()).toBeVisible();
  }
  for (const o of first.objects) {
    const card = page.getByTestId(`slab-${Math.floor(o / per)}`);
    if ((await card.count()) === 0) continue;
    expect((await card.getAttribute("data-hl-slots"))!.split(" ")).toContain(
      String(o % per),
    );
  }
  // The code pane shows the line that raised it, marked, inside its box.
  if (first.actor) {
    const box = page.getByTestId(`actor-${first.actor}-code`);
    const line = box.locator("li.finding");
    const elsewhere = page.locator(
      `[data-testid="actor-${first.actor}-ran"].finding`,
    );
    await expect(line.or(elsewhere)).toHaveCount(1);
    if ((await line.count()) === 1) await expectInBox(line, box);
  }
  await shot(page, testInfo, "the first finding of R1, marked");
});

test("the code pane marks the line that ran and the next one in view, links locals to the state and lines to their source", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  await app.clickLane(64);
  await app.press("ArrowRight");
  await expectPanesAt(app, tl, 65);

  // The IRQ stepped twice in slab_alloc_node: both lines marked, both in view.
  const box = page.getByTestId("actor-irq-code");
  const next = page.getByTestId("actor-irq-line");
  const ran = box.locator("li[data-ran]");
  await expect(next).toContainText("▶ next");
  await expect(ran).toContainText("✓ ran at step 64");
  await expectInBox(next, box);
  await expectInBox(ran, box);
  // A is deep in ___slab_alloc: its box has scrolled to its next line.
  const aBox = page.getByTestId("actor-A-code");
  await expectInBox(page.getByTestId("actor-A-line"), aBox);
  expect(await aBox.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(
    true,
  );

  // A's `page` local names its cpu slab: hovering lights the slab up in the state view.
  const a = tl.frame(65).code.find((x) => x.name === "A")!;
  const local = a.locals.find((l) => l.name === "page")!;
  expect(local.value.kind).toBe("page");
  const id = (local.value as { page: number }).page;
  const chip = page
    .getByTestId("actor-A-local-page")
    .getByRole("button", { name: `P${id}` });
  const slab = page.getByTestId(`slab-${id}`);
  await expect(slab).not.toHaveClass(/\bhl\b/);
  await chip.hover();
  await expect(slab).toHaveClass(/\bhl\b/);
  await shot(page, testInfo, "A's page local lights up its slab");
  await page.getByTestId("step-counter").hover();
  await expect(slab).not.toHaveClass(/\bhl\b/);
  // Clicking marks it, as a finding's slabs are marked.
  await chip.click();
  await expect(slab).toHaveClass(/\bhl\b/);
  await expect(page.getByTestId("findings-marked")).toContainText(`P${id}`);

  // The function links to its definition in a source browser at the modelled tag.
  await expect(page.getByTestId("actor-A-src")).toHaveAttribute(
    "href",
    "https://elixir.bootlin.com/linux/v5.15/C/ident/___slab_alloc",
  );

  // Stepping on: the marks follow, and stay in view.
  await app.press("ArrowRight");
  await expectPanesAt(app, tl, 66);
  await expectInBox(page.getByTestId("actor-irq-line"), box);
});

test("? opens the keyboard help made from the command registry", async ({
  page,
}, testInfo) => {
  const app = new AppPage(page);
  await app.goto();
  await app.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  for (const t of [
    "One micro-step forward",
    "Next step where a finding shows up",
    "Compare mode: the same schedule on the fixed kernel, side by side",
    "Show the keyboard shortcuts",
  ])
    await expect(help).toContainText(t);
  await expect(help.getByRole("button", { name: "Close" })).toBeFocused();
  await shot(page, testInfo, "the help overlay");
  // The shortcuts wait while it is open, and the focus stays in it.
  await app.press("ArrowRight");
  await app.expectStep(0);
  await app.press("Tab");
  await expect(help.getByRole("button", { name: "Close" })).toBeFocused();
  await app.press("Escape");
  await expect(help).toHaveCount(0);
  // The shortcuts still work after it closes.
  await app.press("ArrowRight");
  await app.expectStep(1);
});

test("the narration marks seek to their steps and tell that step's story", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  const { buggy: tl } = raceTimelines("r1-put-cpu-partial-stale-page");
  const story = tl.session.scenario.narration!;
  const marks = page
    .getByTestId("story-row")
    .getByRole("list", { name: "narration" })
    .getByRole("button");
  await expect(marks).toHaveCount(story.length);
  const n = story[Math.min(2, story.length - 1)]!;
  await marks.nth(Math.min(2, story.length - 1)).click();
  await app.waitIdle();
  await expectPanesAt(app, tl, n.step);
  await expect(page.locator(".narration")).toHaveText(
    tl.frame(n.step).narration!,
  );
});

test("at 1024 px wide nothing needs sideways scrolling, compare mode included", async ({
  page,
}, testInfo) => {
  await page.setViewportSize({ width: 1024, height: 768 });
  const app = new AppPage(page);
  await app.goto();
  await app.clickLane(64);
  const overflow = () =>
    page.evaluate(() => {
      // Runs in the page; this file is type-checked without the DOM library.
      const g = globalThis as unknown as {
        innerWidth: number;
        document: { documentElement: { scrollWidth: number } };
      };
      return g.document.documentElement.scrollWidth - g.innerWidth;
    });
  expect(await overflow()).toBeLessThanOrEqual(0);
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  await app.press("c");
  await app.press(".");
  await expect(page.getByTestId("compare")).toBeVisible();
  expect(await overflow()).toBeLessThanOrEqual(0);
  await shot(page, testInfo, "compare mode at 1024 px");
});

test("number keys let the n-th actor step next; + and - change the speed", async ({
  page,
}) => {
  const app = new AppPage(page);
  await app.goto();
  const tl = timelineOf(defaultScenario);
  await app.clickLane(40);
  const choices = tl.frame(40).enabled;
  expect(choices.length).toBeGreaterThan(1);
  const second = choices[1]!;
  await app.press("2");
  expect(tl.fork(40, second.actor, second.cpu).ok).toBe(true);
  await expectPanesAt(app, tl, 41);
  await expect(app.lastEvent).toHaveText(new RegExp(`^${second.name}: `));

  const speed = page.getByLabel("speed");
  await expect(speed).toHaveValue("10");
  await app.press("+");
  await expect(speed).toHaveValue("30");
  await app.press("-");
  await app.press("-");
  await expect(speed).toHaveValue("2");
});
