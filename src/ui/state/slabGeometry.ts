/**
 * Where a slab's slots sit on its canvas, and the freelist arrows between them. d3 does the path
 * math; the components only place what this returns. Slots run left to right in rows of at most
 * `cols`; `page->freelist` arrows arc above the row, a CPU's `c->freelist` arrows below it, so
 * the two orders never draw over each other. Every size derives from the cell size, which the
 * state view reads from its `--cell` CSS variable (larger in presentation mode).
 */
import { path } from "d3";

/** The default cell size in CSS pixels (`--cell` in state.css). */
export const CELL = 18;
export const COLS = 16;

export interface Geom {
  cell: number;
  gap: number;
  /** Room above and below each row for the arcs. */
  arc: number;
  cols: number;
}

export function geom(cell: number = CELL): Geom {
  const c = Math.max(8, Math.round(cell));
  return {
    cell: c,
    gap: Math.max(2, Math.round(c / 6)),
    arc: Math.round(c * 0.78),
    cols: COLS,
  };
}

const DEFAULT = geom();
export const GAP = DEFAULT.gap;
export const ARC = DEFAULT.arc;

export interface SlabBox {
  width: number;
  height: number;
  rows: number;
  cols: number;
}

export function slabBox(objects: number, g: Geom = DEFAULT): SlabBox {
  const cols = Math.max(1, Math.min(objects, g.cols));
  const rows = Math.max(1, Math.ceil(objects / g.cols));
  return {
    cols,
    rows,
    width: cols * (g.cell + g.gap) + g.gap,
    height: rows * (g.cell + 2 * g.arc),
  };
}

/** The top-left corner of slot `i`. */
export function cellAt(i: number, g: Geom = DEFAULT): { x: number; y: number } {
  const row = Math.floor(i / g.cols);
  return {
    x: g.gap + (i % g.cols) * (g.cell + g.gap),
    y: row * (g.cell + 2 * g.arc) + g.arc,
  };
}

/** The slot under a point of the canvas (CSS pixels), or null between slots. */
export function slotAt(
  x: number,
  y: number,
  objects: number,
  g: Geom = DEFAULT,
): number | null {
  const col = Math.floor((x - g.gap) / (g.cell + g.gap));
  const row = Math.floor(y / (g.cell + 2 * g.arc));
  if (col < 0 || col >= g.cols) return null;
  const i = row * g.cols + col;
  if (i < 0 || i >= objects) return null;
  const c = cellAt(i, g);
  return x >= c.x &&
    x <= c.x + g.cell &&
    y >= c.y - g.arc &&
    y <= c.y + g.cell + g.arc
    ? i
    : null;
}

/** What arrows are drawn into: a d3 path (an SVG path string) or a canvas context. */
export type PathSink = Pick<
  CanvasPath,
  "moveTo" | "lineTo" | "quadraticCurveTo" | "bezierCurveTo" | "closePath"
>;

export interface Arrow {
  /** The curve, as an SVG path. */
  d: string;
  /** The arrowhead, a closed triangle path. */
  head: string;
}

/** A filled arrowhead at (x1, y1) pointing along the unit direction (ux, uy). */
function arrowHead(
  head: PathSink,
  x1: number,
  y1: number,
  ux: number,
  uy: number,
  s: number,
): void {
  head.moveTo(x1, y1);
  head.lineTo(x1 - ux * s * 1.6 - uy * s, y1 - uy * s * 1.6 + ux * s);
  head.lineTo(x1 - ux * s * 1.6 + uy * s, y1 - uy * s * 1.6 - ux * s);
  head.closePath();
}

/**
 * Arrows from each slot to the next in `order` (slot indexes), arcing `above` or below the row.
 * The height of an arc grows with its span, so longer jumps stay readable over shorter ones.
 * Curves go into `curve`, arrowheads into `head` (for a canvas: one stroke, one fill).
 */
export function traceArrows(
  order: number[],
  above: boolean,
  curve: PathSink,
  head: PathSink,
  g: Geom = DEFAULT,
): void {
  for (let k = 0; k + 1 < order.length; k++) {
    const a = cellAt(order[k]!, g);
    const b = cellAt(order[k + 1]!, g);
    const x0 = a.x + g.cell / 2;
    const x1 = b.x + g.cell / 2;
    const y0 = above ? a.y : a.y + g.cell;
    const y1 = above ? b.y : b.y + g.cell;
    const lift = Math.min(g.arc - 2, 4 + Math.abs(x1 - x0) / 8);
    const cx = (x0 + x1) / 2;
    const cy = above
      ? Math.min(y0, y1) - lift * 2
      : Math.max(y0, y1) + lift * 2;
    curve.moveTo(x0, y0);
    curve.quadraticCurveTo(cx, cy, x1, y1);
    // The head points along the curve's last tangent, from the control point to the end.
    const dx = x1 - cx;
    const dy = y1 - cy;
    const len = Math.hypot(dx, dy) || 1;
    arrowHead(head, x1, y1, dx / len, dy / len, Math.max(4, g.cell / 4.5));
  }
}

/** The arrows one by one as SVG paths (d3's path serialiser), for tests and SVG renderers. */
export function freelistArrows(
  order: number[],
  above: boolean,
  g: Geom = DEFAULT,
): Arrow[] {
  const out: Arrow[] = [];
  for (let k = 0; k + 1 < order.length; k++) {
    const curve = path();
    const head = path();
    traceArrows([order[k]!, order[k + 1]!], above, curve, head, g);
    out.push({ d: curve.toString(), head: head.toString() });
  }
  return out;
}

/**
 * A pointer arrow in the state view, from a field's port (x0, y0; it leaves to the right) to a
 * target point (x1, y1; it arrives from above), as SVG paths.
 */
export function pointerArrow(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  size = 4,
): Arrow {
  const curve = path();
  const head = path();
  const bend = Math.max(24, Math.abs(y1 - y0) / 2);
  const c1x = x0 + bend;
  const c2y = y1 - bend;
  curve.moveTo(x0, y0);
  curve.bezierCurveTo(c1x, y0, x1, c2y, x1, y1);
  arrowHead(head, x1, y1, 0, 1, size);
  return { d: curve.toString(), head: head.toString() };
}
