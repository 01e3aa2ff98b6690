/** Adding up the results of several searches that shared out one tree (split). */
import { emptyStats, type ExploreResult, type ExploreStats } from "./search";

/** Adds up the workers' results. */
export function merge(results: ExploreResult[]): ExploreResult {
  // boundDone is the least any worker finished.
  const stats: ExploreStats = {
    ...emptyStats(),
    boundDone: Number.POSITIVE_INFINITY,
  };
  for (const r of results) {
    const s = r.stats;
    stats.schedules += s.schedules;
    stats.pruned += s.pruned;
    stats.stepLimited += s.stepLimited;
    stats.steps += s.steps;
    stats.copies += s.copies;
    stats.engineErrors += s.engineErrors;
    stats.bound = Math.max(stats.bound, s.bound);
    stats.boundDone = Math.min(stats.boundDone, s.boundDone);
  }
  if (results.length === 0) stats.boundDone = -1;
  let found: ExploreResult["found"] = null;
  for (const r of results)
    if (r.found && (found === null || r.found.bound < found.bound))
      found = r.found;
  const ends = results.map((r) => r.end);
  const end: ExploreResult["end"] = found
    ? "found"
    : ends.includes("max-schedules")
      ? "max-schedules"
      : ends.includes("stopped")
        ? "stopped"
        : "exhausted";
  return {
    stats,
    found,
    end,
    errors: results.flatMap((r) => r.errors).slice(0, 5),
  };
}

/** A worker's progress counts as a result (for adding up while the search runs). */
export const asResult = (stats: ExploreStats): ExploreResult => ({
  stats,
  found: null,
  end: "stopped",
  errors: [],
});
