/**
 * One slab page drawn slot by slot: each object's kind as colour and glyph, `page->freelist`
 * order as arrows above the slots and a CPU's `c->freelist` order below, frozen or not, inuse /
 * objects. The card sits where the slab is (under its CPU or node); a slab on two lists is
 * drawn in both places, each copy flagged.
 *
 * The slots are drawn on a canvas: at 64 slabs × 16 objects, thousands of SVG nodes cost more
 * than the 16 ms a frame may take. The text stays in the DOM (the head, the canvas's ARIA
 * label, and `data-slots` for tests), and the card is memoised on a signature string, so during
 * playback only the slabs a step touched re-render and redraw; a card off screen redraws when
 * it scrolls into view (lazyDraw.ts).
 */
import {
  memo,
  useEffect,
  useLayoutEffect,
  useRef,
  type KeyboardEvent,
  type MouseEvent,
} from "react";
import type { SlabView } from "../../worker/frame";
import type { HistoryRef } from "../../worker/protocol";
import {
  cellAt,
  slabBox,
  slotAt,
  traceArrows,
  type Geom,
} from "./slabGeometry";
import { drawWhenVisible, forget } from "./lazyDraw";
import { CANVAS_LOOK, slotLook, slotToken, type SlotLook } from "./slotLook";

export { slotAt } from "./slabGeometry";

export interface SlabCardProps {
  slab: SlabView;
  g: Geom;
  /** The text colour the cells are drawn with (read once by the diagram, not per card). */
  ink: string;
  /** Which place of the slab this card is (0: the first; more when it is on several lists). */
  copy: number;
  /** The slab is on more than one list: every copy is flagged. */
  dup: boolean;
  /** Where this card is drawn: its owner's key (`cpu-0-page`, `node-0-partial`, ...). */
  owner: string;
  /** Its position in its owner's list, to anchor pointer arrows (`cpu-0-partial-0`, ...). */
  at: string;
  /** Fields of the slab (SlabView names) that the last step changed. */
  changedFields: string[];
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

function draw(
  canvas: HTMLCanvasElement,
  s: SlabView,
  looks: readonly SlotLook[],
  g: Geom,
  text: string,
  changed: Set<number>,
  hl: Set<number>,
  active: number | null,
) {
  // No Path2D means no real canvas (jsdom): the DOM still carries every slot.
  if (typeof Path2D === "undefined") return;
  const box = slabBox(s.objects, g);
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== box.width * dpr) canvas.width = box.width * dpr;
  if (canvas.height !== box.height * dpr) canvas.height = box.height * dpr;
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, box.width, box.height);
  ctx.lineWidth = Math.max(1.3, g.cell / 14);
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
    traceArrows(order, above, ctx, heads, g);
    ctx.stroke();
    ctx.fill(heads);
  }
  ctx.setLineDash([]);
  const C = g.cell;
  const drawn = spritesFor(dpr, text, C);
  looks.forEach((look, i) => {
    const { x, y } = cellAt(i, g);
    ctx.drawImage(sprite(look, drawn, dpr, text, C), x, y, C, C);
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
      ctx.roundRect(x + 0.5, y + 0.5, C - 1, C - 1, 3);
      ctx.strokeStyle = ring.colour;
      ctx.lineWidth = ring.width;
      ctx.stroke();
    }
  });
}

/**
 * Each kind of cell (colour, glyph) is drawn once and copied from there: drawing text is the
 * slow part of a canvas frame, and a slab has few distinct cells. The copy source is an
 * ImageBitmap where the browser has OffscreenCanvas: copying from a canvas element makes
 * Chromium snapshot that canvas on every drawImage, which cost about as much as the rest of
 * the drawing together at 64 slabs × 16 objects.
 */
type Sprite = HTMLCanvasElement | ImageBitmap;
/** Sprites by pixel ratio, ink and cell size, then by look. */
const spriteSets = new Map<string, Map<string, Sprite>>();

function spritesFor(dpr: number, text: string, C: number): Map<string, Sprite> {
  const key = `${dpr}|${text}|${C}`;
  let set = spriteSets.get(key);
  if (!set) {
    // Sizes and inks change only with zoom, presentation mode or the theme: keep a few.
    if (spriteSets.size > 8) {
      for (const old of spriteSets.values()) closeAll(old);
      spriteSets.clear();
    }
    set = new Map();
    spriteSets.set(key, set);
  }
  return set;
}

function closeAll(set: Map<string, Sprite>): void {
  for (const old of set.values())
    if (!(old instanceof HTMLCanvasElement)) old.close();
  set.clear();
}

