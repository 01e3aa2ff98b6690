/**
 * Shrinking a schedule the search found, and writing it out as a scenario.
 *
 * A schedule is a list of segments (`name*N`: N steps of one actor in a row). Shrinking tries,
 * greedily and until nothing improves: deleting a segment, moving a segment's steps into the
 * previous or the next segment of the same actor (which removes a context switch), and
 * shortening a segment. Each candidate is replayed by the engine's own runner (`runSession`,
 * scripted, `rest: "stop"`) from the prepared initial state; it is kept when it still produces a
 * finding with the same code and the run up to that finding has fewer context switches, or as
 * many and fewer steps. The kept schedule is always the one the replay actually ran (entries
 * the engine skipped are gone), cut at the finding's step.
 */
import {
  runSession,
  start,
  type Finding,
  type FindingCode,
  type Scenario,
  type StepEvent,
} from "../engine";
import type { PathStep, Prepared } from "./search";
import { copyState } from "./state";

export interface Segment {
  actor: string;
  /** The CPU named in the entry (`name@C`): only for a migration. */
  cpu: number | null;
  n: number;
}

export interface Replay {
  finding: Finding | null;
  /** The steps the run took, up to and including the finding's step. */
  segments: Segment[];
}

export function entryOf(s: Segment): string {
  return `${s.actor}${s.cpu === null ? "" : `@${s.cpu}`}${s.n > 1 ? `*${s.n}` : ""}`;
}

export function stepsOf(segments: readonly Segment[]): string[] {
  return segments.map(entryOf);
}

/** A search path as segments. */
export function segmentsOf(p: Prepared, path: readonly PathStep[]): Segment[] {
  return compress(
    path.map((s) => ({
      actor: p.initial.actors[s.actor]!.name,
      cpu: s.via === "migrate" ? s.cpu : null,
    })),
  );
}

function compress(steps: { actor: string; cpu: number | null }[]): Segment[] {
  const out: Segment[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (last && last.actor === s.actor && last.cpu === s.cpu) last.n++;
    else out.push({ actor: s.actor, cpu: s.cpu, n: 1 });
  }
  return out;
}

export function switchCount(segments: readonly Segment[]): number {
  let n = 0;
  for (let i = 1; i < segments.length; i++)
    if (segments[i]!.actor !== segments[i - 1]!.actor) n++;
  return n;
}

export function stepCount(segments: readonly Segment[]): number {
  let n = 0;
  for (const s of segments) n += s.n;
  return n;
}

/** The scenario with this schedule (the run stops where the schedule ends). */
export function withSchedule(p: Prepared, steps: string[]): Scenario {
  return { ...p.scenario, schedule: { steps, rest: "stop" } };
}

/**
 * Replays a schedule from the prepared initial state (a copy of it) and returns the first
 * finding that counts, with the steps taken up to it.
 */
export function replay(
  p: Prepared,
  steps: string[],
  codes: readonly FindingCode[] | null,
  opts: { checks?: boolean; fresh?: boolean } = {},
): Replay {
  const scenario = withSchedule(p, steps);
  const checks = opts.checks ?? true;
  // `fresh`: build the session from the scenario alone, as the app and `run` do.
  const sess = opts.fresh
    ? start(scenario, { checks })
    : { scenario, variant: p.variant, machine: copyState(p.initial) };
  const taken: { actor: string; cpu: number | null }[] = [];
  const names = sess.machine.actors.map((a) => a.name);
  const r = runSession(sess, {
    checks,
    onStep: (ev: StepEvent) => {
      taken.push({
        actor: names[ev.actor]!,
        cpu: ev.via === "migrate" ? ev.cpu : null,
      });
    },
  });
  let finding: Finding | null = null;
  for (let i = p.initialFindings; i < r.findings.length; i++) {
    const f = r.findings[i]!;
    if (codes === null || codes.includes(f.code)) {
      finding = f;
      break;
    }
  }
  const upTo = finding ? Math.min(taken.length, finding.step + 1) : 0;
  return { finding, segments: compress(taken.slice(0, upTo)) };
}

const better = (a: readonly Segment[], b: readonly Segment[]): boolean => {
  const sa = switchCount(a);
  const sb = switchCount(b);
  return sa < sb || (sa === sb && stepCount(a) < stepCount(b));
};

function* candidates(s: readonly Segment[]): Generator<Segment[]> {
  const n = s.length;
  // Delete a segment.
  for (let i = n - 1; i >= 0; i--) yield [...s.slice(0, i), ...s.slice(i + 1)];
  // Move a segment into the previous / next segment of the same actor.
  for (let i = n - 1; i >= 0; i--) {
    const seg = s[i]!;
    for (let j = i - 1; j >= 0; j--)
      if (s[j]!.actor === seg.actor) {
        const c = s.map((x) => ({ ...x }));
        c[j]!.n += seg.n;
        c.splice(i, 1);
        yield c;
        break;
      }
    for (let j = i + 1; j < n; j++)
      if (s[j]!.actor === seg.actor) {
        const c = s.map((x) => ({ ...x }));
        c[j]!.n += seg.n;
        c.splice(i, 1);
        yield c;
        break;
      }
  }
  // Shorten a segment.
  for (let i = n - 1; i >= 0; i--) {
    const seg = s[i]!;
    const tries = new Set([Math.floor(seg.n / 2), seg.n - 1]);
    for (const k of tries) {
      if (k < 1 || k >= seg.n) continue;
      const c = s.map((x) => ({ ...x }));
      c[i]!.n = k;
      yield c;
    }
  }
}

export interface ShrinkResult {
  segments: Segment[];
  finding: Finding;
  /** Replays tried. */
  tries: number;
}

/**
 * Shrinks a schedule that produces a finding with `code` (fewest context switches, then fewest
 * steps), within `maxTries` replays. Returns null when the schedule does not replay to such a
 * finding at all.
 */
export function shrink(
  p: Prepared,
  segments: readonly Segment[],
  code: FindingCode,
  opts: { maxTries?: number; checks?: boolean } = {},
): ShrinkResult | null {
  const max = opts.maxTries ?? 2000;
  const codes = [code];
  const first = replay(p, stepsOf(segments), codes, opts);
  if (!first.finding) return null;
  let best = first.segments;
  let finding = first.finding;
  let tries = 1;
  let improved = true;
  while (improved && tries < max) {
    improved = false;
    for (const c of candidates(best)) {
      if (tries >= max) break;
      tries++;
      let r: Replay;
      try {
        r = replay(p, stepsOf(c), codes, opts);
      } catch {
        continue; // an engine error on a candidate: not a shrink
      }
      if (!r.finding || !better(r.segments, best)) continue;
      best = r.segments;
      finding = r.finding;
      improved = true;
      break;
    }
  }
  return { segments: best, finding, tries };
}
