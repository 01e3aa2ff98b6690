/**
 * `explore <scenario>`: runs the race explorer (src/explore) in this thread or across worker
 * threads, and prints what it found. The initial state is prepared once, here, and handed to the
 * workers; this thread and the workers each explore a share of the tree (taking its subtrees as
 * they reach them), and this thread adds up their counts. They share one visited map
 * (src/explore/visited.ts `SharedVisited`): a state one of them explored is skipped by the
 * others.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  CLAIMED_SPLIT_DEPTH,
  claimsBuffer,
  emptyStats,
  explore,
  type ExploreOptions,
  type ExploreResult,
  type ExploreStats,
  type Prepared,
} from "../explore/search";
import { asResult, merge } from "../explore/merge";
import { SharedVisited } from "../explore/visited";
import type { WorkerInput, WorkerMessage } from "./exploreWorker";
import type { Scenario } from "../engine";
import { counterexample } from "../explore/report";
import { findingJson, findingLine, type CliResult } from "./cli";

/** The options of `explore` its output depends on. */
export interface OutputOptions {
  json: boolean;
  bound?: number;
  maxSteps?: number;
  checks: boolean;
}

export interface Timed {
  result: ExploreResult;
  workers: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of the whole process (every thread). */
  cpuSeconds: number;
  /**
   * Per worker: the schedules it ran and the wall-clock seconds of its search alone (its
   * thread's start-up and loading left out).
   */
  perWorker: { schedules: number; seconds: number }[];
}

export type SearchOptions = Omit<
  ExploreOptions,
  "onProgress" | "applyStep" | "split"
>;

export function defaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 16));
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The search in this thread. */
export function exploreHere(p: Prepared, o: SearchOptions): Timed {
  const t0 = performance.now();
  const c0 = cpuNow();
  const result = explore(p, o);
  const seconds = (performance.now() - t0) / 1000;
  return {
    result,
    workers: 1,
    seconds,
    cpuSeconds: cpuNow() - c0,
    perWorker: [{ schedules: result.stats.schedules, seconds }],
  };
}

function spawn(): Worker {
  const url = new URL(
    import.meta.url.endsWith(".ts")
      ? "./exploreWorker.ts"
      : "./exploreWorker.js",
    import.meta.url,
  );
  if (!url.pathname.endsWith(".ts")) return new Worker(url);
  // Run from the sources (tsx): the worker registers the TypeScript loader before it starts.
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true });
}

/**
 * Worker threads that finished a job and wait for the next: a later search in this process
 * (the bench runs several) reuses them, loaded and with their code compiled. An idle thread does
 * not keep the process alive.
 */
const idle: Worker[] = [];

/** A worker thread for a job: an idle one, or a new one. */
function takeWorker(): Worker {
  const w = idle.pop() ?? spawn();
  w.ref();
  return w;
}

/** A worker thread done with its job waits for the next one. */
function releaseWorker(w: Worker): void {
  w.removeAllListeners("message");
  w.removeAllListeners("error");
  w.unref();
  idle.push(w);
}

/**
 * The search across `workers` threads: this one and `workers - 1` worker threads, which share
 * the tree's subtrees (each takes the next one it reaches: a faster thread takes more) and one
 * table of the states explored; the first finding stops them all. This thread searches too,
 * from the start: it has no thread to start and no code to load, so short searches end about
 * as soon as in one thread.
 */
