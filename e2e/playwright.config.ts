import { chromium, defineConfig, devices } from "@playwright/test";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
/** E2E_PORT lets two checkouts run their end-to-end tests side by side. */
const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;
const isCI = Boolean(process.env.CI);

/**
 * Which Chromium to drive, in order: CHROMIUM_PATH (must exist; no silent fallback),
 * Debian's /usr/bin/chromium, Playwright's own download. Always a full Chromium by path, so
 * headless mode is the same whichever is found.
 */
function resolveChromium(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(
        `CHROMIUM_PATH=${fromEnv} does not exist. Point it at a Chromium binary.`,
      );
    }
    return fromEnv;
  }
  const candidates = ["/usr/bin/chromium"];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // This Playwright has no download location for this platform.
  }
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    [
      "No Chromium found for the end-to-end tests. Looked at:",
      ...candidates.map((path) => `  ${path}`),
      "Fix one of:",
      "  apt-get update && apt-get install -y --no-install-recommends chromium   (Debian; gives /usr/bin/chromium)",
      "  CHROMIUM_PATH=<chromium binary> npm run test:e2e                        (any Chromium or Chrome binary)",
      "  npx playwright install chromium                                         (Playwright's own build, where downloads work)",
    ].join("\n"),
  );
}

const runningAsRoot = process.platform === "linux" && process.getuid?.() === 0;

export default defineConfig({
  testDir: ".",
  testMatch: "**/*.spec.ts",
  outputDir: "test-results",
  fullyParallel: true,
  forbidOnly: isCI,
  retries: 0,
  workers: isCI ? 2 : undefined,
  // Tests wait on the idle signal, never on time; the per-test limit only catches a hang. The
  // longest specs replay several scenarios and take ~20 s on a busy 2-core machine.
  timeout: 60_000,
  reporter: [
    ["list"],
    ["json", { outputFile: `${root}/node_modules/.tmp/e2e-results.json` }],
    // Outside e2e/: the report's trace viewer is JavaScript that `tsc -b` would type-check.
    [
      "html",
      {
        outputFolder: `${root}/node_modules/.tmp/playwright-report`,
        open: "never",
      },
    ],
  ],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: resolveChromium(),
          // Chromium's sandbox cannot run as root; the rest keeps a headless run quiet and offline.
          args: runningAsRoot
            ? [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
              ]
            : [],
        },
      },
    },
  ],
  webServer: {
    command: `npm run build && npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    cwd: root,
    url: baseURL,
    reuseExistingServer: !isCI,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
