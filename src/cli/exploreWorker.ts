/**
 * A worker thread of `explore --workers W`: for each job it is sent, explores its share of the
 * search tree (see src/explore/search.ts, `split`) from the initial state the main thread
 * prepared, posts its progress now and then, and stops when the shared stop flag is raised (by
 * a search that found something, or by the main thread); it raises the flag itself when it
 * finds something. The thread then waits for another job (cli/explore.ts keeps it).
 */
import { parentPort } from "node:worker_threads";
import {
  explore,
  prepareFrom,
  type ExploreOptions,
  type ExploreResult,
  type ExploreStats,
} from "../explore/search";
import type { Machine, Scenario } from "../engine";

export interface WorkerInput {
  scenario: Scenario;
  initial: Machine;
  initialFindings: number;
  options: Omit<ExploreOptions, "onProgress" | "applyStep" | "split">;
  split: NonNullable<ExploreOptions["split"]>;
  /** Int32Array over it: [0] != 0 asks every worker to stop. */
  stop: SharedArrayBuffer;
}

export type WorkerMessage =
  | { kind: "progress"; stats: ExploreStats }
  | {
      kind: "done";
      result: ExploreResult;
      /** Wall-clock seconds of the search itself (the thread's start-up left out). */
      searchSeconds: number;
    };

/** Runs one job and posts its result; the thread then waits for the next job. */
function run(input: WorkerInput): void {
  const stop = new Int32Array(input.stop);
  const p = prepareFrom(input.scenario, input.initial, input.initialFindings);
  let lastPost = 0;
  const t0 = performance.now();
  const result = explore(p, {
    ...input.options,
    split: input.split,
    progressEvery: 64,
    onProgress: (stats) => {
      const now = performance.now();
      if (now - lastPost >= 100) {
        lastPost = now;
        parentPort!.postMessage({
          kind: "progress",
          stats,
        } satisfies WorkerMessage);
      }
      return Atomics.load(stop, 0) !== 0;
    },
  });
  // The first finding stops every search at once (the main thread may be searching too).
  if (result.found) Atomics.store(stop, 0, 1);
  parentPort!.postMessage({
    kind: "done",
    result,
    searchSeconds: (performance.now() - t0) / 1000,
  } satisfies WorkerMessage);
}

parentPort!.on("message", run);
