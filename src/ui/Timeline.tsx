/**
 * The timeline: the step axis, the scrubber, the story row and the actor lanes on one x-axis, so
 * step s has the same x in every row. It fills its container: the axis, scrubber and story stay
 * on top, the lanes scroll vertically under them, and the labels column stays on the left.
 *
 * Zoom and pan: the wheel zooms around the pointer (with or without Ctrl), Shift+wheel or a
 * sideways wheel pans, dragging the axis, the story row or a lane pans once zoomed, and the
 * buttons zoom in, out and back to the whole trace. When the cursor leaves the view (playing,
 * keys, a finding), the view follows it, keeping the narration that explains it in view too.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { useAppStore } from "../store/react";
import type { TimelineSummary } from "../worker/protocol";
import { narrationCursors } from "../store/session";
import { ActorLanes, LaneKey, StoryRow } from "./ActorLanes";
import { AxisRow, ScrubberRow } from "./TimelineLane";
import { AxisContext, type Axis, type Hover } from "./timelineAxis";
import {
  clampView,
  domain,
  fit,
  follow,
  isZoomed,
  panBy,
  posOf,
  xOf,
  zoomAt,
  type View,
} from "./timelineView";
import "./timeline.css";

/** How much one notch of the wheel (100 pixels of delta) zooms. */
const WHEEL_ZOOM = 1.25;

/** `compact`: the axis and scrubber only (embed links), without the story row and lanes. */
export function Timeline({ compact = false }: { compact?: boolean }) {
  const summary = useAppStore((s) => s.timeline.summary);
  return summary ? <TimelineView summary={summary} compact={compact} /> : null;
}

