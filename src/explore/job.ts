/**
 * One explorer job as a worker runs it (the app's Web Workers, src/worker/explore.worker.ts):
 * a request in, progress messages and one final message out. The app stops a job by terminating
 * its worker, so the search needs no stop flag here.
 */
import type { FindingCode, Scenario } from "../engine";
import { counterexample } from "./report";
import {
  explore,
  prepare,
  type ExploreOptions,
  type ExploreResult,
  type ExploreStats,
} from "./search";

export interface ExploreRequest {
  scenario: Scenario;
  bound: number;
  codes: FindingCode[] | null;
  maxSchedules?: number;
  /** This worker's share of the tree, when several explore it (search.ts `split`). */
  split?: ExploreOptions["split"];
  /** A visited map shared with the other workers (search.ts `sharedVisited`). */
  sharedVisited?: ExploreOptions["sharedVisited"];
}

/** What the panel needs of a counterexample (plain data). */
export interface FoundSchedule {
  code: FindingCode;
  message: string;
  step: number;
  actor: string | null;
  bound: number;
  steps: string[];
  switches: number;
  stepCount: number;
  replays: boolean;
  /** The scenario with the schedule, its cursor just after the finding. */
  scenario: Scenario;
}

export type ExploreMessage =
  | { kind: "progress"; stats: ExploreStats }
  | {
      kind: "done";
      result: Omit<ExploreResult, "found">;
      found: FoundSchedule | null;
    }
  | { kind: "failed"; message: string };

/** Runs the job, posting progress every `every` schedules and the result at the end. */
export function runJob(
  req: ExploreRequest,
  post: (m: ExploreMessage) => void,
  every = 256,
): void {
  let p;
  try {
    p = prepare(req.scenario);
  } catch (e) {
    post({
      kind: "failed",
      message: e instanceof Error ? e.message : String(e),
    });
    return;
  }
  const r = explore(p, {
    bound: req.bound,
    codes: req.codes,
    maxSchedules: req.maxSchedules,
    split: req.split,
    sharedVisited: req.sharedVisited,
    progressEvery: every,
    onProgress: (stats) => post({ kind: "progress", stats: { ...stats } }),
  });
  let found: FoundSchedule | null = null;
  if (r.found) {
    const c = counterexample(p, r.found);
    found = {
      code: c.finding.code,
      message: c.finding.message,
      step: c.finding.step,
      actor: c.finding.actor,
      bound: c.bound,
      steps: c.steps,
      switches: c.switches,
      stepCount: c.stepCount,
      replays: c.replays,
      scenario: c.scenario,
    };
  }
  post({
    kind: "done",
    result: { stats: r.stats, end: r.end, errors: r.errors },
    found,
  });
}
