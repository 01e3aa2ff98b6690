/**
 * From a search result to what the user gets: the found schedule shrunk, written out as a
 * scenario schedule (`name*N` entries, `rest: "stop"`), checked by replaying the scenario from
 * scratch as the app and `run` would, and a share link that opens it at the finding.
 */
import type { Finding, FindingCode, Scenario } from "../engine";
import { encodeShare } from "../share/codec";
import type { ExploreFinding, Prepared } from "./search";
import {
  replay,
  segmentsOf,
  shrink,
  stepCount,
  stepsOf,
  switchCount,
  withSchedule,
} from "./shrink";

export interface Counterexample {
  finding: Finding;
  /** The bound at which the search found it. */
  bound: number;
  /** The shrunk schedule: `schedule.steps` of `scenario`. */
  steps: string[];
  switches: number;
  stepCount: number;
  /** The schedule as the search found it, before shrinking. */
  foundSteps: string[];
  foundSwitches: number;
  /** The scenario with the shrunk schedule, its cursor on the step after the finding. */
  scenario: Scenario;
  /** Share-link fragment (`s=1....`) of `scenario`, at the finding. */
  link: string;
  /** A fresh replay of `scenario` produced the same finding code. */
  replays: boolean;
  shrinkTries: number;
}

/** Shrinks a found schedule and writes it out. */
export function counterexample(
  p: Prepared,
  found: ExploreFinding,
  opts: { checks?: boolean; maxTries?: number } = {},
): Counterexample {
  const raw = segmentsOf(p, found.path);
  const code: FindingCode = found.finding.code;
  const shrunk = shrink(p, raw, code, opts);
  const segments = shrunk?.segments ?? raw;
  const steps = stepsOf(segments);
  const check = replay(p, steps, [code], { ...opts, fresh: true });
  const finding = check.finding ?? shrunk?.finding ?? found.finding;
  const scenario: Scenario = {
    ...withSchedule(p, steps),
    cursor: finding.step + 1,
  };
  return {
    finding,
    bound: found.bound,
    steps,
    switches: switchCount(segments),
    stepCount: stepCount(segments),
    foundSteps: stepsOf(raw),
    foundSwitches: switchCount(raw),
    scenario,
    link: encodeShare({ scenario, view: { cursor: finding.step + 1 } }),
    replays: check.finding !== null,
    shrinkTries: shrunk?.tries ?? 0,
  };
}
