/**
 * The scrubber and its axis. The axis carries the step numbers (ticks every 1, 2 or 5 times a
 * power of ten cursors); the scrubber shows, for every step in view, the actor that took it (a
 * pixel shows one of its steps when the view holds more steps than pixels; zoomed in far enough,
 * each step is a block with its number), marks for operation boundaries, findings and forks, and
 * the cursor. Press and drag to scrub: the cursor follows the pointer and the session keeps at
 * most one seek in flight. Drawn on a canvas, so a 100k-step trace costs one pass per pixel.
 */
import { memo, useCallback, useMemo, useRef, type PointerEvent } from "react";
import { useAppStore, useSession } from "../store/react";
import type { TimelineSummary } from "../worker/protocol";
import { actorPalette } from "./palette";
import {
  hover,
  TrackCanvas,
  useAxis,
  usePanTrack,
  type Hover,
} from "./timelineAxis";
import {
  cursorAt,
  inView,
  siteOf,
  ticks,
  xOf,
  type View,
} from "./timelineView";

export const SCRUBBER_HEIGHT = 26;
/** Pixels a step needs before its number is written in its block. */
const NUMBER_PX = 22;

/** A colour per actor (colour-blind safe): the scenario's actors first, the kernel's own contexts (kworker, IPI) in greys. */
export function actorColours(summary: TimelineSummary): string[] {
  return actorPalette(summary.actors);
}

/** The tooltip of step `step` (1 to total): who took it, in which function, at which line. */
export function stepHover(
  summary: TimelineSummary,
  step: number,
): Omit<Hover, "x" | "y"> {
  const actor = summary.actors[summary.actorOfStep[step - 1]!];
  const site = siteOf(summary, step - 1);
  return {
    title: `step ${step}`,
    lines: [
      `${actor?.name ?? "?"} on cpu ${actor?.cpu ?? "?"} took it`,
      site ? `${site.fn}: ${site.line}` : "",
    ].filter((l) => l !== ""),
  };
}

/** The step numbers along the top: a tick and a label every few cursors, spaced for reading. */
export function AxisRow() {
  const { summary, view, width } = useAxis();
  const handlers = usePanTrack(() => null);
  const t = ticks(view, width, summary.total);
  return (
    <div className="tl-track tl-axis" data-testid="timeline-axis" {...handlers}>
      {t.at.map((c) => (
        <span
          key={c}
          className="tl-tick"
          style={{ left: xOf(view, width, c) }}
          data-cursor={c}
        >
          {c}
        </span>
      ))}
    </div>
  );
}

/** The scrubber: role slider, press and drag to seek. */
export function ScrubberRow() {
  const session = useSession();
  const axis = useAxis();
  const { summary, view, width } = axis;
  const cursor = useAppStore((s) => s.timeline.cursor);
  const selected = useAppStore((s) => s.selection.actor);
  const pressed = useRef(false);
  const total = summary.total;
  const at = (e: PointerEvent<HTMLDivElement>) =>
    cursorAt(
      view,
      width,
      e.clientX - e.currentTarget.getBoundingClientRect().left,
      total,
    );
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture?.(e.pointerId);
    pressed.current = true;
    axis.setHover(null);
    session.pause();
    void session.seek(at(e));
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (pressed.current && (e.buttons & 1) !== 0) {
      void session.seek(at(e));
      return;
    }
    hover(
      axis,
      e,
      e.clientX - e.currentTarget.getBoundingClientRect().left,
      (step) => stepHover(summary, step),
    );
  };
  const selectedId =
    selected === null
      ? null
      : (summary.actors.find((a) => a.name === selected)?.id ?? null);
  return (
    <div
      className="tl-track tl-scrubber"
      role="slider"
      aria-label="timeline"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={cursor}
      aria-valuetext={`step ${cursor} of ${total}`}
      tabIndex={0}
      data-testid="timeline-lane"
      data-view-start={+view.start.toFixed(3)}
      data-view-end={+view.end.toFixed(3)}
      onPointerDown={onDown}
      onPointerMove={onMove}
      onPointerUp={() => (pressed.current = false)}
      onPointerCancel={() => (pressed.current = false)}
      onPointerLeave={() => axis.setHover(null)}
    >
      <ScrubberCanvas summary={summary} view={view} selected={selectedId} />
      <Marks summary={summary} view={view} width={width} />
    </div>
  );
}

