/**
 * The render budget, measured in Chromium: builds the app into a scratch directory, reports the
 * gzipped size of its JavaScript, serves it with `vite preview` and opens `?bench=render`
 * (src/ui/state/renderBench.tsx), which renders 4 CPUs × 64 slabs × 16 objects frame after
 * frame. Chromium is found as the end-to-end tests find it (CHROMIUM_PATH, /usr/bin/chromium,
 * Playwright's own build); without one the render part is skipped, with the reason.
 *
 * The preview port is E2E_PORT when set, else a random high port.
 */
import { chromium } from "@playwright/test";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BenchApi, BenchPhase } from "../ui/state/syntheticFrame";

const root = fileURLToPath(new URL("../..", import.meta.url));
const outDir = join(root, "node_modules/.tmp/bench-dist");

export interface RenderBench {
  /** Gzipped JavaScript of the built app (all chunks and the worker), in KB. */
  jsGzKB: number;
  /**
   * What a browser with module workers loads to run the app: the entry chunk and the engine
   * worker, gzipped, in KB. The in-thread fallback (a second copy of the engine, fetched only
   * when the worker cannot start) and the render benchmark page are not part of it.
   */
  loadedGzKB: number;
  /** The entry chunk alone (what the first paint waits for), gzipped, in KB. */
  entryGzKB: number;
  /** Null when the render part was skipped. */
  render: {
    frameMsP95: number;
    frameMsP50: number;
    /**
     * Main-thread CPU time per frame (mean, every slab changing; includes the wait for the next
     * animation frame's paint work): independent of other load on the machine.
     */
    frameCpuMsMean: number;
    /** The style and layout part of frameMs (p95). */
    layoutMsP95: number;
    playbackCpuMsMean: number;
    playbackMsP95: number;
    rafIntervalMsP95: number;
    /**
     * The real app playing a library race at 120 steps/s (the fastest speed): the steps the
     * workspace actually showed per second, worker round trips and rendering included.
     */
    playbackStepsPerSec: number;
    frames: number;
    size: string;
    chromium: string;
    /** The machine's 1-minute load average and cores while it ran: wall times stretch with load. */
    loadAvg: number;
    cores: number;
  } | null;
  skipped: string | null;
}

export function p(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

function findChromium(): string | null {
  const env = process.env.CHROMIUM_PATH;
  if (env) return existsSync(env) ? env : null;
  const candidates = ["/usr/bin/chromium"];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // No download location for this platform.
  }
  return candidates.find((c) => existsSync(c)) ?? null;
}

function bundleSizes(): {
  jsGzKB: number;
  loadedGzKB: number;
  entryGzKB: number;
} {
  const assets = join(outDir, "assets");
  let all = 0;
  let worker = 0;
  for (const f of readdirSync(assets))
    if (f.endsWith(".js")) {
      const gz = gzipSync(readFileSync(join(assets, f))).length;
      all += gz;
      if (f.startsWith("engine.worker")) worker += gz;
    }
  const html = readFileSync(join(outDir, "index.html"), "utf8");
  const entry = /src="\/assets\/([^"]+\.js)"/.exec(html)?.[1];
  const entryGz = entry
    ? gzipSync(readFileSync(join(assets, entry))).length
    : 0;
  return {
    jsGzKB: round(all / 1024),
    loadedGzKB: round((entryGz + worker) / 1024),
    entryGzKB: round(entryGz / 1024),
  };
}

