/**
 * Canvases that draw only while they are on screen (or near it). A scenario with many CPUs and
 * slabs lays out far more slab cards than the centre pane shows; drawing the hidden ones on every
 * step was about a third of a frame's work at 4 CPUs × 64 slabs. A hidden canvas keeps its last
 * request and runs it when it scrolls into view; `drawPending()` runs them all, for an export
 * that must show every cell.
 *
 * Without IntersectionObserver (jsdom, old browsers) every request runs at once.
 */

type Draw = () => void;

/** The newest request of each canvas that was off screen when it came. */
const pending = new Map<Element, Draw>();
/** Canvases the observer has reported on, and whether they were on screen. */
const onScreen = new WeakMap<Element, boolean>();
let observer: IntersectionObserver | null = null;

function watch(): IntersectionObserver | null {
  if (observer) return observer;
  if (typeof IntersectionObserver === "undefined") return null;
  observer = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        onScreen.set(e.target, e.isIntersecting);
        if (!e.isIntersecting) continue;
        const draw = pending.get(e.target);
        pending.delete(e.target);
        draw?.();
      }
    },
    // A margin of about a screen: cards about to scroll in are drawn before they show.
    { rootMargin: "50% 0px" },
  );
  return observer;
}

/**
 * Runs `draw` now when `canvas` is on screen, or has not been reported on yet (its first frame
 * must not show blank); otherwise when it comes into view.
 */
export function drawWhenVisible(canvas: HTMLCanvasElement, draw: Draw): void {
  const io = watch();
  if (!io) return draw();
  const seen = onScreen.get(canvas);
  if (seen === undefined) {
    // The observer reports every newly observed element once, with its current visibility.
    io.observe(canvas);
    onScreen.set(canvas, true);
  }
  if (seen === false) {
    pending.set(canvas, draw);
    return;
  }
  pending.delete(canvas);
  draw();
}

/** The canvas is gone: drop its request and stop watching it. */
export function forget(canvas: HTMLCanvasElement): void {
  pending.delete(canvas);
  onScreen.delete(canvas);
  observer?.unobserve(canvas);
}

/** Runs every request still waiting for its canvas to come into view. */
export function drawPending(): void {
  const all = [...pending.values()];
  pending.clear();
  for (const draw of all) draw();
}