function TimelineView({
  summary,
  compact,
}: {
  summary: TimelineSummary;
  compact: boolean;
}) {
  const scenario = useAppStore((s) => s.scenario);
  const cursor = useAppStore((s) => s.timeline.cursor);
  const total = summary.total;
  const [view, setViewRaw] = useState<View>(() => fit(total));
  const [width, setWidth] = useState(0);
  const [hover, setHover] = useState<(Hover & { above: boolean }) | null>(null);
  const rootRef = useRef<HTMLElement>(null);
  const trackRef = useRef<HTMLDivElement>(null);

  // A new scenario shows its whole trace; a fork or undo keeps the view, clamped to the trace.
  const [shown, setShown] = useState({ scenario, total });
  if (shown.scenario !== scenario || shown.total !== total) {
    setShown({ scenario, total });
    setViewRaw(
      shown.scenario !== scenario ? fit(total) : clampView(view, total),
    );
  }
  const setView = (v: View) => setViewRaw(clampView(v, total));

  // The view follows the cursor when it leaves it.
  const story = useMemo(
    () => narrationCursors(scenario, summary),
    [scenario, summary],
  );
  const [followed, setFollowed] = useState(cursor);
  if (followed !== cursor) {
    setFollowed(cursor);
    const explains = story.filter((n) => n <= cursor).at(-1) ?? null;
    const next = follow(view, total, cursor, explains);
    if (next !== view) setViewRaw(next);
  }

  // Every track is as wide as the scrubber's (same grid column); measure that one.
  useLayoutEffect(() => {
    const el = trackRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    // Without ResizeObserver (old browsers, jsdom) the window's resizes still reach it.
    if (typeof ResizeObserver === "undefined") {
      window.addEventListener("resize", measure);
      return () => window.removeEventListener("resize", measure);
    }
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // The wheel, on the tracks only (over the labels it scrolls the lanes as usual). Not passive,
  // so it can keep the page from scrolling.
  const size = useRef({ total, width });
  useLayoutEffect(() => {
    size.current = { total, width };
  }, [total, width]);
  useEffect(() => {
    const el = rootRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const track = (e.target as Element | null)?.closest?.(".tl-track");
      if (!track) return;
      const { total: t, width: w } = size.current;
      if (w <= 0) return;
      e.preventDefault();
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? w : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      const x = e.clientX - track.getBoundingClientRect().left;
      setViewRaw((v) => {
        const perPx = (v.end - v.start) / w;
        if (e.shiftKey || Math.abs(dx) > Math.abs(dy))
          return panBy(v, t, (Math.abs(dx) > Math.abs(dy) ? dx : dy) * perPx);
        return zoomAt(v, t, posOf(v, w, x), Math.pow(WHEEL_ZOOM, dy / 100));
      });
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, []);

  // The tooltip, kept relative to the timeline and above the pointer in its lower half (the
  // timeline is docked low on the page).
  const placeHover = useCallback((h: Hover | null) => {
    const box = rootRef.current?.getBoundingClientRect();
    if (!h || !box) return setHover(null);
    const x = h.x - box.left;
    const y = h.y - box.top;
    setHover({
      ...h,
      x: Math.max(0, Math.min(x + 12, box.width - 280)),
      y: y > box.height / 2 ? y - 10 : y + 16,
      above: y > box.height / 2,
    });
  }, []);

  const axis = useMemo<Axis>(
    () => ({
      summary,
      view,
      width,
      setView: (v) => setViewRaw(clampView(v, summary.total)),
      setHover: placeHover,
    }),
    [summary, view, width, placeHover],
  );

  const zoomed = isZoomed(view, total);
  const around =
    cursor >= view.start && cursor <= view.end
      ? cursor
      : (view.start + view.end) / 2;
  const cursorX = xOf(view, width, cursor);
  const cursorShown = width > 0 && cursorX >= -1 && cursorX <= width + 1;
  return (
    <AxisContext.Provider value={axis}>
      <section
        ref={rootRef}
        className={compact ? "timeline compact" : "timeline"}
        aria-label="timeline and actor lanes"
        data-testid="timeline"
      >
        <div className="tl-bar">
          <span className="tl-range" data-testid="timeline-range">
            steps {Math.round(view.start)}–{Math.round(view.end)} of {total}
          </span>
          <span className="tl-zoom" role="group" aria-label="zoom">
            <button
              type="button"
              aria-label="zoom out"
              title="Zoom out (or wheel down over the timeline)"
              disabled={!zoomed}
              onClick={() => setView(zoomAt(view, total, around, 2))}
            >
              −
            </button>
            <button
              type="button"
              aria-label="zoom in"
              title="Zoom in around the cursor (or wheel up over the timeline)"
              disabled={
                view.end - view.start <= Math.min(8, domain(total)) + 1e-9
              }
              onClick={() => setView(zoomAt(view, total, around, 0.5))}
            >
              +
            </button>
            <button
              type="button"
              aria-label="fit the whole trace"
              title="Show the whole trace"
              disabled={!zoomed}
              onClick={() => setView(fit(total))}
            >
              Fit
            </button>
          </span>
          {!compact && <LaneKey />}
        </div>
        <div className="tl-head">
          <div className="lane-row">
            <div className="tl-label">step</div>
            <AxisRow />
          </div>
          <div className="lane-row">
            <div className="tl-label">timeline</div>
            <div className="tl-track-box" ref={trackRef}>
              <ScrubberRow />
            </div>
          </div>
          {!compact && <StoryRow />}
          {cursorShown && (
            <div
              className="tl-cursor"
              style={{ left: `calc(var(--tl-label) + ${cursorX}px)` }}
            />
          )}
        </div>
        {!compact && (
          <div className="tl-lanes">
            <div className="tl-lanes-content">
              <ActorLanes />
              {cursorShown && (
                <div
                  className="tl-cursor"
                  style={{ left: `calc(var(--tl-label) + ${cursorX}px)` }}
                />
              )}
            </div>
          </div>
        )}
        {hover && (
          <div
            className="tl-tooltip"
            role="tooltip"
            data-testid="timeline-tooltip"
            style={{
              left: hover.x,
              top: hover.y,
              transform: hover.above ? "translateY(-100%)" : undefined,
            }}
          >
            <strong>{hover.title}</strong>
            {hover.lines.map((l, i) => (
              <div key={i}>{l}</div>
            ))}
          </div>
        )}
      </section>
    </AxisContext.Provider>
  );
}
