/**
 * How each kind of slot reads: a CSS class (the colour, from a colour-blind safe palette), a
 * glyph drawn in the cell so the kind never depends on colour alone, and words for screen
 * readers, tooltips and the legend. No glyph is a digit (a cell must never read like a count):
 * a CPU is named by its mark, a shape (● for CPU 0, ▲ for CPU 1, ...), shown in its panel too.
 * An object with a second owner (a double allocation) is drawn split, both owners in its words.
 */
import type { SlotView } from "../../worker/frame";

export interface SlotLook {
  cls: string;
  glyph: string;
  words: string;
  /** The second owner's look, for a cell drawn split in two; null for one owner. */
  split: SlotLook | null;
}

/** Canvas colours per class (the same Okabe-Ito colours as state.css); null fill: hollow. */
export const CANVAS_LOOK: Record<
  string,
  { fill: string | null; ink: string | null }
> = {
  "slot-free": { fill: null, ink: null },
  "slot-cpu": { fill: "#56b4e9", ink: "#000" },
  "slot-chain": { fill: "#f0e442", ink: "#000" },
  "slot-used": { fill: "#0072b2", ink: "#fff" },
  "slot-flight": { fill: "#e69f00", ink: "#000" },
  "slot-lost": { fill: "#d55e00", ink: "#fff" },
  "slot-pca": { fill: "#009e73", ink: "#fff" },
  "slot-deferred": { fill: "#999999", ink: "#000" },
};

const MARKS = ["●", "▲", "■", "◆", "★", "✚", "▼", "◐"];

/** The shape that stands for CPU `cpu` in cells and in its panel's head. */
export function cpuMark(cpu: number): string {
  return MARKS[cpu % MARKS.length]!;
}

/** The glyph of an allocated slot: its owner's initial when that is a letter. */
function initial(owner: string): string {
  const c = owner.slice(0, 1);
  return /\p{L}/u.test(c) ? c : "•";
}

function single(v: SlotView): SlotLook {
  switch (v.kind) {
    case "free":
      return { cls: "slot-free", glyph: "·", words: "free", split: null };
    case "cpuFree":
      return {
        cls: "slot-cpu",
        glyph: cpuMark(v.cpu),
        words: `on cpu ${v.cpu}'s c->freelist`,
        split: null,
      };
    case "chain":
      return {
        cls: "slot-chain",
        glyph: "≈",
        words: `on a freelist ${v.actor} holds`,
        split: null,
      };
    case "pca":
      return {
        cls: "slot-pca",
        glyph: cpuMark(v.cpu),
        words: `cached in cpu ${v.cpu}'s percpu array`,
        split: null,
      };
    case "sheaf":
      return {
        cls: "slot-pca",
        glyph: "▤",
        words: `cached in ${v.where}`,
        split: null,
      };
    case "deferred":
      return {
        cls: "slot-deferred",
        glyph: "⋯",
        words: "on kfree_nolock's deferred list",
        split: null,
      };
    case "allocated":
      if (v.owner === null)
        return {
          cls: "slot-lost",
          glyph: "?",
          words: "allocated, held by nobody",
          split: null,
        };
      return v.inFlight
        ? {
            cls: "slot-flight",
            glyph: "»",
            words: `in flight in ${v.owner}`,
            split: null,
          }
        : {
            cls: "slot-used",
            glyph: initial(v.owner),
            words: `allocated to ${v.owner}`,
            split: null,
          };
  }
}

export function slotLook(v: SlotView): SlotLook {
  const base = single(v);
  const also = v.also ?? [];
  if (also.length === 0) return base;
  const second = single({
    kind: "allocated",
    owner: also[0]!,
    inFlight: false,
  });
  return {
    ...base,
    glyph: "‼",
    words: `owned twice: ${base.words}, and allocated to ${also.join(" and ")}`,
    split: second,
  };
}

/**
 * A slot as one token for `data-slots`: `free`, `cpuFree:0`, `chain:A`, `pca:0`, `deferred`,
 * `allocated:a`, `inFlight:A`; further owners follow as `+b`.
 */
export function slotToken(v: SlotView): string {
  const also = (v.also ?? []).map((o) => `+${o}`).join("");
  switch (v.kind) {
    case "free":
      return "free" + also;
    case "cpuFree":
      return `cpuFree:${v.cpu}${also}`;
    case "chain":
      return `chain:${v.actor}${also}`;
    case "pca":
      return `pca:${v.cpu}${also}`;
    case "deferred":
      return "deferred" + also;
    case "sheaf":
      return `sheaf:${v.tag}${also}`;
    case "allocated":
      return `${v.inFlight ? "inFlight" : "allocated"}:${v.owner ?? ""}${also}`;
  }
}

/** The legend: one example of each kind (the last two only where the mechanism is in use). */
export const LEGEND: { look: SlotLook; text: string }[] = [
  { look: slotLook({ kind: "free" }), text: "free on the slab's own freelist" },
  {
    look: slotLook({ kind: "cpuFree", cpu: 0 }),
    text: "free on a CPU's c->freelist (the shape names the CPU: ● CPU 0, ▲ CPU 1, ■ CPU 2, ◆ CPU 3)",
  },
  {
    look: slotLook({ kind: "chain", actor: "" }),
    text: "free, on a freelist an actor has detached and holds mid-path",
  },
  {
    look: slotLook({ kind: "allocated", owner: "a", inFlight: false }),
    text: "allocated (the initial of the slot that holds it)",
  },
  {
    look: slotLook({ kind: "allocated", owner: "A", inFlight: true }),
    text: "in flight: an actor allocated or is freeing it",
  },
  {
    look: slotLook({ kind: "allocated", owner: null, inFlight: false }),
    text: "allocated, held by nobody (leaked)",
  },
  {
    look: slotLook({
      kind: "allocated",
      owner: "a",
      inFlight: false,
      also: ["b"],
    }),
    text: "owned twice (double allocation, or in use while free): split cell, both owners in its label",
  },
  {
    look: slotLook({ kind: "pca", cpu: 0 }),
    text: "cached in a CPU's percpu array (shape: the CPU)",
  },
  {
    look: slotLook({ kind: "deferred" }),
    text: "on kfree_nolock's deferred list",
  },
];
