/**
 * The view of state at one frame, drawn as a diagram: a column per CPU (kmem_cache_cpu) with
 * the slabs it owns in list order, a band per node (kmem_cache_node) with its partial list, its
 * full slabs and any slab on no list, then the page allocator. Arrows run from `c->page`,
 * `c->freelist`, `c->partial` and each node's partial list head to what they point at; a pointer
 * to a page that is no longer a slab ends on a flagged placeholder. What the last step changed
 * is outlined field by field and slot by slot, a slab that changed owner slides from its old
 * place to its new one, the selection's highlight (e.g. a clicked finding's slabs and objects)
 * stands out, and hovering or focusing a slab or an object shows its history in a popover.
 *
 * Sizes derive from CSS variables on `.state` (`--cell` for a slot); a `[data-present="true"]`
 * ancestor scales them up for a projector. Takes the frame as a prop, so compare mode can draw
 * two side by side in narrow columns.
 */
import {
  Fragment,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from "react";
import type { Frame, SlabView } from "../../worker/frame";
import { FEATURE_PANEL_LIST } from "../features";
import type { HistoryRef, HistoryReply } from "../../worker/protocol";
import type { Highlight } from "../../store/store";
import { TargetContext } from "./chips";
import { CpuPanel } from "./CpuPanel";
import { HistoryPopover } from "./HistoryPopover";
import { reducedMotion, SLIDE_MS, track } from "./motion";
import { NodePanel } from "./NodePanel";
import { PagePool } from "./PagePool";
import { placeSlabs, type Placed } from "./placement";
import { SlabCard } from "./SlabCard";
import { CELL, cellAt, geom, pointerArrow } from "./slabGeometry";
import "./state.css";

export type FetchHistory = (
  ref: HistoryRef,
  upTo: number,
) => Promise<HistoryReply>;

export interface Target {
  ref: HistoryRef;
  /** Where to put the popover, relative to the state view. */
  x: number;
  y: number;
  /** Opened from the keyboard: stays until Escape or another target. */
  pinned: boolean;
}

/** A pointer arrow: from a field's port to a card (`at`), or to one object of it. */
export interface PointerSpec {
  id: string;
  kind: "page" | "freelist" | "partial" | "node";
  at: string | null;
  /** The slab and slot of the object pointed at (c->freelist). */
  slab?: number;
  slot?: number;
  stale: boolean;
}

const EMPTY: number[] = [];
const NONE = new Set<string>();

/** The arrows a frame draws, by the fields they start from. */
export function pointerSpecs(f: Frame): PointerSpec[] {
  const slabIds = new Set(f.slabs.map((s) => s.id));
  const out: PointerSpec[] = [];
  const per = f.cache.objects;
  for (const c of f.cpus) {
    if (c.page !== null)
      out.push({
        id: `cpu-${c.id}-page`,
        kind: "page",
        at: `cpu-${c.id}-page-0`,
        stale: !slabIds.has(c.page),
      });
    const head = c.freelistRefs[0];
    if (head !== undefined) {
      const slab = Math.floor(head / per);
      out.push({
        id: `cpu-${c.id}-freelist`,
        kind: "freelist",
        // Into the cpu slab's card when the chain starts there, else the slab's first card.
        at: c.page === slab ? `cpu-${c.id}-page-0` : null,
        slab,
        slot: head - slab * per,
        stale: !slabIds.has(slab),
      });
    }
    if (c.partial.length > 0)
      out.push({
        id: `cpu-${c.id}-partial`,
        kind: "partial",
        at: `cpu-${c.id}-partial-0`,
        stale: !slabIds.has(c.partial[0]!),
      });
  }
  for (const n of f.nodes)
    if (n.partial.length > 0)
      out.push({
        id: `node-${n.id}-partial`,
        kind: "node",
        at: `node-${n.id}-partial-0`,
        stale: !slabIds.has(n.partial[0]!),
      });
  return out;
}

/**
 * Reads the cell size from `--cell` and the ink the cells are drawn with, again whenever
 * presentation mode, the colour scheme or the size changes. Read here, outside the commit: a
 * style read inside a commit makes the browser resolve styles and layout once more per frame.
 */
function useDiagramLook(root: React.RefObject<HTMLElement | null>): {
  cell: number;
  ink: string;
} {
  const [look, setLook] = useState({ cell: CELL, ink: "#000" });
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const read = () => {
      const v = parseFloat(getComputedStyle(el).getPropertyValue("--cell"));
      // The cells inherit their ink from where the cards sit.
      const ink =
        getComputedStyle(el.querySelector("canvas") ?? el).color || "#000";
      setLook((l) => {
        const cell = Number.isFinite(v) && v > 0 ? v : l.cell;
        return l.cell === cell && l.ink === ink ? l : { cell, ink };
      });
    };
    read();
    const mo = new MutationObserver(read);
    mo.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ["data-present"],
      subtree: true,
    });
    const ro =
      typeof ResizeObserver === "function" ? new ResizeObserver(read) : null;
    ro?.observe(el);
    const dark =
      typeof matchMedia === "function"
        ? matchMedia("(prefers-color-scheme: dark)")
        : null;
    dark?.addEventListener("change", read);
    return () => {
      mo.disconnect();
      ro?.disconnect();
      dark?.removeEventListener("change", read);
    };
  }, [root]);
  return look;
}

