/**
 * The view of state at one frame: a panel per CPU (kmem_cache_cpu), a panel per node
 * (kmem_cache_node), the page pool, and every slab slot by slot. What the last step changed is
 * marked, the selection's highlight (e.g. a clicked finding's slabs and objects) stands out,
 * and hovering or focusing a slab or an object shows its history in a popover.
 *
 * Takes the frame as a prop, so compare mode can draw two side by side in narrow columns.
 */
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
} from "react";
import type { Frame, SlabView } from "../../worker/frame";
import type { HistoryRef, HistoryReply } from "../../worker/protocol";
import type { Highlight } from "../../store/store";
import { TargetContext } from "./chips";
import { CpuPanel } from "./CpuPanel";
import { HistoryPopover } from "./HistoryPopover";
import { NodePanel } from "./NodePanel";
import { NolockPanel } from "./NolockPanel";
import { PagePool } from "./PagePool";
import { SlabCard } from "./SlabCard";
import { LEGEND } from "./slotLook";
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

const EMPTY: number[] = [];

export function StatePanels({
  frame,
  highlight,
  fetchHistory,
}: {
  frame: Frame;
  highlight: Highlight | null;
  fetchHistory?: FetchHistory;
}) {
  const root = useRef<HTMLDivElement>(null);
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

  const place = useCallback(
    (ref: HistoryRef, anchor: Element, pinned: boolean) => {
      const box = root.current?.getBoundingClientRect();
      const r = anchor.getBoundingClientRect();
      const next = {
        ref,
        x: r.left - (box?.left ?? 0),
        y: r.bottom - (box?.top ?? 0) + 4,
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

  const changedSlabs = new Set(ch.slabs);
  const slabIds = new Set(frame.slabs.map((s) => s.id));
  return (
    <TargetContext value={onTarget}>
      <div
        className="state"
        ref={root}
        onMouseLeave={() => setTarget((t) => (t?.pinned ? t : null))}
      >
        <div className="state-cpus">
          {frame.cpus.map((c) => (
            <CpuPanel
              key={c.id}
              cpu={c}
              changed={ch.cpus.includes(c.id)}
              highlight={hl}
              slabIds={slabIds}
            />
          ))}
        </div>
        <div className="state-row">
          {frame.nodes.map((n) => (
            <NodePanel
              key={n.id}
              node={n}
              changed={ch.nodes.includes(n.id)}
              hl={hl.slabs}
              slabIds={slabIds}
            />
          ))}
          <PagePool pool={frame.pagePool} changed={ch.pagePool} hl={hl.slabs} />
          {frame.nolock && (
            <NolockPanel
              nolock={frame.nolock}
              cpus={frame.cpus}
              changed={ch.nolock}
              hl={hl.objects}
            />
          )}
        </div>
        <section className="slabs-view" aria-label="slabs">
          <h3>
            Slabs{" "}
            <span className="totals">{frame.slabs.length} slab pages</span>
          </h3>
          <ul className="legend-slots" aria-label="legend">
            {LEGEND.filter(
              (l) =>
                (l.look.cls !== "slot-pca" ||
                  frame.cpus.some((c) => c.pca !== null)) &&
                (l.look.cls !== "slot-deferred" || frame.nolock !== null),
            ).map((l) => (
              <li key={l.look.cls}>
                <span className={`cell-key ${l.look.cls}`}>{l.look.glyph}</span>{" "}
                {l.text}
              </li>
            ))}
            <li>
              <span className="arrow-key arrow-page">⌒</span> page-&gt;freelist
              order · <span className="arrow-key arrow-cpu">⌣</span>{" "}
              c-&gt;freelist order
            </li>
          </ul>
          <ul className="slab-list" data-testid="slabs">
            {frame.slabs.map((s) => {
              const changedSlots = bySlab(ch.objects, s);
              const hlSlots = bySlab(hl.objects, s);
              const changed = changedSlabs.has(s.id);
              const isHl = hl.slabs.has(s.id);
              const act = active && active.slab === s.id ? active.slot : null;
              return (
                <SlabCard
                  key={s.id}
                  slab={s}
                  changed={changed}
                  changedSlots={changedSlots}
                  highlighted={isHl}
                  highlightedSlots={hlSlots}
                  activeSlot={act}
                  onTarget={onTarget}
                  onKey={stableKey}
                  sig={`${JSON.stringify(s)}|${changed}|${changedSlots.join()}|${isHl}|${hlSlots.join()}|${act}`}
                />
              );
            })}
          </ul>
        </section>
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
