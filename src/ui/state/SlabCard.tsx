/**
 * One slab page drawn slot by slot: each object's kind as colour and glyph, `page->freelist`
 * order as arrows above the slots and a CPU's `c->freelist` order below, frozen or not, inuse /
 * objects and where the page is.
 *
 * The slots are drawn on a canvas: at 64 slabs × 16 objects, thousands of SVG nodes cost more
 * than the 16 ms a frame may take. The text stays in the DOM (the head, the canvas's ARIA
 * label, and `data-slots` for tests), and the card is memoised on a signature string, so during
 * playback only the slabs a step touched re-render and redraw.
 */
import {
  memo,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type MouseEvent,
} from "react";
import type { SlabView } from "../../worker/frame";
import type { HistoryRef } from "../../worker/protocol";
import {
  CELL,
  COLS,
  GAP,
  cellAt,
  traceArrows,
  slabBox,
  ARC,
} from "./slabGeometry";
import { CANVAS_LOOK, slotLook, slotToken, type SlotLook } from "./slotLook";

export interface SlabCardProps {
  slab: SlabView;
  changed: boolean;
  /** Slot indexes whose place changed in the last step. */
  changedSlots: number[];
  highlighted: boolean;
  /** Slot indexes the selection highlights. */
  highlightedSlots: number[];
  /** The slot the keyboard points at while the card has focus, or null. */
  activeSlot: number | null;
  /** The pointer asks for the history of an object or of the slab. */
  onTarget(ref: HistoryRef, anchor: Element): void;
  onKey(e: KeyboardEvent<HTMLElement>, slab: SlabView): void;
  /** Everything above as one string: the memo compares only this. */
  sig: string;
}

/** The slot under a point of the canvas (CSS pixels), or null between slots. */
export function slotAt(x: number, y: number, objects: number): number | null {
  const col = Math.floor((x - GAP) / (CELL + GAP));
  const row = Math.floor(y / (CELL + 2 * ARC));
  if (col < 0 || col >= COLS) return null;
  const i = row * COLS + col;
  if (i < 0 || i >= objects) return null;
  const c = cellAt(i);
  return x >= c.x && x <= c.x + CELL && y >= c.y - ARC && y <= c.y + CELL + ARC
    ? i
    : null;
}

function draw(
  canvas: HTMLCanvasElement,
  s: SlabView,
  changed: Set<number>,
  hl: Set<number>,
  active: number | null,
) {
  // No Path2D means no real canvas (jsdom): the DOM still carries every slot.
  if (typeof Path2D === "undefined") return;
  const box = slabBox(s.objects);
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== box.width * dpr) canvas.width = box.width * dpr;
  if (canvas.height !== box.height * dpr) canvas.height = box.height * dpr;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, box.width, box.height);
  const text = getComputedStyle(canvas).color || "#000";
  ctx.lineWidth = 1.3;
  for (const [order, above] of [
    [s.pageOrder, true],
    [s.cpuOrder, false],
  ] as const) {
    const colour = above ? "#616161" : "#0072b2";
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.setLineDash(above ? [] : [3, 2]);
    // All curves of one chain in one path and one stroke, the heads in another.
    const heads = new Path2D();
    ctx.beginPath();
    traceArrows(order, above, ctx, heads);
    ctx.stroke();
    ctx.fill(heads);
  }
  ctx.setLineDash([]);
  s.slots.forEach((v, i) => {
    const { x, y } = cellAt(i);
    ctx.drawImage(sprite(slotLook(v), dpr, text), x, y, CELL, CELL);
    // The outline says what stands out: highlight, then the last step's change, then focus.
    const ring = hl.has(i)
      ? { colour: "#d55e00", width: 3.5 }
      : changed.has(i)
        ? { colour: "#cc79a7", width: 3 }
        : active === i
          ? { colour: text, width: 3 }
          : null;
    if (ring) {
      ctx.beginPath();
      ctx.roundRect(x + 0.5, y + 0.5, CELL - 1, CELL - 1, 3);
      ctx.strokeStyle = ring.colour;
      ctx.lineWidth = ring.width;
      ctx.stroke();
    }
  });
}

