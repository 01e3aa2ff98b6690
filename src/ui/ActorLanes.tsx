/**
 * The story row and the actor lanes, on the timeline's shared x-axis (see timelineAxis.tsx).
 *
 * Lanes are grouped by CPU, one row per actor. Each status has its own shape, so the lanes read
 * without colour: a step taken is a full block, a spin a hatched block, waiting a low dotted bar,
 * preempted a dashed line, on its CPU while another CPU steps a thin line. A lane is drawn on a
 * canvas, one run per pixel at most (timelineView.laneRuns). Hover names the step, the actor and
 * the kernel line; click seeks; drag pans once zoomed; "step next" forks the schedule.
 */
import { memo, useCallback, useMemo } from "react";
import { useAppStore, useSession } from "../store/react";
import { ACTOR_KINDS } from "../engine/actorKinds";
import type { ActorKind } from "../engine/types";
import type { Frame, TimelineSummary } from "../worker/protocol";
import { LANE } from "../worker/panes";
import { actorPalette } from "./palette";
import { stepHover } from "./TimelineLane";
import { TrackCanvas, useAxis, usePanTrack } from "./timelineAxis";
import { laneRuns, statusAt, xOf, type Run, type View } from "./timelineView";

export const ROW_HEIGHT = 16;

type ChoiceView = Frame["enabled"][number];

const STATUS_NAME: Record<number, string> = {
  [LANE.ran]: "ran",
  [LANE.spun]: "spun",
  [LANE.blocked]: "waited",
  [LANE.preempted]: "preempted",
  [LANE.onCpu]: "on its cpu",
};

/** What a lane's status at one step says in the tooltip. */
const STATUS_TEXT: Record<number, string> = {
  [LANE.idle]: "not in an operation",
  [LANE.ran]: "took the step",
  [LANE.spun]: "took the step, but only spun on a lock or went to sleep on it",
  [LANE.blocked]: "waits (blocked)",
  [LANE.preempted]: "preempted or interrupted",
  [LANE.onCpu]: "on its cpu while another cpu stepped",
};

export interface LaneActor {
  id: number;
  name: string;
  kind: ActorKind;
  cpu: number;
  colour: string;
  /** Columns of the trace history in each status, for the lane's accessible name. */
  counts: Record<number, number>;
}

