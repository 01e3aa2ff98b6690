/**
 * The SLUB_STATS counters (totals over the CPUs) at the cursor, each with a small step chart of
 * its value over the whole trace and the cursor on it. The series come from the worker with the
 * timeline summary; d3 does the scales and the step-shaped line.
 */
import { curveStepAfter, line, scaleLinear } from "d3";
import { memo, useMemo } from "react";
import { useAppStore } from "../store/react";
import type { StatSeries } from "../worker/protocol";
import { statAt } from "../worker/panes";

const W = 120;
const H = 22;

export function StatsPanel() {
  const summary = useAppStore((s) => s.timeline.summary);
  const cursor = useAppStore((s) => s.timeline.cursor);
  // The frame's own totals are exact; the series are folded in long traces.
  const exact = useAppStore((s) => s.timeline.frame?.stats);
  if (!summary) return null;
  const series = summary.history.stats;
  return (
    <section className="stats-panel" aria-label="SLUB_STATS counters">
      <h3>SLUB_STATS</h3>
      {series.length === 0 ? (
        <p>No counter moves in this trace.</p>
      ) : (
        <table data-testid="stats">
          <thead>
            <tr>
              <th scope="col">counter</th>
              <th scope="col">at the cursor</th>
              <th scope="col">over the trace</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => {
              const now = exact?.[s.name] ?? statAt(s, cursor);
              const changed = s.cursors.includes(cursor) && cursor > 0;
              return (
                <tr
                  key={s.name}
                  className={changed ? "changed" : undefined}
                  data-testid={`stat-${s.name}`}
                >
                  <th scope="row">
                    <code>{s.name}</code>
                  </th>
                  <td className="value">{now}</td>
                  <td>
                    <Spark series={s} total={summary.total} cursor={cursor} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

const Spark = memo(function Spark({
  series,
  total,
  cursor,
}: {
  series: StatSeries;
  total: number;
  cursor: number;
}) {
  const { path, x } = useMemo(() => {
    const max = Math.max(1, ...series.values);
    const x = scaleLinear()
      .domain([0, Math.max(total, 1)])
      .range([0, W]);
    const y = scaleLinear()
      .domain([0, max])
      .range([H - 2, 2]);
    const pts: [number, number][] = [[0, 0]];
    series.cursors.forEach((c, i) => pts.push([c, series.values[i]!]));
    pts.push([total, series.values.at(-1) ?? 0]);
    const path =
      line<[number, number]>()
        .x((p) => x(p[0]))
        .y((p) => y(p[1]))
        .curve(curveStepAfter)(pts) ?? "";
    return { path, x };
  }, [series, total]);
  return (
    <svg
      width={W}
      height={H}
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`${series.name} from 0 to ${series.values.at(-1) ?? 0}`}
    >
      <path d={path} fill="none" stroke="currentColor" strokeWidth={1.2} />
      <line className="cursor" x1={x(cursor)} x2={x(cursor)} y1={0} y2={H} />
    </svg>
  );
});