export function StatePanels({
  frame,
  highlight,
  fetchHistory,
  motion = true,
}: {
  frame: Frame;
  highlight: Highlight | null;
  fetchHistory?: FetchHistory;
  /** Slide moved slabs (off while playing fast; always off for prefers-reduced-motion). */
  motion?: boolean;
}) {
  const root = useRef<HTMLDivElement>(null);
  const diagram = useRef<HTMLDivElement>(null);
  const svg = useRef<SVGSVGElement>(null);
  const { cell, ink } = useDiagramLook(root);
  const g = useMemo(() => geom(cell), [cell]);
  const [target, setTarget] = useState<Target | null>(null);
  const [active, setActive] = useState<{ slab: number; slot: number } | null>(
    null,
  );
  const ch = frame.changed;
  const hl = useMemo(
    () => ({
      slabs: new Set(highlight?.slabs ?? []),
      objects: new Set(highlight?.objects ?? []),
    }),
    [highlight],
  );

  // Slot indexes per slab for the changed and highlighted objects.
  const bySlab = (refs: Iterable<number>, s: SlabView) => {
    const out: number[] = [];
    for (const r of refs)
      if (r >= s.firstObj && r < s.firstObj + s.objects)
        out.push(r - s.firstObj);
    return out.length ? out : EMPTY;
  };
  // Changed fields by record: `cpu:0` → {freelist, tid}, ...
  const fields = useMemo(() => {
    const m = new Map<string, Set<string>>();
    for (const k of ch.fields ?? []) {
      const i = k.lastIndexOf(":");
      const rec = k.slice(0, i);
      const set = m.get(rec) ?? new Set<string>();
      set.add(k.slice(i + 1));
      m.set(rec, set);
    }
    return m;
  }, [ch.fields]);

  const place = useCallback(
    (ref: HistoryRef, anchor: Element, pinned: boolean) => {
      const box = root.current?.getBoundingClientRect();
      const r = anchor.getBoundingClientRect();
      const next = {
        ref,
        x: r.left - (box?.left ?? 0) + (root.current?.scrollLeft ?? 0),
        y: r.bottom - (box?.top ?? 0) + 4 + (root.current?.scrollTop ?? 0),
        pinned,
      };
      // The pointer moving within one target keeps the popover where it is.
      setTarget((t) =>
        t &&
        t.ref.kind === ref.kind &&
        t.ref.id === ref.id &&
        t.pinned === pinned
          ? t
          : next,
      );
    },
    [],
  );
  const onTarget = useCallback(
    (ref: HistoryRef, anchor: Element) => place(ref, anchor, false),
    [place],
  );
  const onKey = useCallback(
    (e: KeyboardEvent<HTMLElement>, s: SlabView) => {
      const move = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (move !== 0) {
        // Inside a slab the arrows pick an object instead of stepping the timeline.
        e.preventDefault();
        e.stopPropagation();
        setActive((a) => {
          const cur = a && a.slab === s.id ? a.slot : move > 0 ? -1 : s.objects;
          const slot = Math.max(0, Math.min(s.objects - 1, cur + move));
          return { slab: s.id, slot };
        });
      } else if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        e.stopPropagation();
        const slot = active && active.slab === s.id ? active.slot : null;
        place(
          slot === null
            ? { kind: "slab", id: s.id }
            : { kind: "object", id: s.firstObj + slot },
          e.currentTarget,
          true,
        );
      } else if (e.key === "Escape") {
        e.stopPropagation();
        setTarget(null);
        setActive(null);
      }
    },
    [active, place],
  );
  // One stable handler for the memoised cards, calling the latest onKey.
  const onKeyRef = useRef(onKey);
  useLayoutEffect(() => {
    onKeyRef.current = onKey;
  });
  const stableKey = useCallback(
    (e: KeyboardEvent<HTMLElement>, s: SlabView) => onKeyRef.current(e, s),
    [],
  );

  // A finding clicked elsewhere: bring its first slab into view.
  useEffect(() => {
    const first = highlight?.slabs[0];
    if (first === undefined) return;
    root.current
      ?.querySelector(`[data-testid="slab-${first}"]`)
      ?.scrollIntoView?.({ block: "nearest" });
  }, [highlight]);

  const placement = useMemo(() => placeSlabs(frame), [frame]);
  const pointers = useMemo(() => pointerSpecs(frame), [frame]);

  // After each commit: slide the cards that changed owner (FLIP), then draw the arrows.
  const last = useRef<{
    pos: Map<string, { x: number; y: number; owner: string }>;
    at: number;
  }>({ pos: new Map(), at: 0 });
  const slides = useRef<Animation[]>([]);
  const pointersRef = useRef(pointers);
  const gRef = useRef(g);
  // Arrows again, from the layout as it is now, unless a card is mid-slide (its finish calls
  // this again).
  // The diagram's size when the arrows were last measured.
  const measured = useRef({ w: -1, h: -1 });
  const redraw = useCallback(() => {
    const base = diagram.current;
    if (!base || slides.current.some((a) => a.playState === "running")) return;
    const b = base.getBoundingClientRect();
    measured.current = { w: b.width, h: b.height };
    drawPointers(base, svg.current, pointersRef.current, gRef.current, b);
  }, []);
  const motionRef = useRef(motion);
  useLayoutEffect(() => {
    motionRef.current = motion;
    pointersRef.current = pointers;
    gRef.current = g;
    const base = diagram.current;
    if (!base) return;
    // A slide still running ends now: every measure below is of the layout, untransformed.
    for (const a of slides.current) a.finish();
    slides.current = [];
    const b = base.getBoundingClientRect();
    measured.current = { w: b.width, h: b.height };
    const now = performance.now();
    // Frames arriving faster than a slide would take (held key, fast play): no sliding.
    const slide =
      motionRef.current &&
      now - last.current.at > SLIDE_MS / 2 &&
      !reducedMotion() &&
      typeof Element.prototype.animate === "function";
    const pos = new Map<string, { x: number; y: number; owner: string }>();
    const moves: { el: HTMLElement; dx: number; dy: number }[] = [];
    for (const el of base.querySelectorAll<HTMLElement>("[data-flip]")) {
      const r = el.getBoundingClientRect();
      const p = {
        x: r.left - b.left,
        y: r.top - b.top,
        owner: el.dataset.owner ?? "",
      };
      const id = el.dataset.flip!;
      pos.set(id, p);
      const was = last.current.pos.get(id);
      if (!slide || !was || was.owner === p.owner) continue;
      const dx = was.x - p.x;
      const dy = was.y - p.y;
      if (Math.abs(dx) + Math.abs(dy) >= 2) moves.push({ el, dx, dy });
    }
    // The arrows go to where the cards end up: measured before any slide starts.
    drawPointers(base, svg.current, pointers, g, b);
    for (const { el, dx, dy } of moves) {
      const a = el.animate(
        [{ transform: `translate(${dx}px, ${dy}px)` }, { transform: "none" }],
        { duration: SLIDE_MS, easing: "ease-out" },
      );
      track(a);
      slides.current.push(a);
      a.addEventListener("finish", redraw);
    }
    last.current = { pos, at: now };
  });
  // The arrows follow the layout when the view is resized.
  useEffect(() => {
    const base = diagram.current;
    if (!base || typeof ResizeObserver !== "function") return;
    const ro = new ResizeObserver((entries) => {
      // A size the last commit already measured the arrows at: nothing to redraw.
      const box = entries[entries.length - 1]?.borderBoxSize?.[0];
      const m = measured.current;
      if (
        box &&
        Math.abs(box.inlineSize - m.w) < 0.5 &&
        Math.abs(box.blockSize - m.h) < 0.5
      )
        return;
      redraw();
    });
    ro.observe(base);
    return () => ro.disconnect();
  }, [redraw]);

  const slabIds = new Set(frame.slabs.map((s) => s.id));
  const card = (p: Placed) => {
    const s = p.slab;
    if (!s)
      return (
        <li
          key={`ghost-${p.at}`}
          className="ghost"
          data-at={p.at}
          data-page={p.id}
          data-testid={`ghost-${p.at}`}
          title={`P${p.id} is not a slab any more`}
        >
          P{p.id} <span className="flag">⚠ not a slab</span>
        </li>
      );
    const changedSlots = bySlab(ch.objects, s);
    const hlSlots = bySlab(hl.objects, s);
    const sf = fields.get(`slab:${s.id}`);
    const changedFields = sf ? [...sf] : [];
    const isHl = hl.slabs.has(s.id);
    const act = active && active.slab === s.id ? active.slot : null;
    return (
      <SlabCard
        key={`${s.id}-${p.copy}`}
        slab={s}
        g={g}
        copy={p.copy}
        dup={p.dup}
        owner={p.owner}
        at={p.at}
        changedFields={changedFields}
        changedSlots={changedSlots}
        highlighted={isHl}
        highlightedSlots={hlSlots}
        activeSlot={act}
        onTarget={onTarget}
        onKey={stableKey}
        ink={ink}
        sig={`${JSON.stringify(s)}|${g.cell}|${ink}|${p.copy}|${p.dup}|${p.owner}|${p.at}|${changedFields.join()}|${changedSlots.join()}|${isHl}|${hlSlots.join()}|${act}`}
      />
    );
  };
  const group = (
    label: string,
    testId: string,
    items: Placed[],
    empty: string | null,
  ) =>
    items.length === 0 && empty === null ? null : (
      <div className="group" data-testid={testId}>
        <span className="group-name">{label}</span>
        {items.length === 0 ? (
          <span className="group-empty">{empty}</span>
        ) : (
          <ol className="slab-list">{items.map(card)}</ol>
        )}
      </div>
    );
  const cache = frame.cache;
  return (
    <TargetContext value={onTarget}>
      <div
        className="state"
        ref={root}
        data-testid="state"
        onMouseLeave={() => setTarget((t) => (t?.pinned ? t : null))}
      >
        <div className="state-diagram" ref={diagram} data-testid="slabs">
          <p className="cache-line" data-testid="cache-params">
            <span title="oo_objects(s->oo)">
              <strong>{cache.objects}</strong> objects per slab
            </span>{" "}
            ·{" "}
            {!cache.noCpuSlab && (
              <>
                <span>cpu_partial {cache.cpuPartial}</span> ·{" "}
              </>
            )}
            <span>min_partial {cache.minPartial}</span> ·{" "}
            <span className="totals">{frame.slabs.length} slab pages</span>
          </p>
          <div className="state-cpus">
            {frame.cpus.map((c) => (
              <CpuPanel
                key={c.id}
                cpu={c}
                fields={fields.get(`cpu:${c.id}`) ?? NONE}
                highlight={hl}
                slabIds={slabIds}
                cpuPartial={cache.cpuPartial}
                slabName={cache.slabStruct ?? "page"}
                cpuSlab={!cache.noCpuSlab}
              >
                {!cache.noCpuSlab &&
                  group(
                    `c->${cache.slabStruct ?? "page"}`,
                    `cpu-${c.id}-page-slabs`,
                    placement.cpuPage.get(c.id)
                      ? [placement.cpuPage.get(c.id)!]
                      : [],
                    "no cpu slab",
                  )}
                {!cache.noCpuSlab &&
                  group(
                    "c->partial",
                    `cpu-${c.id}-partial-slabs`,
                    placement.cpuPartial.get(c.id) ?? [],
                    "no partial slabs",
                  )}
              </CpuPanel>
            ))}
          </div>
          <div className="state-nodes">
            {frame.nodes.map((n) => (
              <NodePanel
                key={n.id}
                node={n}
                fields={fields.get(`node:${n.id}`) ?? NONE}
                hl={hl.slabs}
                slabIds={slabIds}
                minPartial={cache.minPartial}
              >
                {group(
                  "partial list",
                  `node-${n.id}-partial-slabs`,
                  placement.nodePartial.get(n.id) ?? [],
                  "empty",
                )}
                {group(
                  "full, on no list",
                  `node-${n.id}-full-slabs`,
                  placement.nodeFull.get(n.id) ?? [],
                  "none",
                )}
                {group(
                  "on no list (held mid-path, or lost)",
                  `node-${n.id}-other`,
                  placement.nodeOther.get(n.id) ?? [],
                  null,
                )}
              </NodePanel>
            ))}
          </div>
          <div className="state-row">
            <PagePool
              pool={frame.pagePool}
              changed={ch.pagePool}
              hl={hl.slabs}
            />
            {FEATURE_PANEL_LIST.map(({ name, state }) =>
              state ? (
                <Fragment key={name}>
                  {state({ frame, changed: ch, hl: hl.objects })}
                </Fragment>
              ) : null,
            )}
          </div>
          <svg className="state-arrows" ref={svg} aria-hidden="true" />
        </div>
        {target && fetchHistory && (
          <HistoryPopover
            target={target}
            step={frame.step}
            fetchHistory={fetchHistory}
            onClose={() => setTarget(null)}
          />
        )}
      </div>
    </TargetContext>
  );
}

