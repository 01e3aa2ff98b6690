import { expect, test, type Page } from "@playwright/test";
import { AppPage } from "./fixtures/app-page";

/**
 * The built app carries a strict Content-Security-Policy (vite.config.ts) and works under it:
 * the engine worker starts, scenarios open, drawers and exports work, and nothing is blocked.
 */

/** Collects every CSP violation the page reports, from before its first script. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (globalThis as { __cspViolations?: string[] }).__cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`),
    );
  });
  return () =>
    page.evaluate(
      () => (globalThis as { __cspViolations?: string[] }).__cspViolations!,
    );
}

const policyOf = (page: Page) =>
  page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute("content");

test("the built app ships a strict policy and runs under it without a violation", async ({
  page,
}) => {
  const violations = await watchViolations(page);
  const app = new AppPage(page);
  await app.goto();
  const policy = (await policyOf(page))!;
  const directives = new Map(
    policy.split(";").map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name!, values] as const;
    }),
  );
  expect(directives.get("default-src")).toEqual(["'self'"]);
  expect(directives.get("script-src")).toEqual(["'self'"]);
  expect(directives.get("worker-src")).toEqual(["'self'"]);
  expect(directives.get("style-src")).toEqual(["'self'"]);
  expect(directives.get("object-src")).toEqual(["'none'"]);
  expect(directives.get("base-uri")).toEqual(["'none'"]);
  expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|\*/);

  // The engine runs in its worker, not in the fallback a blocked worker would leave.
  await expect(app.engineStatus).toHaveText(
    /^engine v\d+ — answered by worker$/,
  );
  await app.openLibrary("r1-put-cpu-partial-stale-page");
  await app.press("End");
  await expect(app.findings).toContainText("uaf-slab");
  for (const drawer of ["details", "stats", "editor", "share"] as const) {
    await app.openDrawer(drawer);
    await app.waitIdle();
  }
  // The image exports: a data: URL drawn on a canvas, downloads through blob: URLs.
  for (const kind of ["SVG", "PNG"]) {
    const download = page.waitForEvent("download");
    await app.click(`Export ${kind}`);
    expect((await download).suggestedFilename()).toMatch(
      new RegExp(`\\.${kind.toLowerCase()}$`),
    );
  }
  expect(await violations()).toEqual([]);
});

test("the policy is enforced: script injected into the page does not run", async ({
  page,
}) => {
  const violations = await watchViolations(page);
  const app = new AppPage(page);
  await app.goto();
  const ran = await page.evaluate(() => {
    const w = globalThis as { __injected?: boolean };
    const s = document.createElement("script");
    s.textContent = "globalThis.__injected = true";
    document.body.append(s);
    const img = document.createElement("img");
    img.setAttribute("src", "x");
    img.setAttribute("onerror", "globalThis.__injected = true");
    document.body.append(img);
    return new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(w.__injected === true), 200),
    );
  });
  expect(ran).toBe(false);
  expect(await violations()).toContainEqual(
    expect.stringMatching(/^script-src-(elem|attr) blocked inline$/),
  );
});