export async function exploreParallel(
  p: Prepared,
  o: SearchOptions,
  workers: number,
  onProgress?: (s: ExploreStats) => void,
): Promise<Timed> {
  if (workers <= 1) return exploreHere(p, o);
  const t0 = performance.now();
  const c0 = cpuNow();
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const visited = SharedVisited.buffer();
  const split = {
    count: workers,
    depth: CLAIMED_SPLIT_DEPTH,
    claims: claimsBuffer(o.bound ?? 3),
  };
  const latest: ExploreStats[] = [];
  const perWorker: Timed["perWorker"] = [];
  const maxPerWorker =
    o.maxSchedules === undefined
      ? undefined
      : Math.max(1, Math.ceil(o.maxSchedules / workers));
  const progress = () =>
    onProgress?.(
      merge(latest.filter((x) => x !== undefined).map(asResult)).stats,
    );
  const spawned: Worker[] = [];
  /** The threads whose job ended (given back, or failed). */
  const finished = new Set<Worker>();
  const threads = Array.from(
    { length: workers - 1 },
    (_, i) =>
      new Promise<ExploreResult>((resolve, reject) => {
        const index = i + 1;
        const w = takeWorker();
        w.postMessage({
          scenario: p.scenario,
          initial: p.initial,
          initialFindings: p.initialFindings,
          options: { ...o, maxSchedules: maxPerWorker, sharedVisited: visited },
          split: { ...split, index },
          stop,
        } satisfies WorkerInput);
        spawned.push(w);
        w.on("message", (msg: WorkerMessage) => {
          if (msg.kind === "progress") {
            latest[index] = msg.stats;
            progress();
            return;
          }
          latest[index] = msg.result.stats;
          perWorker[index] = {
            schedules: msg.result.stats.schedules,
            seconds: msg.searchSeconds,
          };
          finished.add(w);
          releaseWorker(w);
          resolve(msg.result);
        });
        w.on("error", (e) => {
          Atomics.store(flag, 0, 1);
          finished.add(w);
          reject(e);
        });
      }),
  );
  // Share 0, here. Its progress is the only one reported while it runs (the threads' messages
  // wait for it to end); it stops when a thread finds something.
  const here = performance.now();
  let mine: ExploreResult;
  try {
    mine = explore(p, {
      ...o,
      maxSchedules: maxPerWorker,
      sharedVisited: visited,
      split: { ...split, index: 0 },
      progressEvery: 64,
      onProgress: (stats) => {
        latest[0] = stats;
        progress();
        return Atomics.load(flag, 0) !== 0;
      },
    });
  } catch (e) {
    Atomics.store(flag, 0, 1);
    await Promise.allSettled(threads);
    throw e;
  }
  perWorker[0] = {
    schedules: mine.stats.schedules,
    seconds: (performance.now() - here) / 1000,
  };
  let results: ExploreResult[];
  if (mine.found) {
    // Found here: the threads (perhaps still starting) are stopped where they are, with the
    // counts they last reported (their final ones, for a thread whose job had ended).
    Atomics.store(flag, 0, 1);
    await Promise.all(
      spawned.filter((w) => !finished.has(w)).map((w) => w.terminate()),
    );
    results = [
      mine,
      ...spawned.map((_, i) => {
        const stats = latest[i + 1] ?? emptyStats();
        perWorker[i + 1] ??= { schedules: stats.schedules, seconds: 0 };
        return asResult(stats);
      }),
    ];
  } else results = [mine, ...(await Promise.all(threads))];
  return {
    result: merge(results),
    workers,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpuNow() - c0,
    perWorker,
  };
}

const rate = (n: number, seconds: number) =>
  seconds > 0 ? Math.round(n / seconds) : 0;

/**
 * What `explore` prints. Exit code 0 (a finding is a result), 1 when some schedule hit an
 * internal engine error: they are counted, the search goes on, and the summary is printed all
 * the same.
 */