/** The markup last written into each arrow overlay. */
const drawnArrows = new WeakMap<SVGSVGElement, string>();

/** Draws the pointer arrows into the overlay, in the diagram's coordinates. */
function drawPointers(
  base: HTMLElement,
  svg: SVGSVGElement | null,
  specs: PointerSpec[],
  g: ReturnType<typeof geom>,
  b: DOMRect,
): void {
  if (!svg) return;
  // Every read comes before the first write: a write between reads would make the browser lay
  // the page out again for the next read.
  const width = String(base.scrollWidth);
  const height = String(base.scrollHeight);
  const parts: string[] = [];
  // One pass over the diagram for every port and card, instead of attribute-selector queries
  // over the whole tree for each arrow.
  const ports = new Map<string, HTMLElement>();
  for (const el of base.querySelectorAll<HTMLElement>("[data-port]"))
    if (!ports.has(el.dataset.port!)) ports.set(el.dataset.port!, el);
  const cards = new Map<string, HTMLElement>();
  const firstCopy = new Map<string, HTMLElement>();
  for (const el of base.querySelectorAll<HTMLElement>("[data-at]")) {
    if (!cards.has(el.dataset.at!)) cards.set(el.dataset.at!, el);
    if (
      el.dataset.copy === "0" &&
      el.dataset.slab !== undefined &&
      !firstCopy.has(el.dataset.slab)
    )
      firstCopy.set(el.dataset.slab, el);
  }
  for (const p of specs) {
    const port = ports.get(p.id);
    const to =
      (p.at && cards.get(p.at)) ||
      (p.slab !== undefined && firstCopy.get(String(p.slab))) ||
      null;
    if (!port || !to) continue;
    const pr = port.getBoundingClientRect();
    const x0 = pr.left + pr.width / 2 - b.left;
    const y0 = pr.top + pr.height / 2 - b.top;
    let x1: number;
    let y1: number;
    const canvas = p.slot !== undefined ? to.querySelector("canvas") : null;
    if (canvas && p.slot !== undefined) {
      const cr = canvas.getBoundingClientRect();
      const c = cellAt(p.slot, g);
      x1 = cr.left - b.left + c.x + g.cell / 2;
      y1 = cr.top - b.top + c.y;
    } else {
      const tr = to.getBoundingClientRect();
      x1 = tr.left - b.left + Math.min(24, tr.width / 2);
      y1 = tr.top - b.top;
    }
    const a = pointerArrow(x0, y0, x1, y1, Math.max(4, g.cell / 4));
    const cls = `ptr ptr-${p.kind}${p.stale ? " stale" : ""}`;
    parts.push(
      `<g class="${cls}" data-arrow="${p.id}" data-to="${to.dataset.at ?? ""}"${p.slot !== undefined ? ` data-slot="${p.slot}"` : ""}><path class="curve" d="${a.d}"/><path class="head" d="${a.head}"/></g>`,
    );
  }
  // Unchanged attributes and arrows are left alone: writing them, even unchanged, invalidates
  // the overlay's style and layout.
  if (svg.getAttribute("width") !== width) svg.setAttribute("width", width);
  if (svg.getAttribute("height") !== height) svg.setAttribute("height", height);
  const html = parts.join("");
  if (drawnArrows.get(svg) !== html) {
    svg.innerHTML = html;
    drawnArrows.set(svg, html);
  }
}
