/**
 * Benchmarks: `npm run bench` prints a table; `npm run bench -- --json` prints one JSON object.
 * Engine throughput: micro-steps per second with the after-step checks on and off, for a busy
 * scenario at 1, 2, 4 and 8 CPUs (each CPU runs two tasks allocating and freeing, plus an IRQ).
 * Timeline: seek time, frame size and trace memory (./timeline.ts).
 * Render: one frame of the state view in Chromium, and the app's gzipped JavaScript
 * (./render.ts); `--no-render` leaves it out.
 * Explorer: schedules per second and time-to-find (./explore.ts); `--no-explore` leaves it out.
 * It runs in a process of its own, as the CLI's `explore` does: one worker searches in the
 * process's own thread, and here the engine's compiled code has by then run every library
 * scenario on every kernel (the timeline part), which makes it general and slower; the
 * explorer would be measured on that code instead of its own.
 */
import { benchEngine } from "./engine";
import { benchShare, SHARE_ORIGIN } from "./share";
import { benchRender, type RenderBench } from "./render";
import { benchTimeline } from "./timeline";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { printExplore, type ExploreBench } from "./explore";

/** The explorer's part, in a child process (see above): ./explore.ts --json. */
function benchExploreApart(): ExploreBench {
  const script = fileURLToPath(new URL("./explore.ts", import.meta.url));
  const out = execFileSync(
    process.execPath,
    [...process.execArgv, script, "--json"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return JSON.parse(out.trim().split("\n").at(-1)!) as ExploreBench;
}

const json = process.argv.includes("--json");
const { rows, scaling, probeMs } = benchEngine([1, 2, 4, 8]);
const four = rows.find((r) => r.cpus === 4)!;
const tl = await benchTimeline();
const share = benchShare();
let rb: RenderBench | null = null;
let rbError: string | null = null;
if (!process.argv.includes("--no-render")) {
  try {
    rb = await benchRender();
  } catch (e) {
    rbError = e instanceof Error ? e.message : String(e);
  }
}
const ex: ExploreBench | null = process.argv.includes("--no-explore")
  ? null
  : benchExploreApart();
const renderSkipped = rbError ?? rb?.skipped ?? (rb ? null : "--no-render");
if (json) {
  const out: Record<string, unknown> = {
    "engine.stepsPerSecChecksOn": four.on,
    "engine.stepsPerSecChecksOff": four.off,
    "engine.byCpus": rows,
    "engine.scaling": scaling,
    "engine.probeMs": probeMs,
    "timeline.seekP95Ms": tl.seekP95Ms,
    "timeline.frameBytesMax": tl.frameBytesMax,
    "timeline.traceMB": tl.traceMB,
    "timeline.detail": tl,
    "share.maxUrlChars": share.maxUrlChars,
    "share.detail": share,
    "render.frameMsP95": rb?.render?.frameMsP95 ?? null,
    "render.frameCpuMsMean": rb?.render?.frameCpuMsMean ?? null,
    "render.playbackMsP95": rb?.render?.playbackMsP95 ?? null,
    "render.playbackStepsPerSec": rb?.render?.playbackStepsPerSec ?? null,
    "render.detail": rb?.render ?? null,
    "render.skipped": renderSkipped,
    "bundle.jsGzKB": rb?.jsGzKB ?? null,
    "bundle.entryGzKB": rb?.entryGzKB ?? null,
    "bundle.loadedGzKB": rb?.loadedGzKB ?? null,
    "explore.r1SchedulesPerSec1": ex?.throughput[0]?.schedulesPerSec ?? null,
    "explore.r1SchedulesPerCpuSec1":
      ex?.throughput[0]?.schedulesPerCpuSec ?? null,
    "explore.r1SchedulesPerSecAll":
      ex?.throughput.at(-1)?.schedulesPerSec ?? null,
    "explore.r1SchedulesPerCpuSecAll":
      ex?.throughput.at(-1)?.schedulesPerCpuSec ?? null,
    "explore.findSecondsMax": ex
      ? Math.max(...ex.find.map((f) => (f.code ? f.seconds : Infinity)))
      : null,
    "explore.detail": ex,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  console.log(
    "engine micro-steps per second (v5.15, random schedule, busy scenario)",
  );
  console.log("cpus  checks on   checks off");
  for (const r of rows)
    console.log(
      `${String(r.cpus).padStart(4)}  ${String(r.on).padStart(9)}  ${String(r.off).padStart(11)}`,
    );
  const one = rows.find((r) => r.cpus === 1)!;
  const eight = rows.find((r) => r.cpus === 8)!;
  const ratio = scaling?.ratio ?? eight.on / one.on;
  console.log(
    `8 cpus over 1 cpu, checks on: ${Math.round(100 * ratio)}% (median of the rounds' ratios, each of two windows run back to back: ${scaling?.rounds.map((x) => `${Math.round(100 * x)}%`).join(" ") ?? "n/a"}); ${Math.round((100 * eight.on) / one.on)}% from the medians above`,
  );
  const sortedProbe = [...probeMs].sort((a, b) => a - b);
  console.log(
    `machine probe (a fixed workload, ./probe.ts; lower is faster) in each round: ${probeMs.join(" ")} ms, median ${sortedProbe[sortedProbe.length >> 1]} ms`,
  );
  console.log(
    `budget: >= 1000000 with checks on at 4 cpus: ${four.on >= 1_000_000 ? "met" : "NOT met"}; 8 cpus within 25% of 1 cpu (checks on): ${ratio >= 0.75 ? "met" : "NOT met"} (${Math.round(100 * ratio)}%)`,
  );
  console.log("");
  console.log(
    `timeline (${tl.traceSteps} steps, keyframes every ${tl.keyframeEvery}, built in ${tl.buildMs} ms, summary with lanes in ${tl.summaryMs} ms)`,
  );
  console.log(
    `seek p50 ${tl.seekP50Ms} ms  p95 ${tl.seekP95Ms} ms  max ${tl.seekMaxMs} ms  (budget p95 <= 16 ms: ${tl.seekP95Ms <= 16 ? "met" : "NOT met"})`,
  );
  console.log(
    `largest frame ${tl.frameBytesMax} bytes (budget <= 65536: ${tl.frameBytesMax <= 65536 ? "met" : "NOT met"})`,
  );
  for (const s of tl.frameBytesByScenario)
    console.log(
      `  ${String(s.maxBytes).padStart(6)}  ${s.title} (${s.steps} steps)`,
    );
  console.log(
    `trace memory ${tl.traceMB ?? "n/a"} MB (${tl.traceMBNote}); keyframes and step arrays ${tl.traceOwnMB} MB`,
  );
  console.log("");
  const longest = share.byScenario.reduce((a, b) =>
    b.urlChars > a.urlChars ? b : a,
  );
  console.log(
    `share links of the library: longest ${share.maxUrlChars} characters (${longest.id}), as ${SHARE_ORIGIN}#s=1... (budget <= 2000: ${share.maxUrlChars <= 2000 ? "met" : "NOT met"})`,
  );
  if (rb)
    console.log(
      `bundle: loaded with a module worker ${rb.loadedGzKB} KB gzipped (entry ${rb.entryGzKB} KB + worker; budget <= 250 KB: ${rb.loadedGzKB <= 250 ? "met" : "NOT met"}); all chunks, with the in-thread fallback ${rb.jsGzKB} KB`,
    );
  if (rb?.render) {
    const r = rb.render;
    console.log(
      `render (${r.size}, ${r.frames} frames, Chromium ${r.chromium}, load average ${r.loadAvg} on ${r.cores} cores)`,
    );
    console.log(
      `every slab changed: p50 ${r.frameMsP50} ms  p95 ${r.frameMsP95} ms, of which style and layout p95 ${r.layoutMsP95} ms (budget p95 <= 16 ms: ${r.frameMsP95 <= 16 ? "met" : "NOT met"}); main-thread CPU ${r.frameCpuMsMean} ms per frame`,
    );
    console.log(
      `playback (two slabs change per frame): p95 ${r.playbackMsP95} ms, main-thread CPU ${r.playbackCpuMsMean} ms per frame; animation-frame interval p95 ${r.rafIntervalMsP95} ms`,
    );
    console.log(
      `the app playing R1 at 120 steps/s shows ${r.playbackStepsPerSec} steps/s`,
    );
  } else console.log(`render: skipped (${renderSkipped})`);
  if (ex) {
    console.log("");
    printExplore(ex);
  }
}