/**
 * Each kind of cell (colour, glyph) is drawn once into a small canvas and copied from there:
 * drawing text is the slow part of a canvas frame, and a slab has few distinct cells.
 */
const sprites = new Map<string, HTMLCanvasElement>();

function sprite(l: SlotLook, dpr: number, text: string): HTMLCanvasElement {
  const key = `${l.cls}|${l.glyph}|${dpr}|${text}`;
  let c = sprites.get(key);
  if (c) return c;
  c = document.createElement("canvas");
  c.width = c.height = Math.ceil(CELL * dpr);
  const ctx = c.getContext("2d")!;
  ctx.scale(dpr, dpr);
  const look = CANVAS_LOOK[l.cls] ?? { fill: null, ink: null };
  ctx.beginPath();
  ctx.roundRect(0.5, 0.5, CELL - 1, CELL - 1, 3);
  if (look.fill) {
    ctx.fillStyle = look.fill;
    ctx.fill();
  } else ctx.setLineDash([3, 2]);
  ctx.strokeStyle = "#616161";
  ctx.lineWidth = 1;
  ctx.stroke();
  ctx.font = "11px ui-monospace, 'DejaVu Sans Mono', monospace";
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillStyle = look.ink ?? text;
  ctx.fillText(l.glyph, CELL / 2, CELL / 2 + 1);
  // Slot names are few, but keep the cache bounded all the same.
  if (sprites.size > 512) sprites.clear();
  sprites.set(key, c);
  return c;
}

function SlabCardImpl(p: SlabCardProps) {
  const s = p.slab;
  const box = slabBox(s.objects);
  const canvas = useRef<HTMLCanvasElement>(null);
  const looks = s.slots.map(slotLook);
  useLayoutEffect(() => {
    if (canvas.current)
      draw(
        canvas.current,
        p.slab,
        new Set(p.changedSlots),
        new Set(p.highlightedSlots),
        p.activeSlot,
      );
  });
  // One listener per card: an object under the pointer, else the slab itself.
  const onMove = (e: MouseEvent<HTMLElement>) => {
    const c = canvas.current;
    if (c && e.target === c) {
      const r = c.getBoundingClientRect();
      const i = slotAt(e.clientX - r.left, e.clientY - r.top, s.objects);
      if (i !== null) {
        p.onTarget({ kind: "object", id: s.firstObj + i }, c);
        return;
      }
    }
    p.onTarget({ kind: "slab", id: s.id }, e.currentTarget);
  };
  const label = `P${s.id}, ${s.frozen ? "frozen" : "not frozen"}, inuse ${s.inuse} of ${s.objects}, ${s.where}`;
  return (
    <li
      className={[
        "slab",
        s.frozen ? "frozen" : "unfrozen",
        p.changed && "changed",
        p.highlighted && "hl",
      ]
        .filter(Boolean)
        .join(" ")}
      data-testid={`slab-${s.id}`}
      data-frozen={s.frozen}
      data-place={s.place.kind}
      data-slots={s.slots.map(slotToken).join(" ")}
      data-changed-slots={p.changedSlots.join(" ")}
      data-hl-slots={p.highlightedSlots.join(" ")}
      tabIndex={0}
      aria-label={`${label}. Enter shows its history; left and right pick an object.`}
      onKeyDown={(e) => p.onKey(e, s)}
      onMouseMove={onMove}
    >
      <div className="slab-head">
        <strong>P{s.id}</strong>{" "}
        <span className="badge" data-kind={s.frozen ? "frozen" : "unfrozen"}>
          {s.frozen ? "❄ frozen" : "not frozen"}
        </span>{" "}
        <span data-testid={`slab-${s.id}-inuse`}>
          {s.inuse}/{s.objects}
        </span>{" "}
        <span className="where">{s.where}</span>
      </div>
      <canvas
        ref={canvas}
        style={{ width: box.width, height: box.height }}
        role="img"
        aria-label={`P${s.id} objects: ${looks.map((l, i) => `#${i} ${l.words}`).join("; ")}`}
      />
    </li>
  );
}

export const SlabCard = memo(SlabCardImpl, (a, b) => a.sig === b.sig);
