/**
 * The history of one object or slab page up to a cursor: the steps that moved it, and where to.
 * Computed in the worker by replaying the trace from its start, so it costs one pass over the
 * steps (fine for the library's traces of a few thousand steps; the hover asks once per target).
 */
import { fmtObj, type Machine } from "../engine";
import {
  describePage,
  describeSlot,
  placeOfObject,
  placeOfPage,
} from "./places";
import type { Timeline } from "./timeline";

/** What to follow: an object (by its global object number) or a page (by its id). */
export interface HistoryRef {
  kind: "object" | "slab";
  id: number;
}

/** A step that moved the target: the cursor after it, who took it, the line, the new place. */
export interface HistoryEntry {
  step: number;
  actor: string | null;
  fn: string;
  line: string;
  place: string;
}

export interface HistoryReply {
  ref: HistoryRef;
  /** `P3#1` or `P3`. */
  label: string;
  /** Oldest first; entry 0 with `step` 0 is where the target was when the trace starts. */
  entries: HistoryEntry[];
  /** Earlier moves left out (only the last HISTORY_MAX are kept). */
  omitted: number;
}

export const HISTORY_MAX = 40;

function placeText(m: Machine, ref: HistoryRef): string {
  if (ref.kind === "slab") {
    const p = m.pages[ref.id];
    const place = describePage(placeOfPage(m, ref.id));
    if (!p || p.use !== "slab") return place;
    return `${place}, ${p.frozen ? "frozen" : "not frozen"}`;
  }
  const page = m.pages[Math.floor(ref.id / m.cache.objects)];
  if (!page || page.use !== "slab")
    return `its page is ${page?.use === "pagecache" ? "reused" : "free"}`;
  return describeSlot(placeOfObject(m, ref.id), page.id);
}

/**
 * Whole-trace histories by target, for one trace: a hover at another cursor only filters. The
 * owner makes a new one whenever the trace changes (load, fork, undo).
 */
export type HistoryCache = Map<string, HistoryEntry[]>;

/** Every move of `ref` over the whole trace, uncapped. */
function fullHistory(tl: Timeline, ref: HistoryRef): HistoryEntry[] {
  const m0 = tl.initial();
  const entries: HistoryEntry[] = [
    { step: 0, actor: null, fn: "", line: "", place: placeText(m0, ref) },
  ];
  let last = entries[0]!.place;
  tl.replay(tl.total, (m, ev) => {
    const place = placeText(m, ref);
    if (place === last) return;
    last = place;
    entries.push({
      step: ev.step + 1,
      actor: m.actors[ev.actor]?.name ?? null,
      fn: ev.fn,
      line: ev.line,
      place,
    });
  });
  return entries;
}

export function historyOf(
  tl: Timeline,
  ref: HistoryRef,
  upTo: number,
  cache: HistoryCache = new Map(),
): HistoryReply {
  const key = `${ref.kind}:${ref.id}`;
  let all = cache.get(key);
  if (!all) {
    all = fullHistory(tl, ref);
    cache.set(key, all);
  }
  const label =
    ref.kind === "slab" ? `P${ref.id}` : fmtObj(tl.initial(), ref.id);
  const upToHere = all.filter((e) => e.step <= upTo);
  // Keep where it started and the latest moves.
  const omitted = Math.max(0, upToHere.length - HISTORY_MAX);
  const entries =
    omitted > 0 ? [upToHere[0]!, ...upToHere.slice(omitted + 1)] : upToHere;
  return { ref, label, entries, omitted };
}
