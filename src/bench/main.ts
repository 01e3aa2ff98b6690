/**
 * Benchmarks: `npm run bench` prints a table; `npm run bench -- --json` prints one JSON object.
 * Engine throughput: micro-steps per second with the after-step checks on and off, for a busy
 * scenario at 1, 2, 4 and 8 CPUs (each CPU runs two tasks allocating and freeing, plus an IRQ).
 */
import { performance } from "node:perf_hooks";
import {
  runSession,
  start,
  type Scenario,
  type ScenarioActor,
} from "../engine";

function busy(cpus: number, rounds: number): Scenario {
  const actors: ScenarioActor[] = [];
  for (let c = 0; c < cpus; c++) {
    for (const t of ["a", "b"]) {
      const slot = `${t}${c}`;
      const ops: ScenarioActor["ops"] = [];
      for (let i = 0; i < rounds; i++) {
        for (let j = 0; j < 6; j++) ops.push({ kind: "alloc", slot });
        // Free the other CPU's objects too: remote frees take the __slab_free paths.
        for (let j = 0; j < 6; j++)
          ops.push({
            kind: "free",
            slot: j % 2 === 0 ? slot : `${t}${(c + 1) % cpus}`,
          });
      }
      actors.push({ name: `${t}${c}`, kind: "task", cpu: c, ops });
    }
    actors.push({
      name: `irq${c}`,
      kind: "irq",
      cpu: c,
      ops: Array.from(
        { length: rounds },
        (_, i) => ({ kind: i % 2 ? "free" : "alloc", slot: `i${c}` }) as const,
      ),
    });
  }
  return {
    format: "slabscope/scenario",
    version: 1,
    title: `bench ${cpus} cpus`,
    kernel: {
      variant: "v5.15",
      cpus,
      pagePool: 64,
      fixes: ["tid-on-deactivation"],
    },
    cache: { objects: 8, cpuPartial: 16, minPartial: 2 },
    actors,
  };
}

function measure(cpus: number, checks: boolean): number {
  const sc = busy(cpus, 60);
  let steps = 0;
  let ms = 0;
  // Repeat until at least 400 ms have been measured, after one warm-up run.
  runSession(start(sc, { checks }), { checks, seed: 1 });
  while (ms < 400) {
    const sess = start(sc, { checks });
    const t0 = performance.now();
    const r = runSession(sess, { checks, seed: steps + 1, maxSteps: 200_000 });
    ms += performance.now() - t0;
    steps += r.steps;
  }
  return Math.round((steps / ms) * 1000);
}

const json = process.argv.includes("--json");
const rows: { cpus: number; on: number; off: number }[] = [];
for (const cpus of [1, 2, 4, 8])
  rows.push({ cpus, on: measure(cpus, true), off: measure(cpus, false) });
const four = rows.find((r) => r.cpus === 4)!;
if (json) {
  const out: Record<string, unknown> = {
    "engine.stepsPerSecChecksOn": four.on,
    "engine.stepsPerSecChecksOff": four.off,
    "engine.byCpus": rows,
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
  console.log(
    `budget: >= 200000 with checks on at 4 cpus: ${four.on >= 200_000 ? "met" : "NOT met"}`,
  );
}
