/**
 * Actor lanes, grouped by CPU: one row per actor, one column per step (steps share a column in
 * long traces). Each status has its own shape, so the lanes read without colour: a step taken is
 * a full block, a spin a hatched block, waiting a low dotted bar, preempted a dashed line, on its
 * CPU while another CPU steps a thin line. Click a lane to seek; "step next" forks the schedule.
 */
import { memo, useMemo, type PointerEvent, type ReactNode } from "react";
import { useAppStore, useSession } from "../store/react";
import type { Frame, TimelineSummary } from "../worker/protocol";
import { LANE } from "../worker/panes";
import { actorPalette } from "./palette";

const WIDTH = 1000;
const ROW = 16;

type ChoiceView = Frame["enabled"][number];

const STATUS_NAME: Record<number, string> = {
  [LANE.ran]: "ran",
  [LANE.spun]: "spun",
  [LANE.blocked]: "waited",
  [LANE.preempted]: "preempted",
  [LANE.onCpu]: "on its cpu",
};

interface Row {
  id: number;
  name: string;
  kind: string;
  cpu: number;
  colour: string;
  runs: { from: number; to: number; status: number }[];
  counts: Record<number, number>;
}

function rowsOf(summary: TimelineSummary): Row[] {
  const h = summary.history;
  const colours = actorPalette(summary.actors);
  const rows: Row[] = [];
  for (const a of summary.actors) {
    const runs: Row["runs"] = [];
    const counts: Record<number, number> = {};
    let used = false;
    for (let c = 0; c < h.columns; c++) {
      const s = h.lanes[a.id * h.columns + c]!;
      if (s === LANE.idle) continue;
      used = true;
      counts[s] = (counts[s] ?? 0) + 1;
      const last = runs[runs.length - 1];
      if (last && last.status === s && last.to === c) last.to = c + 1;
      else runs.push({ from: c, to: c + 1, status: s });
    }
    if (used)
      rows.push({
        id: a.id,
        name: a.name,
        kind: a.kind,
        cpu: a.cpu,
        colour: colours[a.id]!,
        runs,
        counts,
      });
  }
  const kindOrder = ["task", "irq", "nmi", "kworker", "hotplug"];
  return rows.sort(
    (x, y) =>
      x.cpu - y.cpu ||
      kindOrder.indexOf(x.kind) - kindOrder.indexOf(y.kind) ||
      x.id - y.id,
  );
}

/** The choice that lets `actor` step next without migrating it, when there is one. */
export function ownChoice(
  enabled: readonly ChoiceView[],
  actor: number,
): ChoiceView | undefined {
  const mine = enabled.filter((c) => c.actor === actor);
  return mine.find((c) => c.via !== "migrate") ?? mine[0];
}

export function ActorLanes() {
  const summary = useAppStore((s) => s.timeline.summary);
  const cursor = useAppStore((s) => s.timeline.cursor);
  const enabled = useAppStore((s) => s.timeline.frame?.enabled);
  const selected = useAppStore((s) => s.selection.actor);
  const rows = useMemo(() => (summary ? rowsOf(summary) : []), [summary]);
  if (!summary || rows.length === 0) return null;
  const cpus = [...new Set(rows.map((r) => r.cpu))];
  return (
    <section
      className="actor-lanes"
      aria-label="actor lanes"
      data-testid="actor-lanes"
    >
      <svg width="0" height="0" aria-hidden="true" className="defs">
        <defs>
          <pattern
            id="lane-hatch"
            width="4"
            height="4"
            patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)"
          >
            <rect width="2" height="4" fill="currentColor" />
          </pattern>
          <pattern
            id="lane-dots"
            width="3"
            height="3"
            patternUnits="userSpaceOnUse"
          >
            <circle cx="1.5" cy="1.5" r="0.9" fill="currentColor" />
          </pattern>
        </defs>
      </svg>
      <StoryRow summary={summary} cursor={cursor} />
      {cpus.map((cpu) => (
        <div
          key={cpu}
          className="lane-group"
          role="group"
          aria-label={`cpu ${cpu}`}
        >
          <h4>CPU {cpu}</h4>
          {rows
            .filter((r) => r.cpu === cpu)
            .map((r) => (
              <LaneRow
                key={r.id}
                row={r}
                summary={summary}
                cursor={cursor}
                dimmed={selected !== null && selected !== r.name}
                picked={selected === r.name}
                choice={enabled ? ownChoice(enabled, r.id) : undefined}
              />
            ))}
        </div>
      ))}
      <LaneKey />
    </section>
  );
}

