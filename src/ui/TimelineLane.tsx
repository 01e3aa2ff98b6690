/**
 * The scrubber: one tick per step coloured by the actor that took it (steps share a tick when
 * there are more steps than ticks), markers for operation boundaries, findings and forks, and
 * the cursor. Click or drag to seek. d3 does the scales and colours; React owns the DOM.
 */
import { scaleLinear } from "d3";
import { memo, useMemo, type PointerEvent } from "react";
import { useAppStore, useSession } from "../store/react";
import type { TimelineSummary } from "../worker/protocol";
import { actorPalette } from "./palette";

const WIDTH = 1000;
const HEIGHT = 40;
const TICKS_MAX = 1000;

/** A colour per actor (colour-blind safe): the scenario's actors first, the kernel's own contexts (kworker, IPI) in greys. */
export function actorColours(summary: TimelineSummary): string[] {
  return actorPalette(summary.actors);
}

export function TimelineLane() {
  const session = useSession();
  const summary = useAppStore((s) => s.timeline.summary);
  const cursor = useAppStore((s) => s.timeline.cursor);
  const selected = useAppStore((s) => s.selection.actor);
  if (!summary) return null;
  const total = summary.total;

  const at = (e: PointerEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = Math.min(Math.max(e.clientX - box.left, 0), box.width);
    return Math.round((x / Math.max(box.width, 1)) * total);
  };
  const onDown = (e: PointerEvent<SVGSVGElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    session.pause();
    void session.seek(at(e));
  };
  const onMove = (e: PointerEvent<SVGSVGElement>) => {
    if ((e.buttons & 1) === 0) return;
    void session.seek(at(e));
  };
  const x = scaleLinear()
    .domain([0, Math.max(total, 1)])
    .range([0, WIDTH]);

  return (
    <div className="lane">
      <svg
        role="slider"
        aria-label="timeline"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={cursor}
        aria-valuetext={`step ${cursor} of ${total}`}
        tabIndex={0}
        data-testid="timeline-lane"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        onPointerDown={onDown}
        onPointerMove={onMove}
      >
        <Ticks summary={summary} selected={selected} />
        <Marks summary={summary} />
        <line
          className="cursor"
          x1={x(cursor)}
          x2={x(cursor)}
          y1={0}
          y2={HEIGHT}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <Legend summary={summary} />
    </div>
  );
}

/** The coloured ticks; redrawn only when the trace or the selection changes. */
const Ticks = memo(function Ticks({
  summary,
  selected,
}: {
  summary: TimelineSummary;
  selected: string | null;
}) {
  const rects = useMemo(() => {
    const total = summary.total;
    const colours = actorColours(summary);
    const n = Math.min(total, TICKS_MAX);
    const x = scaleLinear()
      .domain([0, Math.max(total, 1)])
      .range([0, WIDTH]);
    const out: { x: number; w: number; fill: string; actor: string }[] = [];
    for (let b = 0; b < n; b++) {
      const from = Math.floor((b * total) / n);
      const to = Math.floor(((b + 1) * total) / n);
      const actor = summary.actorOfStep[from]!;
      out.push({
        x: x(from),
        w: x(to) - x(from),
        fill: colours[actor]!,
        actor: summary.actors[actor]?.name ?? "?",
      });
    }
    return out;
  }, [summary]);
  return (
    <g className="ticks">
      {rects.map((r, i) => (
        <rect
          key={i}
          x={r.x}
          y={8}
          width={r.w}
          height={HEIGHT - 16}
          fill={r.fill}
          opacity={selected === null || selected === r.actor ? 1 : 0.2}
        />
      ))}
    </g>
  );
});

/** Operation boundaries (top), findings (red, full height) and forks (purple), one per pixel column at most. */
const Marks = memo(function Marks({ summary }: { summary: TimelineSummary }) {
  const marks = useMemo(() => {
    const x = scaleLinear()
      .domain([0, Math.max(summary.total, 1)])
      .range([0, WIDTH]);
    const columns = (cs: Iterable<number>) => {
      const seen = new Set<number>();
      for (const c of cs) seen.add(Math.round(x(c)));
      return [...seen];
    };
    return {
      ops: columns(summary.opBoundaries),
      findings: columns(summary.findings.map((f) => f.cursor)),
      forks: columns(summary.forks),
    };
  }, [summary]);
  return (
    <g className="marks">
      {marks.ops.map((px) => (
        <line
          key={`o${px}`}
          className="op"
          x1={px}
          x2={px}
          y1={0}
          y2={7}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {marks.findings.map((px) => (
        <line
          key={`f${px}`}
          className="finding"
          x1={px}
          x2={px}
          y1={0}
          y2={HEIGHT}
          vectorEffect="non-scaling-stroke"
        />
      ))}
      {marks.forks.map((px) => (
        <line
          key={`k${px}`}
          className="fork"
          x1={px}
          x2={px}
          y1={HEIGHT - 7}
          y2={HEIGHT}
          vectorEffect="non-scaling-stroke"
        />
      ))}
    </g>
  );
});

const Legend = memo(function Legend({ summary }: { summary: TimelineSummary }) {
  const session = useSession();
  const selected = useAppStore((s) => s.selection.actor);
  const colours = useMemo(() => actorColours(summary), [summary]);
  // Only actors that take steps in this trace.
  const used = useMemo(() => new Set(summary.actorOfStep), [summary]);
  return (
    <ul className="legend" aria-label="actors on the timeline">
      {summary.actors
        .filter((a) => used.has(a.id))
        .map((a) => (
          <li key={a.id}>
            <button
              type="button"
              aria-pressed={selected === a.name}
              onClick={() =>
                session.store
                  .getState()
                  .selectActor(selected === a.name ? null : a.name)
              }
            >
              <span className="swatch" style={{ background: colours[a.id] }} />
              {a.name}
            </button>
          </li>
        ))}
      <li className="key">
        <span className="swatch op" /> operation
      </li>
      <li className="key">
        <span className="swatch finding" /> finding
      </li>
      <li className="key">
        <span className="swatch fork" /> fork
      </li>
    </ul>
  );
});
