/**
 * How each kind of slot reads: a CSS class (the colour, from a colour-blind safe palette), a
 * glyph drawn in the cell so the kind never depends on colour alone, and words for screen
 * readers and the legend.
 */
import type { SlotView } from "../../worker/frame";

export interface SlotLook {
  cls: string;
  glyph: string;
  words: string;
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

export function slotLook(v: SlotView): SlotLook {
  switch (v.kind) {
    case "free":
      return { cls: "slot-free", glyph: "·", words: "free" };
    case "cpuFree":
      return {
        cls: "slot-cpu",
        glyph: String(v.cpu),
        words: `on cpu ${v.cpu}'s freelist`,
      };
    case "chain":
      return {
        cls: "slot-chain",
        glyph: "h",
        words: `on a freelist ${v.actor} holds`,
      };
    case "pca":
      return {
        cls: "slot-pca",
        glyph: "a",
        words: `cached in cpu ${v.cpu}'s percpu array`,
      };
    case "deferred":
      return {
        cls: "slot-deferred",
        glyph: "d",
        words: "on kfree_nolock's deferred list",
      };
    case "allocated":
      if (v.owner === null)
        return {
          cls: "slot-lost",
          glyph: "?",
          words: "allocated, held by nobody",
        };
      return v.inFlight
        ? { cls: "slot-flight", glyph: "»", words: `in flight in ${v.owner}` }
        : {
            cls: "slot-used",
            glyph: v.owner.slice(0, 1),
            words: `allocated to ${v.owner}`,
          };
  }
}

/**
 * A slot as one token for `data-slots`: `free`, `cpuFree:0`, `chain:A`, `pca:0`, `deferred`,
 * `allocated:a`, `inFlight:A`.
 */
export function slotToken(v: SlotView): string {
  switch (v.kind) {
    case "free":
      return "free";
    case "cpuFree":
      return `cpuFree:${v.cpu}`;
    case "chain":
      return `chain:${v.actor}`;
    case "pca":
      return `pca:${v.cpu}`;
    case "deferred":
      return "deferred";
    case "allocated":
      return `${v.inFlight ? "inFlight" : "allocated"}:${v.owner ?? ""}`;
  }
}

/** The legend: one example of each kind (the last two only where the mechanism is in use). */
export const LEGEND: { look: SlotLook; text: string }[] = [
  { look: slotLook({ kind: "free" }), text: "free on the slab's freelist" },
  {
    look: slotLook({ kind: "cpuFree", cpu: 0 }),
    text: "free on CPU n's c->freelist",
  },
  {
    look: slotLook({ kind: "chain", actor: "" }),
    text: "free, held by an actor mid-path",
  },
  {
    look: slotLook({ kind: "allocated", owner: "a", inFlight: false }),
    text: "allocated (first letter of the slot)",
  },
  {
    look: slotLook({ kind: "allocated", owner: "A", inFlight: true }),
    text: "in flight in an actor",
  },
  {
    look: slotLook({ kind: "allocated", owner: null, inFlight: false }),
    text: "allocated, held by nobody (leaked)",
  },
  {
    look: slotLook({ kind: "pca", cpu: 0 }),
    text: "cached in a CPU's percpu array",
  },
  {
    look: slotLook({ kind: "deferred" }),
    text: "on kfree_nolock's deferred list",
  },
];
