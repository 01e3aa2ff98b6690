/**
 * Engine throughput: micro-steps per second of the busy scenario under random schedules, with
 * the after-step checks on and off. `npm run bench` reports it for 1, 2, 4 and 8 CPUs; run this
 * file alone (`npx tsx src/bench/engine.ts [--cpus 1,4,8] [--checks on|off] [--repeat 3]`) for
 * the engine part only, e.g. under `node --cpu-prof`.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { runSession, start, type Scenario } from "../engine";
import { machineProbe } from "./probe";
import { busyScenario } from "./scenarios";

/** One window: sessions of the busy scenario for at least `ms` ms; micro-steps per second. */
function window(
  sc: Scenario,
  checks: boolean,
  ms: number,
  seed: number,
): number {
  let steps = 0;
  let spent = 0;
  while (spent < ms) {
    const sess = start(sc, { checks });
    const t0 = performance.now();
    const r = runSession(sess, { checks, seed: seed++, maxSteps: 200_000 });
    spent += performance.now() - t0;
    steps += r.steps;
  }
  return (steps / spent) * 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[s.length >> 1]!);
}

export interface EngineRow {
  cpus: number;
  on: number;
  off: number;
}

export interface EngineBench {
  rows: EngineRow[];
  /**
   * The largest CPU count's rate over the smallest's, checks on, as the median of the rounds'
   * ratios: in each round the two windows run back to back (in alternating order), so that the
   * ratio compares the engine with itself under the same machine load.
   */
  scaling: { from: number; to: number; ratio: number; rounds: number[] } | null;
  /** The fixed workload's time in each round (./probe.ts): how fast the machine itself was. */
  probeMs: number[];
}

/**
 * Micro-steps per second of the busy scenario at each CPU count, checks on and off: the median
 * of `rounds` windows of at least 200 ms each, after a warm-up window of each. The windows of
 * every configuration are interleaved, round by round, so that a change in the machine's load
 * during the run (this is often a shared machine) weighs on every configuration alike rather
 * than on the ones measured at that moment; the scaling ratio is taken within each round. The
 * machine's own speed changes by a quarter or more for seconds at a time: 15 rounds spread the
 * windows over about half a minute, so that the medians stand for its usual speed.
 */
export function benchEngine(
  cpuCounts: readonly number[],
  rounds = 15,
  only: "on" | "off" | null = null,
): EngineBench {
  const modes = only === null ? [true, false] : [only === "on"];
  const configs = cpuCounts.flatMap((cpus) =>
    modes.map((checks) => ({ cpus, checks, sc: busyScenario(cpus, 60) })),
  );
  const ms = 200;
  for (const c of configs) window(c.sc, c.checks, ms, 1);
  const rates = configs.map(() => [] as number[]);
  // The scaling pair (smallest and largest CPU count, checks on) runs first in every round,
  // back to back; the other configurations follow.
  const lo = Math.min(...cpuCounts);
  const hi = Math.max(...cpuCounts);
  const at = (cpus: number, checks: boolean) =>
    configs.findIndex((c) => c.cpus === cpus && c.checks === checks);
  const pair =
    modes.includes(true) && lo !== hi ? [at(lo, true), at(hi, true)] : [];
  const rest = configs.map((_, i) => i).filter((i) => !pair.includes(i));
  const ratios: number[] = [];
  const probeMs: number[] = [];
  let seed = 1;
  for (let r = 0; r < rounds; r++) {
    probeMs.push(machineProbe(3));
    const order = [...(r % 2 === 0 ? pair : [...pair].reverse()), ...rest];
    for (const i of order) {
      const c = configs[i]!;
      rates[i]!.push(window(c.sc, c.checks, ms, seed));
      seed += 1000;
    }
    if (pair.length === 2)
      ratios.push(rates[pair[1]!]!.at(-1)! / rates[pair[0]!]!.at(-1)!);
  }
  const rows = cpuCounts.map((cpus) => {
    const rate = (checks: boolean) => {
      const i = at(cpus, checks);
      return i < 0 ? NaN : median(rates[i]!);
    };
    return { cpus, on: rate(true), off: rate(false) };
  });
  const sorted = [...ratios].sort((a, b) => a - b);
  const scaling =
    ratios.length === 0
      ? null
      : {
          from: lo,
          to: hi,
          ratio: Math.round(1000 * sorted[sorted.length >> 1]!) / 1000,
          rounds: ratios.map((x) => Math.round(1000 * x) / 1000),
        };
  return { rows, scaling, probeMs };
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
    const { rows, scaling, probeMs } = benchEngine(
      cpus,
      15,
      only === "on" || only === "off" ? only : null,
    );
    console.log(
      rows
        .map(
          (r) =>
            `${r.cpus} cpus: on ${Number.isNaN(r.on) ? "-" : r.on} off ${Number.isNaN(r.off) ? "-" : r.off}`,
        )
        .join("  |  ") +
        (scaling
          ? `  |  ${scaling.to} over ${scaling.from}: ${Math.round(100 * scaling.ratio)}%`
          : "") +
        `  |  probe ${probeMs.join(" ")} ms`,
    );
  }
}