/** The actors that take part in the trace, by CPU, then tasks before interrupts, then id. */
export function laneActors(summary: TimelineSummary): LaneActor[] {
  const h = summary.history;
  const colours = actorPalette(summary.actors);
  const rows: LaneActor[] = [];
  for (const a of summary.actors) {
    const counts: Record<number, number> = {};
    let used = false;
    for (let c = 0; c < h.columns; c++) {
      const s = h.lanes[a.id * h.columns + c]!;
      if (s === LANE.idle) continue;
      used = true;
      counts[s] = (counts[s] ?? 0) + 1;
    }
    if (used) rows.push({ ...a, colour: colours[a.id]!, counts });
  }
  return rows.sort(
    (x, y) =>
      x.cpu - y.cpu ||
      ACTOR_KINDS[x.kind].laneOrder - ACTOR_KINDS[y.kind].laneOrder ||
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

/** Every lane, grouped by CPU: a label (fixed on the left) and a track on the shared axis. */
export function ActorLanes() {
  const { summary } = useAxis();
  const cursor = useAppStore((s) => s.timeline.cursor);
  const enabled = useAppStore((s) => s.timeline.frame?.enabled);
  const selected = useAppStore((s) => s.selection.actor);
  const rows = useMemo(() => laneActors(summary), [summary]);
  if (rows.length === 0) return null;
  const cpus = [...new Set(rows.map((r) => r.cpu))];
  return (
    <div
      className="actor-lanes"
      role="group"
      aria-label="actor lanes"
      data-testid="actor-lanes"
    >
      {cpus.map((cpu) => (
        <div
          key={cpu}
          className="lane-group"
          role="group"
          aria-label={`cpu ${cpu}`}
        >
          <div className="tl-cpu">CPU {cpu}</div>
          {rows
            .filter((r) => r.cpu === cpu)
            .map((r) => (
              <LaneRow
                key={r.id}
                row={r}
                cursor={cursor}
                dimmed={selected !== null && selected !== r.name}
                picked={selected === r.name}
                choice={enabled ? ownChoice(enabled, r.id) : undefined}
              />
            ))}
        </div>
      ))}
    </div>
  );
}

function LaneRow({
  row,
  cursor,
  dimmed,
  picked,
  choice,
}: {
  row: LaneActor;
  cursor: number;
  /** Another actor is picked out (its label or the code pane). */
  dimmed: boolean;
  picked: boolean;
  choice: ChoiceView | undefined;
}) {
  const session = useSession();
  const { summary, view } = useAxis();
  const describe = useCallback(
    (step: number) => {
      const st = statusAt(summary, row.id, step - 1);
      const took = summary.actorOfStep[step - 1] === row.id;
      const site = stepHover(summary, step);
      return {
        title: `step ${step} · ${row.name} (cpu ${row.cpu})`,
        lines: [
          STATUS_TEXT[st] ?? "",
          took
            ? (site.lines[1] ?? "")
            : `${site.lines[0]}${site.lines[1] ? ` — ${site.lines[1]}` : ""}`,
        ].filter((l) => l !== ""),
      };
    },
    [summary, row],
  );
  const handlers = usePanTrack(describe);
  const said = Object.entries(row.counts)
    .map(([s, n]) => `${STATUS_NAME[Number(s)]} ${n}`)
    .join(", ");
  return (
    <div
      className={dimmed ? "lane-row dimmed" : "lane-row"}
      data-testid={`lane-${row.name}`}
    >
      <div className="tl-label">
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
        {choice && (
          <button
            type="button"
            className="step-next"
            data-testid={`lane-fork-${row.name}`}
            aria-label={`let ${row.name} take step ${cursor + 1}`}
            title="Fork: this actor takes the next step, the rest runs round-robin"
            onClick={() => void session.fork(choice.actor, choice.cpu)}
          >
            step next
          </button>
        )}
      </div>
      <div className="tl-track tl-lane" {...handlers}>
        <LaneCanvas
          summary={summary}
          view={view}
          row={row}
          label={`${row.name}: ${said} (columns of ${summary.history.columns})`}
        />
      </div>
    </div>
  );
}

const LaneCanvas = memo(function LaneCanvas({
  summary,
  view,
  row,
  label,
}: {
  summary: TimelineSummary;
  view: View;
  row: LaneActor;
  label: string;
}) {
  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, width: number, height: number) =>
      drawLane(
        ctx,
        laneRuns(summary, row.id, view, width),
        view,
        width,
        height,
        row.colour,
      ),
    [summary, view, row],
  );
  return <TrackCanvas height={ROW_HEIGHT} draw={draw} label={label} />;
});

const patterns = new Map<string, CanvasPattern | string>();

/** A hatched (45°) or dotted fill in `colour`, made once per colour. */
function pattern(
  ctx: CanvasRenderingContext2D,
  kind: "hatch" | "dots",
  colour: string,
): CanvasPattern | string {
  const key = `${kind}${colour}`;
  const known = patterns.get(key);
  if (known) return known;
  const tile = document.createElement("canvas");
  tile.width = kind === "hatch" ? 6 : 4;
  tile.height = tile.width;
  const t = tile.getContext("2d");
  if (!t) return colour;
  t.fillStyle = colour;
  t.strokeStyle = colour;
  if (kind === "hatch") {
    t.lineWidth = 2;
    t.beginPath();
    t.moveTo(0, 6);
    t.lineTo(6, 0);
    t.moveTo(-3, 3);
    t.lineTo(3, -3);
    t.moveTo(3, 9);
    t.lineTo(9, 3);
    t.stroke();
  } else {
    t.beginPath();
    t.arc(2, 2, 1.1, 0, Math.PI * 2);
    t.fill();
  }
  const p = ctx.createPattern(tile, "repeat") ?? colour;
  patterns.set(key, p);
  return p;
}

