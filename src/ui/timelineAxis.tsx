/**
 * What the rows of the timeline share: the x-axis (the trace summary, the view and the tracks'
 * width), the hover tooltip, pointer handling on a track (click to seek, drag to pan when zoomed)
 * and a canvas sized to its track. The scrubber (TimelineLane.tsx), the story row and the lanes
 * (ActorLanes.tsx) draw with these, so a step lands on the same x in every row.
 */
import {
  createContext,
  useContext,
  useLayoutEffect,
  useRef,
  type PointerEvent,
} from "react";
import { useSession } from "../store/react";
import type { TimelineSummary } from "../worker/protocol";
import { cursorAt, isZoomed, panBy, stepAt, type View } from "./timelineView";

/** The tooltip: where the pointer is (client pixels) and what to say. */
export interface Hover {
  x: number;
  y: number;
  title: string;
  lines: string[];
}

export interface Axis {
  summary: TimelineSummary;
  view: View;
  /** The tracks' width in CSS pixels (every row's track has this width). */
  width: number;
  setView(v: View): void;
  setHover(h: Hover | null): void;
}

export const AxisContext = createContext<Axis | null>(null);

export function useAxis(): Axis {
  const a = useContext(AxisContext);
  if (!a) throw new Error("a timeline row outside <Timeline>");
  return a;
}

/** Pixels the pointer must move before a press on a track counts as a drag, not a click. */
const DRAG_PX = 4;

/**
 * Pointer handlers for a track that pans when dragged (once zoomed) and seeks when clicked;
 * `describe` gives the tooltip of step `step` (1 to total) when the pointer only hovers.
 */
export function usePanTrack(
  describe: (step: number) => Omit<Hover, "x" | "y"> | null,
) {
  const session = useSession();
  const axis = useAxis();
  const drag = useRef<{ x0: number; view0: View; moved: boolean } | null>(null);
  const xIn = (e: PointerEvent<Element>) =>
    e.clientX - e.currentTarget.getBoundingClientRect().left;
  return {
    onPointerDown(e: PointerEvent<Element>) {
      if (e.button !== 0) return;
      e.currentTarget.setPointerCapture?.(e.pointerId);
      drag.current = { x0: e.clientX, view0: axis.view, moved: false };
      axis.setHover(null);
    },
    onPointerMove(e: PointerEvent<Element>) {
      const d = drag.current;
      if (d && (e.buttons & 1) !== 0) {
        const dx = e.clientX - d.x0;
        if (Math.abs(dx) > DRAG_PX) d.moved = true;
        const total = axis.summary.total;
        if (d.moved && isZoomed(d.view0, total)) {
          const perPx = (d.view0.end - d.view0.start) / Math.max(axis.width, 1);
          axis.setView(panBy(d.view0, total, -dx * perPx));
        }
        return;
      }
      hover(axis, e, xIn(e), describe);
    },
    onPointerUp(e: PointerEvent<Element>) {
      const d = drag.current;
      drag.current = null;
      if (!d || d.moved) return;
      session.pause();
      void session.seek(
        cursorAt(axis.view, axis.width, xIn(e), axis.summary.total),
      );
    },
    onPointerLeave() {
      if (!drag.current) axis.setHover(null);
    },
  };
}

export function hover(
  axis: Axis,
  e: PointerEvent<Element>,
  x: number,
  describe: (step: number) => Omit<Hover, "x" | "y"> | null,
): void {
  const step = stepAt(axis.view, axis.width, x, axis.summary.total);
  const h = step === null ? null : describe(step);
  axis.setHover(h && { ...h, x: e.clientX, y: e.clientY });
}

/**
 * A canvas that fills its track, drawn by `draw` in CSS pixels (scaled for the screen's pixel
 * ratio) whenever `draw` changes: pass a memoised function.
 */
export function TrackCanvas({
  height,
  draw,
  className,
  label,
}: {
  height: number;
  draw: (ctx: CanvasRenderingContext2D, width: number, height: number) => void;
  className?: string;
  label?: string;
}) {
  const ref = useRef<HTMLCanvasElement>(null);
  const { width } = useAxis();
  useLayoutEffect(() => {
    const c = ref.current;
    if (!c || width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(width * dpr);
    const h = Math.round(height * dpr);
    if (c.width !== w) c.width = w;
    if (c.height !== h) c.height = h;
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    draw(ctx, width, height);
  }, [draw, width, height]);
  return (
    <canvas
      ref={ref}
      className={className}
      style={{ height }}
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
    />
  );
}
