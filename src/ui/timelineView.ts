/**
 * The timeline's x-axis, without the DOM: which part of the trace is in view (zoom and pan), where
 * a cursor position lands in pixels, the step-number ticks, and what each lane shows at a step.
 *
 * Positions are cursors (0 to total): cursor c is the state after c micro-steps, and step c is
 * the micro-step that leads from cursor c - 1 to cursor c, drawn as the block between them. The
 * scrubber, the story row and every lane use these functions, so one step has one x everywhere.
 */
import type { TimelineSummary } from "../worker/protocol";
import { LANE, STEP_SPUN, type LaneStatus } from "../worker/panes";

/** The cursors in view: `start` at the left edge of the tracks, `end` at the right edge. */
export interface View {
  start: number;
  end: number;
}

/** The fewest steps the view can hold: at most zoom a step is a wide block with its number. */
export const MIN_SPAN = 8;

/** The whole axis: cursors 0 to total (at least one step wide, so an empty trace still draws). */
export function domain(total: number): number {
  return Math.max(total, 1);
}

export function fit(total: number): View {
  return { start: 0, end: domain(total) };
}

/** `v` made valid for a trace of `total` steps: inside the axis, no narrower than MIN_SPAN. */
export function clampView(v: View, total: number): View {
  const d = domain(total);
  const span = Math.min(d, Math.max(Math.min(MIN_SPAN, d), v.end - v.start));
  const start = Math.min(Math.max(0, v.start), d - span);
  return { start, end: start + span };
}

export function isZoomed(v: View, total: number): boolean {
  return v.end - v.start < domain(total) - 1e-9;
}

/** Zooms by `factor` (below 1 zooms in) keeping cursor position `at` under the same pixel. */
export function zoomAt(
  v: View,
  total: number,
  at: number,
  factor: number,
): View {
  const span = v.end - v.start;
  const next = Math.min(
    domain(total),
    Math.max(Math.min(MIN_SPAN, domain(total)), span * factor),
  );
  const k = span > 0 ? (at - v.start) / span : 0;
  const start = at - k * next;
  return clampView({ start, end: start + next }, total);
}

/** Moves the view by `delta` cursor positions (positive: later steps come into view). */
export function panBy(v: View, total: number, delta: number): View {
  return clampView({ start: v.start + delta, end: v.end + delta }, total);
}

/**
 * The view that shows `cursor`: unchanged when it is in view, else panned so that the cursor is
 * in view and, when both fit, so is `story` (the narration entry that explains the cursor).
 */
export function follow(
  v: View,
  total: number,
  cursor: number,
  story: number | null = null,
): View {
  if (cursor >= v.start && cursor <= v.end) return v;
  const span = v.end - v.start;
  let start = cursor - span / 2;
  if (story !== null && story <= cursor && cursor - story <= span * 0.9)
    start = Math.min(start, story - span * 0.05);
  return clampView({ start, end: start + span }, total);
}

/** The pixel of cursor position `pos` on a track `width` pixels wide. */
export function xOf(v: View, width: number, pos: number): number {
  return ((pos - v.start) / (v.end - v.start)) * width;
}

/** The cursor position (fractional) under pixel `x`. */
export function posOf(v: View, width: number, x: number): number {
  return v.start + (x / Math.max(width, 1)) * (v.end - v.start);
}

/** The cursor a click at pixel `x` seeks to: the nearest, inside the trace. */
export function cursorAt(
  v: View,
  width: number,
  x: number,
  total: number,
): number {
  return Math.max(0, Math.min(total, Math.round(posOf(v, width, x))));
}

/** The step (1 to total) whose block is under pixel `x`, or null outside the trace. */
export function stepAt(
  v: View,
  width: number,
  x: number,
  total: number,
): number | null {
  const p = posOf(v, width, x);
  if (total === 0 || p < 0 || p >= total) return null;
  return Math.floor(p) + 1;
}

/**
 * Step-number ticks: every `every` cursors (1, 2 or 5 times a power of ten), so that labels sit
 * at least `minPx` apart.
 */
export function ticks(
  v: View,
  width: number,
  total: number,
  minPx = 56,
): { every: number; at: number[] } {
  const perPx = (v.end - v.start) / Math.max(width, 1);
  let every = 1;
  for (let p = 1; ; p *= 10) {
    const e = [1, 2, 5].map((k) => k * p).find((k) => k / perPx >= minPx);
    if (e !== undefined) {
      every = e;
      break;
    }
    if (p > 1e9) break;
  }
  const at: number[] = [];
  const end = Math.min(total, Math.floor(v.end));
  for (let c = Math.ceil(v.start / every) * every; c <= end; c += every)
    at.push(c);
  return { every, at };
}

