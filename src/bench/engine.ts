/**
 * Engine throughput: micro-steps per second of the busy scenario under random schedules, with
 * the after-step checks on and off. `npm run bench` reports it for 1, 2, 4 and 8 CPUs; run this
 * file alone (`npx tsx src/bench/engine.ts [--cpus 1,4,8] [--repeat 3]`) for the engine part
 * only, e.g. under `node --cpu-prof`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { runSession, start } from "../engine";
import { busyScenario } from "./scenarios";

/**
 * Micro-steps per second: the median of five windows of at least 250 ms each (after a warm-up
 * run), so that one noisy window does not decide the number.
 */
export function measureEngine(cpus: number, checks: boolean): number {
  const sc = busyScenario(cpus, 60);
  runSession(start(sc, { checks }), { checks, seed: 1 });
  const rates: number[] = [];
  let seed = 1;
  for (let w = 0; w < 5; w++) {
    let steps = 0;
    let ms = 0;
    while (ms < 250) {
      const sess = start(sc, { checks });
      const t0 = performance.now();
      const r = runSession(sess, { checks, seed: seed++, maxSteps: 200_000 });
      ms += performance.now() - t0;
      steps += r.steps;
    }
    rates.push((steps / ms) * 1000);
  }
  rates.sort((a, b) => a - b);
  return Math.round(rates[2]!);
}

export interface EngineRow {
  cpus: number;
  on: number;
  off: number;
}

export function benchEngine(cpuCounts: readonly number[]): EngineRow[] {
  return cpuCounts.map((cpus) => ({
    cpus,
    on: measureEngine(cpus, true),
    off: measureEngine(cpus, false),
  }));
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const cpus = (arg("--cpus") ?? "1,2,4,8").split(",").map(Number);
  const repeat = Number(arg("--repeat") ?? "1");
  const only = arg("--checks");
  for (let i = 0; i < repeat; i++) {
    const line: string[] = [];
    for (const c of cpus) {
      const on = only === "off" ? null : measureEngine(c, true);
      const off = only === "on" ? null : measureEngine(c, false);
      line.push(`${c} cpus: on ${on ?? "-"} off ${off ?? "-"}`);
    }
    console.log(line.join("  |  "));
  }
}
