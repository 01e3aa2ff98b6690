/**
 * Where a slab's slots sit in its little SVG, and the freelist arrows between them. d3 does the
 * path math; the components only place what this returns. Slots run left to right in rows of at
 * most COLS; `page->freelist` arrows arc above the row, a CPU's `c->freelist` arrows below it, so
 * the two orders never draw over each other.
 */
import { path } from "d3";

export const CELL = 18;
export const GAP = 3;
export const COLS = 16;
/** Room above and below each row for the arcs. */
export const ARC = 14;

export interface SlabBox {
  width: number;
  height: number;
  rows: number;
  cols: number;
}

export function slabBox(objects: number): SlabBox {
  const cols = Math.max(1, Math.min(objects, COLS));
  const rows = Math.max(1, Math.ceil(objects / COLS));
  return {
    cols,
    rows,
    width: cols * (CELL + GAP) + GAP,
    height: rows * (CELL + 2 * ARC),
  };
}

/** The top-left corner of slot `i`. */
export function cellAt(i: number): { x: number; y: number } {
  const row = Math.floor(i / COLS);
  return {
    x: GAP + (i % COLS) * (CELL + GAP),
    y: row * (CELL + 2 * ARC) + ARC,
  };
}

/** What arrows are drawn into: a d3 path (an SVG path string) or a canvas context. */
export type PathSink = Pick<
  CanvasPath,
  "moveTo" | "lineTo" | "quadraticCurveTo" | "closePath"
>;

export interface Arrow {
  /** The curve, as an SVG path. */
  d: string;
  /** The arrowhead, a closed triangle path. */
  head: string;
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
): void {
  for (let k = 0; k + 1 < order.length; k++) {
    const a = cellAt(order[k]!);
    const b = cellAt(order[k + 1]!);
    const x0 = a.x + CELL / 2;
    const x1 = b.x + CELL / 2;
    const y0 = above ? a.y : a.y + CELL;
    const y1 = above ? b.y : b.y + CELL;
    const lift = Math.min(ARC - 2, 4 + Math.abs(x1 - x0) / 8);
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
    const ux = dx / len;
    const uy = dy / len;
    const s = 4;
    head.moveTo(x1, y1);
    head.lineTo(x1 - ux * s * 1.6 - uy * s, y1 - uy * s * 1.6 + ux * s);
    head.lineTo(x1 - ux * s * 1.6 + uy * s, y1 - uy * s * 1.6 - ux * s);
    head.closePath();
  }
}

/** The arrows one by one as SVG paths (d3's path serialiser), for tests and SVG renderers. */
export function freelistArrows(order: number[], above: boolean): Arrow[] {
  const out: Arrow[] = [];
  for (let k = 0; k + 1 < order.length; k++) {
    const curve = path();
    const head = path();
    traceArrows([order[k]!, order[k + 1]!], above, curve, head);
    out.push({ d: curve.toString(), head: head.toString() });
  }
  return out;
}
