/**
 * The legend behind `?`: the shapes of the actor lanes, the looks of a slab's slots, and the
 * kernel's terms as the views use them. Lane shapes are drawn with the same shapes as the lanes.
 */
import type { CSSProperties, ReactNode } from "react";
import { CANVAS_LOOK, LEGEND } from "./state/slotLook";
import "./state/state.css";

/** SLUB's words as slabscope shows them, each in a line or two. */
export const TERMS: { term: string; text: string }[] = [
  {
    term: "slab (page)",
    text: "A page (P0, P1, …) cut into objects of one size; struct page holds its freelist, inuse, objects and frozen.",
  },
  {
    term: "freelist",
    text: "A chain of free objects, each storing the address of the next. page->freelist is the slab's own; c->freelist is the CPU's lockless one.",
  },
  {
    term: "inuse / objects",
    text: "Objects handed out (or taken by a CPU) and objects in the slab.",
  },
  {
    term: "frozen",
    text: "The slab belongs to one CPU (its cpu slab or on its partial list): frees from other CPUs only push onto page->freelist, and no list is touched.",
  },
  {
    term: "c->page",
    text: "The CPU's current slab in kmem_cache_cpu; allocations take from c->freelist, then from this slab.",
  },
  {
    term: "c->partial",
    text: "The CPU's own list of frozen partial slabs, used before the node's list (CONFIG_SLUB_CPU_PARTIAL).",
  },
  {
    term: "pages / pobjects",
    text: "Kept in the head of c->partial: how many slabs the list holds and roughly how many free objects.",
  },
  {
    term: "cpu_partial",
    text: "The cache's limit on pobjects: past it, put_cpu_partial drains the CPU's list to the node.",
  },
  {
    term: "nr_partial / min_partial",
    text: "Slabs on the node's partial list, and how many empty slabs the node keeps instead of freeing them.",
  },
  {
    term: "tid",
    text: "The transaction id bumped on every fast-path change; the fast path's cmpxchg on {freelist, tid} fails if anyone moved in between.",
  },
  {
    term: "list_lock",
    text: "The node's spinlock over its partial list.",
  },
  {
    term: "c->slab, node-partial flag (6.8)",
    text: "From v5.17 the slab is struct slab and the cpu slab c->slab. From v6.8 only the cpu slab is frozen: slabs on c->partial stay unfrozen, and a flag on the slab says whether it is on the node's list.",
  },
  {
    term: "sheaf (6.18, 7.0)",
    text: "A per-CPU array of object pointers, used as a stack: allocations pop from the CPU's main sheaf, frees push onto it, under a local_trylock and with no cmpxchg. The spare sheaf is swapped in when main runs empty or full.",
  },
  {
    term: "barn (6.18, 7.0)",
    text: "Each node's store of full and empty sheaves, under its own spinlock: a CPU trades an empty main for a full sheaf there (or a full one for an empty one) before touching any slab.",
  },
  {
    term: "no kmem_cache_cpu (7.0)",
    text: "v7.0 removed the cpu slab, the cpu partial list and tid: a CPU holds only sheaves, and the slow path takes objects straight from a node partial slab or a new slab.",
  },
  {
    term: "micro-step",
    text: "One shared read or write, one cmpxchg, or one lock, irq, preempt or migrate operation: the places where the kernel can be interrupted.",
  },
  {
    term: "fork",
    text: "Letting another actor take the step at the cursor; the steps after it are regenerated round-robin (U undoes it).",
  },
];

function LaneShape({ children }: { children: ReactNode }) {
  return (
    <svg width="28" height="12" viewBox="0 0 28 12" aria-hidden="true">
      <defs>
        <pattern
          id="legend-hatch"
          width="4"
          height="4"
          patternUnits="userSpaceOnUse"
          patternTransform="rotate(45)"
        >
          <rect width="2" height="4" fill="currentColor" />
        </pattern>
        <pattern
          id="legend-dots"
          width="3"
          height="3"
          patternUnits="userSpaceOnUse"
        >
          <rect width="1.5" height="1.5" fill="currentColor" />
        </pattern>
      </defs>
      {children}
    </svg>
  );
}

export const LANE_SHAPES: { text: string; shape: ReactNode }[] = [
  {
    text: "took the step",
    shape: <rect x="0" y="1" width="28" height="10" fill="currentColor" />,
  },
  {
    text: "tried a lock: spun, or went to sleep on it",
    shape: (
      <rect x="0" y="1" width="28" height="10" fill="url(#legend-hatch)" />
    ),
  },
  {
    text: "waits (blocked)",
    shape: <rect x="0" y="7" width="28" height="4" fill="url(#legend-dots)" />,
  },
  {
    text: "preempted or interrupted",
    shape: (
      <line
        x1="0"
        x2="28"
        y1="6"
        y2="6"
        stroke="currentColor"
        strokeDasharray="4 3"
      />
    ),
  },
  {
    text: "on its CPU while another CPU stepped",
    shape: <line x1="0" x2="28" y1="6" y2="6" stroke="currentColor" />,
  },
];

export function Legend() {
  return (
    <div className="legend-grid" data-testid="legend">
      <section aria-label="lane shapes">
        <h3>Actor lanes</h3>
        <ul className="legend-list">
          {LANE_SHAPES.map((l) => (
            <li key={l.text}>
              <LaneShape>{l.shape}</LaneShape> {l.text}
            </li>
          ))}
          <li>
            <span className="legend-mark op" aria-hidden="true" /> operation
            boundary ·{" "}
            <span className="legend-mark finding" aria-hidden="true" /> finding
            · <span className="legend-mark fork" aria-hidden="true" /> fork
          </li>
        </ul>
        <h3>Slots of a slab</h3>
        <ul className="legend-list">
          {LEGEND.map((l) => (
            <li key={l.text}>
              <span
                className={`legend-slot cell-key ${l.look.cls}${l.look.split ? " split" : ""}`}
                data-testid="legend-swatch"
                style={
                  l.look.split
                    ? ({
                        "--split": CANVAS_LOOK[l.look.split.cls]?.fill,
                      } as CSSProperties)
                    : undefined
                }
                aria-hidden="true"
              >
                {l.look.glyph}
              </span>{" "}
              {l.text}
            </li>
          ))}
          <li>
            <span className="legend-slot changed" aria-hidden="true" />{" "}
            outlined: changed by the last step
          </li>
        </ul>
      </section>
      <section aria-label="terms">
        <h3>Terms</h3>
        <dl className="legend-terms">
          {TERMS.map((t) => (
            <div key={t.term}>
              <dt>{t.term}</dt>
              <dd>{t.text}</dd>
            </div>
          ))}
        </dl>
      </section>
    </div>
  );
}