export function exploreOutput(
  o: OutputOptions,
  s: Scenario,
  p: Prepared,
  t: Timed,
): CliResult {
  const r = t.result;
  const st = r.stats;
  const bound = o.bound ?? 3;
  const c = r.found ? counterexample(p, r.found, { checks: o.checks }) : null;
  const names = p.initial.actors.map((a) => a.name);
  const errorSchedule = (e: (typeof r.errors)[number]) =>
    e.path.map((x) => names[x.actor]!);
  const code = st.engineErrors > 0 ? 1 : 0;
  const stderr =
    st.engineErrors > 0
      ? `slabscope: ${st.engineErrors} of ${st.schedules} schedules hit an internal error (a bug in slabscope); first: ${r.errors[0]?.message ?? "?"}\n`
      : "";
  if (o.json) {
    const stdout = `${JSON.stringify({
      scenario: s.title,
      kernel: p.variant.name,
      bound,
      end: r.end,
      boundReached: st.bound,
      boundDone: st.boundDone,
      schedules: st.schedules,
      pruned: st.pruned,
      stepLimited: st.stepLimited,
      steps: st.steps,
      workers: t.workers,
      seconds: Number(t.seconds.toFixed(3)),
      schedulesPerSec: rate(st.schedules, t.seconds),
      schedulesPerCpuSec: rate(st.schedules, t.cpuSeconds),
      finding: c && findingJson(c.finding),
      foundAtBound: c?.bound ?? null,
      schedule: c?.steps ?? null,
      switches: c?.switches ?? null,
      scheduleSteps: c?.stepCount ?? null,
      foundSchedule: c?.foundSteps ?? null,
      replays: c?.replays ?? null,
      link: c ? `#${c.link}` : null,
      internalErrors: {
        count: st.engineErrors,
        first: r.errors.map((e) => ({
          schedule: scheduleText(errorSchedule(e)),
          message: e.message,
        })),
      },
    })}\n`;
    return { code, stdout, stderr };
  }
  const out = [
    `scenario  ${s.title}`,
    `kernel    ${p.variant.name}`,
    `explored  ${st.schedules} ${st.schedules === 1 ? "schedule" : "schedules"} (${st.pruned} cut at a state already explored), ${st.steps} steps in ${t.seconds.toFixed(2)} s: ${rate(st.schedules, t.seconds)} schedules/s, ${rate(st.schedules, t.cpuSeconds)} per CPU second (${t.workers} ${t.workers === 1 ? "worker" : "workers"})`,
  ];
  const done =
    st.boundDone < 0
      ? "no bound explored completely"
      : `bounds 0 to ${st.boundDone} explored completely`;
  if (c) {
    out.push(
      `bound     found at bound ${c.bound} (${done})`,
      `finding   ${findingLine(c.finding)}`,
      `schedule  ${c.steps.join(" ")}`,
      `          ${c.switches} context ${c.switches === 1 ? "switch" : "switches"}, ${c.stepCount} steps (as found: ${c.foundSwitches} switches; shrunk in ${c.shrinkTries} replays)`,
      `replays   ${c.replays ? `yes: the scenario with this schedule produces ${c.finding.code} at step ${c.finding.step}` : "no: the shrunk schedule did not replay to the finding (a bug in slabscope)"}`,
      `link      #${c.link}`,
    );
  } else if (r.end === "exhausted")
    out.push(`no finding within bound ${bound} (${st.schedules} schedules)`);
  else
    out.push(
      `no finding: stopped at ${r.end === "max-schedules" ? "the schedule limit" : "a request"} (${st.schedules} schedules) in bound ${st.bound}; ${done}`,
    );
  if (st.stepLimited > 0)
    out.push(
      `step limit ${st.stepLimited} schedules reached --max-steps (${o.maxSteps ?? 20_000})`,
    );
  if (st.engineErrors > 0) {
    out.push(
      `internal  ${st.engineErrors} ${st.engineErrors === 1 ? "schedule" : "schedules"} hit an internal error (a bug in slabscope); the search went on`,
    );
    for (const e of r.errors)
      out.push(`  ${scheduleText(errorSchedule(e))}: ${e.message}`);
  }
  return { code, stdout: `${out.join("\n")}\n`, stderr };
}

/** Step names as schedule entries (`name*N`). */
function scheduleText(names: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < names.length;) {
    let j = i;
    while (j < names.length && names[j] === names[i]) j++;
    out.push(j - i > 1 ? `${names[i]}*${j - i}` : names[i]!);
    i = j;
  }
  return out.join(" ");
}