function LaneRow({
  row,
  summary,
  cursor,
  dimmed,
  picked,
  choice,
}: {
  row: Row;
  summary: TimelineSummary;
  cursor: number;
  /** Another actor is picked out (legend or code pane). */
  dimmed: boolean;
  picked: boolean;
  choice: ChoiceView | undefined;
}) {
  const session = useSession();
  const total = summary.total;
  const seekAt = (e: PointerEvent<SVGSVGElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    const x = Math.min(Math.max(e.clientX - box.left, 0), box.width);
    session.pause();
    void session.seek(Math.round((x / Math.max(box.width, 1)) * total));
  };
  const said = Object.entries(row.counts)
    .map(([s, n]) => `${STATUS_NAME[Number(s)]} ${n}`)
    .join(", ");
  return (
    <div
      className={dimmed ? "lane-row dimmed" : "lane-row"}
      data-testid={`lane-${row.name}`}
    >
      <button
        type="button"
        className="lane-name"
        aria-pressed={picked}
        title="Pick out this actor's steps"
        onClick={() =>
          session.store.getState().selectActor(picked ? null : row.name)
        }
      >
        <span className="swatch" style={{ background: row.colour }} />
        {row.name} <small>{row.kind}</small>
      </button>
      <svg
        role="img"
        aria-label={`${row.name}: ${said} (columns of ${summary.history.columns})`}
        viewBox={`0 0 ${WIDTH} ${ROW}`}
        preserveAspectRatio="none"
        onPointerDown={(e) => e.button === 0 && seekAt(e)}
      >
        <RowRuns row={row} columns={summary.history.columns} />
        <line
          className="cursor"
          x1={(cursor / Math.max(total, 1)) * WIDTH}
          x2={(cursor / Math.max(total, 1)) * WIDTH}
          y1={0}
          y2={ROW}
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      {choice ? (
        <button
          type="button"
          className="step-next"
          data-testid={`lane-fork-${row.name}`}
          aria-label={`let ${row.name} take step ${cursor}`}
          title="Fork: this actor takes the next step, the rest runs round-robin"
          onClick={() => void session.fork(choice.actor, choice.cpu)}
        >
          step next
        </button>
      ) : (
        <span className="step-next" />
      )}
    </div>
  );
}

const RowRuns = memo(function RowRuns({
  row,
  columns,
}: {
  row: Row;
  columns: number;
}) {
  const x = (c: number) => (c / Math.max(columns, 1)) * WIDTH;
  return (
    <g style={{ color: row.colour }}>
      {row.runs.map((r, i) => {
        const x0 = x(r.from);
        const w = x(r.to) - x0;
        switch (r.status) {
          case LANE.ran:
            return (
              <rect
                key={i}
                className="ran"
                x={x0}
                y={1}
                width={w}
                height={ROW - 2}
                fill={row.colour}
              />
            );
          case LANE.spun:
            return (
              <rect
                key={i}
                className="spun"
                x={x0}
                y={1}
                width={w}
                height={ROW - 2}
                fill="url(#lane-hatch)"
              />
            );
          case LANE.blocked:
            return (
              <rect
                key={i}
                className="blocked"
                x={x0}
                y={ROW - 6}
                width={w}
                height={5}
                fill="url(#lane-dots)"
              />
            );
          case LANE.preempted:
            return (
              <line
                key={i}
                className="preempted"
                x1={x0}
                x2={x0 + w}
                y1={ROW / 2}
                y2={ROW / 2}
                stroke={row.colour}
                strokeDasharray="4 3"
                vectorEffect="non-scaling-stroke"
              />
            );
          default:
            return (
              <line
                key={i}
                className="oncpu"
                x1={x0}
                x2={x0 + w}
                y1={ROW / 2}
                y2={ROW / 2}
                stroke={row.colour}
                strokeWidth={1}
                vectorEffect="non-scaling-stroke"
              />
            );
        }
      })}
    </g>
  );
});

/**
 * The scenario's narration at the steps it belongs to (up to the first fork: after it, the story
 * no longer describes the trace). Each text holds from its step to the next one's, so it is drawn
 * as that segment: segments never overlap, however close the steps. Each is a button that seeks
 * to where its text starts.
 */
function StoryRow({
  summary,
  cursor,
}: {
  summary: TimelineSummary;
  cursor: number;
}) {
  const session = useSession();
  const narration = useAppStore((s) => s.scenario?.narration);
  const diverged = summary.forks[0] ?? Infinity;
  const marks = (narration ?? []).filter(
    (n) => n.step < diverged && n.step <= summary.total,
  );
  if (marks.length === 0) return null;
  const x = (c: number) => (c / Math.max(summary.total, 1)) * 100;
  return (
    <div className="lane-row story" data-testid="story-row">
      <span className="lane-name">story</span>
      <ol className="story-marks" aria-label="narration">
        {marks.map((n, i) => (
          <li
            key={i}
            style={{
              left: `${x(n.step)}%`,
              width: `${x(marks[i + 1]?.step ?? summary.total) - x(n.step)}%`,
            }}
          >
            <button
              type="button"
              className={
                cursor >= n.step &&
                cursor < (marks[i + 1]?.step ?? summary.total + 1)
                  ? "current"
                  : undefined
              }
              aria-label={`step ${n.step}: ${n.text}`}
              title={`step ${n.step}: ${n.text}`}
              onClick={() => {
                session.pause();
                void session.seek(n.step);
              }}
            >
              ◆
            </button>
          </li>
        ))}
      </ol>
      <span />
    </div>
  );
}

/** The key to the shapes, drawn with the same shapes. */
function LaneKey() {
  const item = (label: string, shape: ReactNode) => (
    <li>
      <svg width="24" height="12" viewBox="0 0 24 12" aria-hidden="true">
        {shape}
      </svg>{" "}
      {label}
    </li>
  );
  return (
    <ul className="lane-key" aria-label="lane key">
      {item(
        "took the step",
        <rect x="0" y="1" width="24" height="10" fill="currentColor" />,
      )}
      {item(
        "tried a lock: spun, or went to sleep",
        <rect x="0" y="1" width="24" height="10" fill="url(#lane-hatch)" />,
      )}
      {item(
        "waits (blocked)",
        <rect x="0" y="7" width="24" height="4" fill="url(#lane-dots)" />,
      )}
      {item(
        "preempted or interrupted",
        <line
          x1="0"
          x2="24"
          y1="6"
          y2="6"
          stroke="currentColor"
          strokeDasharray="4 3"
        />,
      )}
      {item(
        "on its cpu, another cpu stepped",
        <line x1="0" x2="24" y1="6" y2="6" stroke="currentColor" />,
      )}
    </ul>
  );
}