function drawLane(
  ctx: CanvasRenderingContext2D,
  runs: Run[],
  v: View,
  width: number,
  height: number,
  colour: string,
): void {
  const pxPerStep = width / Math.max(v.end - v.start, 1e-9);
  const mid = Math.round(height / 2) + 0.5;
  for (const r of runs) {
    const x0 = xOf(v, width, r.from);
    let x1 = xOf(v, width, r.to);
    // Zoomed in, a gap between steps keeps them countable.
    if (pxPerStep > 6) x1 -= 1;
    const w = Math.max(x1 - x0, 1);
    switch (r.status) {
      case LANE.ran:
        ctx.fillStyle = colour;
        ctx.fillRect(x0, 1, w, height - 2);
        break;
      case LANE.spun:
        ctx.fillStyle = pattern(ctx, "hatch", colour);
        ctx.fillRect(x0, 1, w, height - 2);
        break;
      case LANE.blocked:
        ctx.fillStyle = pattern(ctx, "dots", colour);
        ctx.fillRect(x0, height - 6, w, 5);
        break;
      case LANE.preempted:
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(x0, mid);
        ctx.lineTo(x0 + w, mid);
        ctx.stroke();
        ctx.setLineDash([]);
        break;
      default:
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1;
        ctx.beginPath();
        ctx.moveTo(x0, mid);
        ctx.lineTo(x0 + w, mid);
        ctx.stroke();
    }
  }
}

/**
 * The scenario's narration at the steps it belongs to (up to the first fork: after it, the story
 * no longer describes the trace). Each text holds from its step to the next one's, so it is drawn
 * as that segment. Each is a button that seeks to where its text starts.
 */
export function StoryRow() {
  const session = useSession();
  const { summary, view, width } = useAxis();
  const cursor = useAppStore((s) => s.timeline.cursor);
  const narration = useAppStore((s) => s.scenario?.narration);
  const handlers = usePanTrack(() => null);
  const diverged = summary.forks[0] ?? Infinity;
  const marks = (narration ?? []).filter(
    (n) => n.step < diverged && n.step <= summary.total,
  );
  if (marks.length === 0) return null;
  return (
    <div className="lane-row story" data-testid="story-row">
      <div className="tl-label">story</div>
      <div className="tl-track tl-story" {...handlers}>
        <ol className="story-marks" aria-label="narration">
          {marks.map((n, i) => {
            const end = marks[i + 1]?.step ?? summary.total;
            const x0 = xOf(view, width, n.step);
            const x1 = xOf(view, width, end);
            const current =
              cursor >= n.step &&
              cursor < (marks[i + 1]?.step ?? summary.total + 1);
            // Off-screen entries stay in the list (for the keys and screen readers), parked at an edge.
            const left = Math.min(Math.max(x0, -8), width);
            return (
              <li
                key={i}
                style={{
                  left,
                  width: Math.max(Math.min(x1, width) - left, 6),
                }}
              >
                <button
                  type="button"
                  className={current ? "current" : undefined}
                  aria-label={`narration at step ${n.step}`}
                  aria-current={current ? "step" : undefined}
                  title={`step ${n.step}: ${n.text}`}
                  // Not a pan: a press on a mark is a click.
                  onPointerDown={(e) => e.stopPropagation()}
                  onPointerUp={(e) => e.stopPropagation()}
                  onClick={() => {
                    session.pause();
                    void session.seek(n.step);
                  }}
                >
                  ◆
                </button>
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}

/** The key to the lanes' shapes, in one line (the full legend is the app's). */
export function LaneKey() {
  return (
    <span
      className="lane-key"
      aria-label="lane key"
      title="Lanes: a full block took the step; hatched tried a lock (spun or went to sleep); dotted waits (blocked); dashed preempted or interrupted; a thin line is on its cpu while another cpu stepped. Scrubber: red finding, purple fork, ticks above mark operation boundaries; ◆ narration."
    >
      <i className="k ran" /> step <i className="k spun" /> lock{" "}
      <i className="k blocked" /> waits <i className="k preempted" /> preempted{" "}
      <i className="k oncpu" /> on cpu
    </span>
  );
}