const ScrubberCanvas = memo(function ScrubberCanvas({
  summary,
  view,
  selected,
}: {
  summary: TimelineSummary;
  view: View;
  selected: number | null;
}) {
  const colours = useMemo(() => actorColours(summary), [summary]);
  const draw = useCallback(
    (ctx: CanvasRenderingContext2D, width: number, height: number) =>
      drawScrubber(ctx, summary, view, width, height, selected, colours),
    [summary, view, selected, colours],
  );
  return <TrackCanvas height={SCRUBBER_HEIGHT} draw={draw} />;
});

function drawScrubber(
  ctx: CanvasRenderingContext2D,
  s: TimelineSummary,
  v: View,
  width: number,
  height: number,
  selected: number | null,
  colours: string[],
): void {
  const total = s.total;
  const perPx = (v.end - v.start) / Math.max(width, 1);
  const first = Math.max(0, Math.floor(v.start));
  const last = Math.min(total, Math.ceil(v.end));
  const y = 6;
  const h = height - 10;
  const fill = (actor: number, x0: number, x1: number) => {
    ctx.globalAlpha = selected === null || selected === actor ? 1 : 0.2;
    ctx.fillStyle = colours[actor] ?? "#888";
    ctx.fillRect(x0, y, Math.max(x1 - x0, 1), h);
  };
  if (perPx <= 1) {
    const pxPerStep = 1 / perPx;
    for (let j = first; j < last; j++) {
      const x0 = xOf(v, width, j);
      const x1 = xOf(v, width, j + 1);
      fill(s.actorOfStep[j]!, x0, pxPerStep > 3 ? x1 - 1 : x1);
    }
    ctx.globalAlpha = 1;
    if (pxPerStep >= NUMBER_PX) {
      ctx.font = "10px ui-monospace, monospace";
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (let j = first; j < last; j++) {
        const c = colours[s.actorOfStep[j]!] ?? "#888";
        ctx.fillStyle = textOn(c);
        ctx.fillText(
          String(j + 1),
          (xOf(v, width, j) + xOf(v, width, j + 1)) / 2,
          y + h / 2,
        );
      }
    }
  } else {
    // A pixel holds several steps: it shows the picked actor's when it took one, else the first.
    for (let p = 0; p < Math.ceil(width); p++) {
      const a = Math.max(first, Math.floor(v.start + p * perPx));
      const b = Math.min(last, Math.floor(v.start + (p + 1) * perPx));
      if (b <= a) continue;
      let actor = s.actorOfStep[a]!;
      if (selected !== null)
        for (let j = a; j < b; j++)
          if (s.actorOfStep[j] === selected) {
            actor = selected;
            break;
          }
      fill(actor, p, p + 1);
    }
  }
  ctx.globalAlpha = 1;
  // Operation boundaries: short ticks above the blocks, one per pixel at most.
  ctx.fillStyle = "#424242";
  let lastPx = -1;
  for (const c of inView(s.opBoundaries, v)) {
    const px = Math.round(xOf(v, width, c));
    if (px === lastPx) continue;
    lastPx = px;
    ctx.fillRect(px - 0.5, 0, 1, y - 1);
  }
}

/** Black or white, whichever reads on `hex`. */
function textOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? "#000" : "#fff";
}

/** Findings (red, full height) and forks (purple, bottom), one per pixel column at most. */
const Marks = memo(function Marks({
  summary,
  view,
  width,
}: {
  summary: TimelineSummary;
  view: View;
  width: number;
}) {
  const marks = useMemo(() => {
    const columns = (cs: readonly number[]) => {
      const seen = new Map<number, number>();
      for (const c of inView(cs, view)) {
        const px = Math.round(xOf(view, width, c));
        if (!seen.has(px)) seen.set(px, c);
      }
      return [...seen];
    };
    return {
      findings: columns(summary.findings.map((f) => f.cursor)),
      forks: columns(summary.forks),
    };
  }, [summary, view, width]);
  return (
    <>
      {marks.findings.map(([px, c]) => (
        <span
          key={`f${px}`}
          className="tl-mark finding"
          style={{ left: px }}
          title={`finding at step ${c}`}
        />
      ))}
      {marks.forks.map(([px, c]) => (
        <span
          key={`k${px}`}
          className="tl-mark fork"
          style={{ left: px }}
          title={`fork: a chosen actor took step ${c + 1}`}
        />
      ))}
    </>
  );
});