/** Which status wins when several steps share a pixel: a step taken beats a spin, and so on. */
const RANK: Record<number, number> = {
  [LANE.idle]: 0,
  [LANE.ran]: 5,
  [LANE.spun]: 4,
  [LANE.blocked]: 3,
  [LANE.preempted]: 2,
  [LANE.onCpu]: 1,
};

/**
 * What `actor` did at step index `j` (0-based: the step leading to cursor j + 1). Exact for the
 * steps it took; in a folded trace its other statuses are the column's.
 */
export function statusAt(
  s: TimelineSummary,
  actor: number,
  j: number,
): LaneStatus {
  const h = s.history;
  if (s.actorOfStep[j] === actor)
    return (h.steps[j]! & STEP_SPUN) !== 0 ? LANE.spun : LANE.ran;
  const folded = h.columns < s.total;
  const col = folded ? Math.floor((j * h.columns) / Math.max(s.total, 1)) : j;
  const st = (h.lanes[actor * h.columns + col] ?? 0) as LaneStatus;
  // In a folded column "ran" may be another step's: between its own steps it is on its CPU.
  if (folded && (st === LANE.ran || st === LANE.spun)) return LANE.onCpu;
  return st;
}

export interface Run {
  /** Cursor positions: the run covers the blocks of steps from + 1 to `to`. */
  from: number;
  to: number;
  status: LaneStatus;
}

/**
 * One lane in view as runs of equal status, at most one per pixel: each pixel keeps the most
 * telling status of its steps (scanning at most `scan` steps a pixel; beyond that, in a folded
 * trace, the folded columns). Work is bounded by the width, not by the trace's length.
 */
export function laneRuns(
  s: TimelineSummary,
  actor: number,
  v: View,
  width: number,
  scan = 64,
): Run[] {
  const total = s.total;
  const runs: Run[] = [];
  const push = (from: number, to: number, st: LaneStatus) => {
    if (st === LANE.idle || to <= from) return;
    const last = runs[runs.length - 1];
    if (last && last.status === st && last.to === from) last.to = to;
    else runs.push({ from, to, status: st });
  };
  const first = Math.max(0, Math.floor(v.start));
  const last = Math.min(total, Math.ceil(v.end));
  const perPx = (v.end - v.start) / Math.max(width, 1);
  if (perPx <= 1) {
    for (let j = first; j < last; j++) push(j, j + 1, statusAt(s, actor, j));
    return runs;
  }
  const h = s.history;
  const folded = h.columns < total;
  const px = Math.ceil(width);
  for (let p = 0; p < px; p++) {
    const a = Math.max(first, Math.floor(v.start + p * perPx));
    const b = Math.min(last, Math.floor(v.start + (p + 1) * perPx));
    if (b <= a) continue;
    let best: LaneStatus = LANE.idle;
    if (b - a <= scan || !folded) {
      for (let j = a; j < b && best !== LANE.ran; j++) {
        const st = statusAt(s, actor, j);
        if (RANK[st]! > RANK[best]!) best = st;
      }
    } else {
      const c0 = Math.floor((a * h.columns) / total);
      const c1 = Math.max(c0 + 1, Math.floor((b * h.columns) / total));
      for (let c = c0; c < c1 && c < h.columns; c++) {
        const st = h.lanes[actor * h.columns + c] as LaneStatus;
        if (RANK[st]! > RANK[best]!) best = st;
      }
    }
    push(a, b, best);
  }
  return runs;
}

/** The entries of the ascending `marks` inside the view (binary search: marks may be many). */
export function inView(marks: readonly number[], v: View): number[] {
  let lo = 0;
  let hi = marks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid]! < v.start) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < marks.length && marks[i]! <= v.end; i++)
    out.push(marks[i]!);
  return out;
}

/** The function and kernel line of step index `j` (0-based), as the trace history names them. */
export function siteOf(
  s: TimelineSummary,
  j: number,
): { fn: string; line: string } | null {
  const v = s.history.steps[j];
  if (v === undefined) return null;
  return s.history.sites[v & ~STEP_SPUN] ?? null;
}
