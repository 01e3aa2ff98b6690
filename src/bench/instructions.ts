/**
 * Instructions per micro-step and per explored schedule, counted by valgrind (`npx tsx
 * src/bench/instructions.ts [--engine 5] [--explore 2] [--only engine|explore]`; needs
 * `valgrind`, not part of `npm run bench`).
 *
 * Why: on a shared machine the benchmarks' rates move by a third or more for seconds at a time
 * (see the engine bench), so a change of a few percent cannot be seen in them, even in paired
 * runs. The number of instructions a fixed piece of work executes does not depend on the
 * machine's load: with the work bundled into one file (esbuild, which tsx and vite bring) and
 * V8 on one thread (`--single-threaded`: compilation and garbage collection at the same points
 * in every run), two runs agree to within a few thousandths of a percent. Instructions are not
 * time (cache misses and mispredicted branches are not counted), but a change that takes
 * instructions out of the hot path shows here run after run.
 *
 * Each figure is (instructions of warm-up + counted work) - (instructions of warm-up alone),
 * over the micro-steps or schedules of the counted work (./instructionWork.ts). The two runs go
 * in parallel, one per core.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

interface Esbuild {
  buildSync(o: Record<string, unknown>): unknown;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The instructions of one run of the bundled work, and what it printed as done. */
function counted(
  bundle: string,
  kind: string,
  n: number,
): Promise<{ instructions: number; done: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      "valgrind",
      [
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        process.execPath,
        "--single-threaded",
        bundle,
        kind,
        String(n),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.stderr.on("data", (d: Buffer) => (err += d.toString()));
    p.on("close", (code) => {
      const refs = /I\s+refs:\s+([\d,]+)/.exec(err);
      const done = /done (\d+)/.exec(out);
      if (code !== 0 || !refs || !done)
        reject(
          new Error(`valgrind run of ${kind} ${n} failed: ${err.slice(-400)}`),
        );
      else
        resolve({
          instructions: Number(refs[1]!.replaceAll(",", "")),
          done: Number(done[1]),
        });
    });
  });
}

async function perUnit(
  bundle: string,
  kind: string,
  n: number,
): Promise<{ units: number; each: number; total: number }> {
  const [base, full] = await Promise.all([
    counted(bundle, kind, 0),
    counted(bundle, kind, n),
  ]);
  const total = full.instructions - base.instructions;
  return { units: full.done, each: total / full.done, total };
}

if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error(
    "valgrind was not found: install it (on Debian, apt-get install valgrind) to count instructions",
  );
  process.exit(1);
}
const esbuild = createRequire(import.meta.url)("esbuild") as Esbuild;
const dir = mkdtempSync(join(tmpdir(), "slabscope-instructions-"));
const bundle = join(dir, "work.mjs");
try {
  esbuild.buildSync({
    entryPoints: [
      fileURLToPath(new URL("./instructionWork.ts", import.meta.url)),
    ],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile: bundle,
    logLevel: "warning",
  });
  const only = arg("--only");
  if (only !== "explore") {
    const sessions = Number(arg("--engine") ?? "5");
    const r = await perUnit(bundle, "engine", sessions);
    console.log(
      `engine (busy scenario, 4 cpus, checks on, ${sessions} sessions): ${r.units} micro-steps, ${Math.round(r.each)} instructions each (${(r.total / 1e9).toFixed(3)} G)`,
    );
  }
  if (only !== "engine") {
    const bound = Number(arg("--explore") ?? "2");
    const r = await perUnit(bundle, "explore", bound);
    console.log(
      `explorer (R1 on its fixed kernel, bound ${bound}, one thread): ${r.units} schedules, ${Math.round(r.each)} instructions each (${(r.total / 1e9).toFixed(3)} G)`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
