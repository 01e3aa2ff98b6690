/**
 * `explore <scenario>`: runs the race explorer (src/explore) in this thread or across worker
 * threads, and prints what it found. The initial state is prepared once, here, and handed to the
 * workers; each explores its share of the tree and the main thread adds up their counts.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  explore,
  type ExploreOptions,
  type ExploreResult,
  type ExploreStats,
  type Prepared,
} from "../explore/search";
import { asResult, merge } from "../explore/merge";
import type { WorkerInput, WorkerMessage } from "./exploreWorker";

export interface Timed {
  result: ExploreResult;
  workers: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of the whole process (every thread). */
  cpuSeconds: number;
}

export type SearchOptions = Omit<
  ExploreOptions,
  "onProgress" | "applyStep" | "split"
>;

/** The subtrees below this many branch points are shared out among the workers. */
export const SPLIT_DEPTH = 3;

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
  return {
    result,
    workers: 1,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpuNow() - c0,
  };
}

function spawn(input: WorkerInput): Worker {
  const url = new URL(
    import.meta.url.endsWith(".ts")
      ? "./exploreWorker.ts"
      : "./exploreWorker.js",
    import.meta.url,
  );
  if (!url.pathname.endsWith(".ts"))
    return new Worker(url, { workerData: input });
  // Run from the sources (tsx): the worker registers the TypeScript loader before it starts.
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { eval: true, workerData: input });
}

/** The search across `workers` threads; stops them all at the first finding. */
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
  const latest: ExploreStats[] = [];
  const perWorker =
    o.maxSchedules === undefined
      ? undefined
      : Math.max(1, Math.ceil(o.maxSchedules / workers));
  const results = await Promise.all(
    Array.from(
      { length: workers },
      (_, index) =>
        new Promise<ExploreResult>((resolve, reject) => {
          const w = spawn({
            scenario: p.scenario,
            initial: p.initial,
            initialFindings: p.initialFindings,
            options: { ...o, maxSchedules: perWorker },
            split: { index, count: workers, depth: SPLIT_DEPTH },
            stop,
          });
          w.on("message", (msg: WorkerMessage) => {
            if (msg.kind === "progress") {
              latest[index] = msg.stats;
              onProgress?.(
                merge(latest.filter((x) => x !== undefined).map(asResult))
                  .stats,
              );
              return;
            }
            if (msg.result.found) Atomics.store(flag, 0, 1);
            resolve(msg.result);
            void w.terminate();
          });
          w.on("error", (e) => {
            Atomics.store(flag, 0, 1);
            reject(e);
          });
        }),
    ),
  );
  return {
    result: merge(results),
    workers,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: cpuNow() - c0,
  };
}