function sprite(
  l: SlotLook,
  sprites: Map<string, Sprite>,
  dpr: number,
  text: string,
  C: number,
): Sprite {
  const key = l.split ? `${l.cls}|${l.split.cls}|${l.glyph}` : l.cls + l.glyph;
  const cached = sprites.get(key);
  if (cached) return cached;
  const side = Math.ceil(C * dpr);
  const off =
    typeof OffscreenCanvas === "undefined"
      ? null
      : new OffscreenCanvas(side, side);
  const el = off ? null : document.createElement("canvas");
  if (el) el.width = el.height = side;
  const ctx = (off?.getContext("2d") ?? el!.getContext("2d"))!;
  ctx.scale(dpr, dpr);
  const look = CANVAS_LOOK[l.cls] ?? { fill: null, ink: null };
  ctx.beginPath();
  ctx.roundRect(0.5, 0.5, C - 1, C - 1, 3);
  if (look.fill) {
    ctx.fillStyle = look.fill;
    ctx.fill();
  } else ctx.setLineDash([3, 2]);
  if (l.split) {
    // Two owners: the lower right half in the second owner's colour, a heavy border.
    const other = CANVAS_LOOK[l.split.cls]?.fill ?? "#0072b2";
    ctx.save();
    ctx.clip();
    ctx.beginPath();
    ctx.moveTo(C, 0);
    ctx.lineTo(C, C);
    ctx.lineTo(0, C);
    ctx.closePath();
    ctx.fillStyle = other;
    ctx.fill();
    ctx.restore();
    ctx.beginPath();
    ctx.roundRect(1, 1, C - 2, C - 2, 3);
    ctx.setLineDash([]);
    ctx.strokeStyle = "#d55e00";
    ctx.lineWidth = 2;
  } else {
    ctx.strokeStyle = "#616161";
    ctx.lineWidth = 1;
  }
  ctx.stroke();
  ctx.font = `${Math.round(C * 0.62)}px ui-monospace, 'DejaVu Sans Mono', monospace`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.fillStyle = l.split ? "#000" : (look.ink ?? text);
  if (l.split) {
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 3;
    ctx.strokeText(l.glyph, C / 2, C / 2 + 1);
  }
  ctx.fillText(l.glyph, C / 2, C / 2 + 1);
  const c: Sprite = off ? off.transferToImageBitmap() : el!;
  // Slot names are few, but keep the cache bounded all the same.
  if (sprites.size > 512) closeAll(sprites);
  sprites.set(key, c);
  return c;
}

/** The head's length in characters, with room for the wider glyphs (❄, ⚠). */
function headChars(s: SlabView, dup: boolean): number {
  const text = `P${s.id} ❄ ${s.nodePartial === undefined ? "" : "N "}${s.objects}/${s.objects}${dup ? " ⚠ twice" : ""}`;
  return text.length + 2;
}

function SlabCardImpl(p: SlabCardProps) {
  const s = p.slab;
  const g = p.g;
  const box = slabBox(s.objects, g);
  const canvas = useRef<HTMLCanvasElement>(null);
  const looks = s.slots.map(slotLook);
  useLayoutEffect(() => {
    const c = canvas.current;
    if (c)
      drawWhenVisible(c, () =>
        draw(
          c,
          p.slab,
          looks,
          p.g,
          p.ink,
          new Set(p.changedSlots),
          new Set(p.highlightedSlots),
          p.activeSlot,
        ),
      );
  });
  useEffect(() => {
    const c = canvas.current;
    return () => {
      if (c) forget(c);
    };
  }, []);
  // One listener per card: an object under the pointer, else the slab itself.
  const onMove = (e: MouseEvent<HTMLElement>) => {
    const c = canvas.current;
    if (c && e.target === c) {
      const r = c.getBoundingClientRect();
      const i = slotAt(e.clientX - r.left, e.clientY - r.top, s.objects, g);
      if (i !== null) {
        p.onTarget({ kind: "object", id: s.firstObj + i }, c);
        return;
      }
    }
    p.onTarget({ kind: "slab", id: s.id }, e.currentTarget);
  };
  const ch = new Set(p.changedFields);
  const label = `P${s.id}, ${s.frozen ? "frozen" : "not frozen"}, inuse ${s.inuse} of ${s.objects}${s.nodePartial === undefined ? "" : s.nodePartial ? ", on-node-list flag set" : ", on-node-list flag clear"}, ${s.where}${p.dup ? ", on more than one list" : ""}`;
  return (
    <li
      className={[
        "slab",
        s.frozen ? "frozen" : "unfrozen",
        p.dup && "dup",
        p.highlighted && "hl",
      ]
        .filter(Boolean)
        .join(" ")}
      data-testid={
        p.copy === 0 ? `slab-${s.id}` : `slab-${s.id}-copy-${p.copy}`
      }
      data-slab={s.id}
      data-page={s.id}
      data-copy={p.copy}
      data-flip={p.copy === 0 ? s.id : undefined}
      data-owner={p.owner}
      data-at={p.at}
      data-dup={p.dup || undefined}
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
      <div
        className="slab-head"
        style={{ width: `max(${box.width}px, ${headChars(s, p.dup)}ch)` }}
      >
        <strong>P{s.id}</strong>{" "}
        <span
          className={ch.has("frozen") ? "field changed" : "field"}
          data-kind={s.frozen ? "frozen" : "unfrozen"}
          title={s.frozen ? "frozen: owned by a CPU" : "not frozen"}
        >
          {s.frozen ? "❄" : "○"}
        </span>{" "}
        {s.nodePartial !== undefined && (
          <>
            <span
              className={ch.has("nodePartial") ? "field changed" : "field"}
              data-testid={
                p.copy === 0 ? `slab-${s.id}-node-partial` : undefined
              }
              data-kind={s.nodePartial ? "node-partial" : "off-node"}
              title={
                s.nodePartial
                  ? "on-node-list flag set (PG_workingset): on its node's partial list"
                  : "on-node-list flag clear: not on its node's partial list"
              }
            >
              {s.nodePartial ? "N" : "·"}
            </span>{" "}
          </>
        )}
        <span
          className={ch.has("inuse") ? "field changed" : "field"}
          data-testid={p.copy === 0 ? `slab-${s.id}-inuse` : undefined}
          title="inuse / objects"
        >
          {s.inuse}/{s.objects}
        </span>
        {p.dup && (
          <span className="flag" title="this slab is on more than one list">
            {" "}
            ⚠ twice
          </span>
        )}
      </div>
      <canvas
        ref={canvas}
        style={{ width: box.width, height: box.height }}
        role="img"
        title={s.where}
        aria-label={`P${s.id} objects: ${looks.map((l, i) => `#${i} ${l.words}`).join("; ")}`}
      />
    </li>
  );
}

export const SlabCard = memo(SlabCardImpl, (a, b) => a.sig === b.sig);
