/**
 * Timeline benchmarks, on the worker's own code run in Node:
 * - seek: the frame at a random step of a 100,000-step trace (restore the keyframe, replay,
 *   build the view, the diff and the enabled choices), p95 over many seeks;
 * - frame size: the largest frame (JSON length) of every library scenario, of the default
 *   scenario, and of a large busy scenario (sampled);
 * - memory: the heap a 100,000-step trace holds, measured after garbage collection.
 */
import { readdirSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Scenario } from "../engine";
import { defaultScenario } from "../scenarios/library/default";
import { KEYFRAME_EVERY, Timeline } from "../worker/timeline";
import { busyScenario } from "./scenarios";

export interface TimelineBench {
  seekP95Ms: number;
  seekP50Ms: number;
  seekMaxMs: number;
  frameBytesMax: number;
  frameBytesByScenario: { title: string; steps: number; maxBytes: number }[];
  traceMB: number | null;
  traceMBNote: string;
  /** Keyframe text and step arrays of the same trace, counted by the timeline itself. */
  traceOwnMB: number;
  buildMs: number;
  /** The scrubber's summary with the lanes and counter series: one more replay of the trace. */
  summaryMs: number;
  traceSteps: number;
  keyframeEvery: number;
}

const TRACE_STEPS = 100_000;

/** Deterministic sample points (a small LCG: the bench has no reason to vary run to run). */
function sampler(seed: number) {
  let x = seed >>> 0;
  return (n: number) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

/** A scenario large enough for a 100,000-step trace: 4 CPUs, twelve actors. */
export function longScenario(): Scenario {
  return busyScenario(4, 400);
}

function getGc(): (() => void) | null {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return null;
  }
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Every scenario exported by a file of the library (scenarios, library entries, or lists of them). */
async function libraryScenarios(): Promise<Scenario[]> {
  const dir = fileURLToPath(new URL("../scenarios/library/", import.meta.url));
  const out: Scenario[] = [];
  const add = (x: unknown) => {
    if (Array.isArray(x)) return x.forEach(add);
    if (!x || typeof x !== "object") return;
    const o = x as {
      format?: unknown;
      scenario?: Scenario;
      fixed?: Partial<Scenario["kernel"]>;
    };
    if (o.format === "slabscope/scenario") out.push(o as Scenario);
    else if (o.scenario?.format === "slabscope/scenario") {
      out.push(o.scenario);
      // A race entry also runs on the kernel that fixes it.
      if (o.fixed)
        out.push({
          ...o.scenario,
          title: `${o.scenario.title} (fixed kernel)`,
          kernel: { ...o.scenario.kernel, ...o.fixed },
        });
    }
  };
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    const mod = (await import(pathToFileURL(dir + f).href)) as Record<
      string,
      unknown
    >;
    Object.values(mod).forEach(add);
  }
  // The index re-exports the entries: keep one of each (by title and kernel).
  const seen = new Set<string>();
  return out.filter((s) => {
    const key = JSON.stringify([s.title, s.kernel]);
    return !seen.has(key) && seen.add(key);
  });
}

function maxFrameBytes(tl: Timeline, samples: number | null): number {
  let max = 0;
  const at = (i: number) => {
    max = Math.max(max, JSON.stringify(tl.frame(i)).length);
  };
  if (samples === null || tl.total + 1 <= samples)
    for (let i = 0; i <= tl.total; i++) at(i);
  else {
    const pick = sampler(7);
    for (let k = 0; k < samples; k++) at(pick(tl.total + 1));
    at(tl.total);
  }
  return max;
}

export async function benchTimeline(): Promise<TimelineBench> {
  const gc = getGc();
  const sc = longScenario();

  // Warm up first (as traceMemory.ts does): the timeline's compiled code and its feedback are
  // not trace memory, and this is the first timeline the bench builds.
  new Timeline(sc, { maxSteps: 5_000 });
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const tl = new Timeline(sc, { maxSteps: TRACE_STEPS });
  const buildMs = performance.now() - t0;
  gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  if (tl.total < TRACE_STEPS)
    throw new Error(`the long scenario stopped at ${tl.total} steps`);
  const t1 = performance.now();
  tl.summary();
  const summaryMs = performance.now() - t1;

  // Warm up, then time seeks to random steps.
  const pick = sampler(1);
  for (let k = 0; k < 50; k++) tl.frame(pick(tl.total + 1));
  const times: number[] = [];
  for (let k = 0; k < 1000; k++) {
    const i = pick(tl.total + 1);
    const s = performance.now();
    tl.frame(i);
    times.push(performance.now() - s);
  }

  const sizes: TimelineBench["frameBytesByScenario"] = [];
  const measureSize = (s: Scenario, samples: number | null) => {
    const t = new Timeline(s);
    sizes.push({
      title: s.title,
      steps: t.total,
      maxBytes: maxFrameBytes(t, samples),
    });
  };
  const library = await libraryScenarios();
  if (!library.includes(defaultScenario)) library.unshift(defaultScenario);
  for (const s of library) measureSize(s, null);
  // The large busy scenario: 8 CPUs, 24 actors, 64 pages; sampled, it is long.
  measureSize(busyScenario(8, 40), 2000);

  return {
    seekP95Ms: round(percentile(times, 95)),
    seekP50Ms: round(percentile(times, 50)),
    seekMaxMs: round(Math.max(...times)),
    frameBytesMax: Math.max(...sizes.map((s) => s.maxBytes)),
    frameBytesByScenario: sizes,
    traceMB: gc ? round((heap1 - heap0) / 2 ** 20, 1) : null,
    traceMBNote: gc
      ? "heap used after GC, before and after building the trace"
      : "unavailable: garbage collection could not be exposed (run node with --expose-gc)",
    traceOwnMB: round(tl.bytes() / 2 ** 20, 1),
    buildMs: Math.round(buildMs),
    summaryMs: Math.round(summaryMs),
    traceSteps: tl.total,
    keyframeEvery: KEYFRAME_EVERY,
  };
}