async function waitForServer(url: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > until) throw new Error(`${url} did not answer`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function benchRender(): Promise<RenderBench> {
  const build = spawnSync(
    "npx",
    [
      "vite",
      "build",
      "--outDir",
      outDir,
      "--emptyOutDir",
      "--logLevel",
      "error",
    ],
    { cwd: root, encoding: "utf8" },
  );
  if (build.status !== 0)
    throw new Error(`vite build failed:\n${build.stderr}${build.stdout}`);
  const sizes = bundleSizes();
  const exe = findChromium();
  if (!exe)
    return {
      ...sizes,
      render: null,
      skipped:
        "no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, npx playwright install chromium)",
    };
  const port = Number(
    process.env.E2E_PORT ?? 20_000 + Math.floor(Math.random() * 20_000),
  );
  const server = spawn(
    "npx",
    [
      "vite",
      "preview",
      "--outDir",
      outDir,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
    ],
    { cwd: root, stdio: "ignore", detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  const asRoot = process.platform === "linux" && process.getuid?.() === 0;
  try {
    await waitForServer(base, 30_000);
    const browser = await chromium.launch({
      executablePath: exe,
      args: asRoot ? ["--no-sandbox", "--disable-gpu"] : [],
    });
    try {
      const page = await browser.newPage({
        viewport: { width: 1280, height: 800 },
      });
      await page.goto(`${base}/?bench=render`);
      await page.waitForFunction(() => "__slabscopeBench" in globalThis, null, {
        timeout: 60_000,
      });
      // The main thread's CPU time around each phase: unlike wall time, it does not stretch
      // when other processes share the cores.
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      const threadTime = async () => {
        const { metrics } = await cdp.send("Performance.getMetrics");
        return (
          (metrics.find((m) => m.name === "ThreadTime")?.value ?? NaN) * 1000
        );
      };
      const run = async (phase: BenchPhase) => {
        const t0 = await threadTime();
        const ms = await page.evaluate(
          (ph) =>
            (
              globalThis as unknown as { __slabscopeBench: BenchApi }
            ).__slabscopeBench.run(ph),
          phase,
        );
        return { ms, cpuMsPerFrame: ((await threadTime()) - t0) / ms.length };
      };
      await run("warmUp");
      const all = await run("allChanged");
      const layout = await run("layout");
      const playback = await run("playback");
      const rafs = await run("rafInterval");
      const size = await page.evaluate(
        () =>
          (globalThis as unknown as { __slabscopeBench: BenchApi })
            .__slabscopeBench.size,
      );
      const playbackStepsPerSec = await measurePlayback(browser, base);
      return {
        ...sizes,
        skipped: null,
        render: {
          frameMsP95: round(p(all.ms, 0.95)),
          frameMsP50: round(p(all.ms, 0.5)),
          frameCpuMsMean: round(all.cpuMsPerFrame),
          layoutMsP95: round(p(layout.ms, 0.95)),
          playbackMsP95: round(p(playback.ms, 0.95)),
          playbackCpuMsMean: round(playback.cpuMsPerFrame),
          rafIntervalMsP95: round(p(rafs.ms, 0.95)),
          playbackStepsPerSec: round(playbackStepsPerSec),
          frames: all.ms.length,
          size: `${size.cpus} cpus × ${size.slabs} slabs × ${size.objects} objects`,
          chromium: browser.version(),
          loadAvg: round(loadavg()[0]!),
          cores: availableParallelism(),
        },
      };
    } finally {
      await browser.close();
    }
  } finally {
    // The preview server and its children: its own process group.
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  }
}

/**
 * Opens the app on a long library race at 1440x900, sets the speed to 120 steps/s, plays from
 * step 0 to the end and answers the steps shown per second of wall time.
 */
async function measurePlayback(
  browser: import("@playwright/test").Browser,
  base: string,
): Promise<number> {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 900 },
  });
  try {
    const idle = () =>
      page.waitForFunction(
        () =>
          (
            globalThis as { __slabscopeIdle?: () => boolean }
          ).__slabscopeIdle?.() === true,
        null,
        { timeout: 60_000 },
      );
    // tsx names inner functions through a `__name` helper that the page does not have.
    await page.addInitScript("globalThis.__name = (f) => f;");
    await page.goto(`${base}/`);
    await idle();
    await page
      .getByRole("combobox", { name: "scenario" })
      .selectOption("library:r1-put-cpu-partial-stale-page");
    await idle();
    await page.getByLabel("speed").selectOption("120");
    // Watches the step counter on every animation frame until the trace's end is shown.
    const watch = page.evaluate(
      () =>
        new Promise<{ steps: number; ms: number }>((resolve) => {
          const doc = (
            globalThis as unknown as {
              document: {
                querySelector(s: string): { textContent: string | null } | null;
              };
            }
          ).document;
          const read = () => {
            const m = /step (\d+) \/ (\d+)/.exec(
              doc.querySelector('[data-testid="step-counter"]')?.textContent ??
                "",
            );
            return m ? { step: Number(m[1]), total: Number(m[2]) } : null;
          };
          let t0: number | null = null;
          let s0 = 0;
          const frame = () => {
            const r = read();
            if (r && t0 === null && r.step > 0) {
              t0 = performance.now();
              s0 = r.step;
            }
            if (r && t0 !== null && r.step >= r.total)
              return resolve({
                steps: r.step - s0,
                ms: performance.now() - t0,
              });
            requestAnimationFrame(frame);
          };
          requestAnimationFrame(frame);
        }),
    );
    await page.keyboard.press(" ");
    const { steps, ms } = await watch;
    return (steps * 1000) / ms;
  } finally {
    await page.close();
  }
}
