/**
 * The kinds of actor (`ActorKind`), one entry each: whether it runs as a hard interrupt context,
 * whether it is pinned to its CPU unless the scenario says otherwise, and its place among the
 * lanes of a CPU. Its editor keyword and its label are its name. A kind without an entry does
 * not compile; the schema, the editor and the lanes list the kinds from here.
 *
 * Light on purpose (no engine code): the main thread reads it.
 */
import type { ActorKind } from "./types";

export interface ActorKindSpec {
  /**
   * A hard interrupt context (in_hardirq): `always` (NMI), `unlessRt` (a device interrupt,
   * threaded on PREEMPT_RT) or `never`.
   */
  hard: "always" | "unlessRt" | "never";
  /** Pinned to its CPU unless the scenario says otherwise. */
  pinned: boolean;
  /** Order among the lanes of one CPU (tasks before interrupts, then kernel threads). */
  laneOrder: number;
  /** What it stands for, for the editor's hints. */
  about: string;
}

export const ACTOR_KINDS = {
  task: {
    hard: "never",
    pinned: false,
    laneOrder: 0,
    about: "a task (process context), may migrate",
  },
  irq: {
    hard: "unlessRt",
    pinned: true,
    laneOrder: 1,
    about: "a device interrupt (a thread on PREEMPT_RT)",
  },
  nmi: {
    hard: "always",
    pinned: true,
    laneOrder: 2,
    about: "a non-maskable interrupt",
  },
  kworker: {
    hard: "never",
    pinned: true,
    laneOrder: 3,
    about: "a per-CPU kworker",
  },
  hotplug: {
    hard: "never",
    pinned: false,
    laneOrder: 4,
    about: "the CPU hotplug thread",
  },
  kcompactd: {
    hard: "never",
    pinned: true,
    laneOrder: 5,
    about: "the compaction scanner (a kernel thread)",
  },
} as const satisfies Record<ActorKind, ActorKindSpec>;

/** Every actor kind, in declaration order (a tuple for z.enum). */
export const ACTOR_KIND_NAMES = Object.keys(ACTOR_KINDS) as [
  ActorKind,
  ...ActorKind[],
];

/** Whether an actor of this kind is a hard interrupt context under this config. */
export function hardKind(kind: ActorKind, preemptRt: boolean): boolean {
  const h: ActorKindSpec["hard"] = ACTOR_KINDS[kind].hard;
  return h === "always" || (h === "unlessRt" && !preemptRt);
}
