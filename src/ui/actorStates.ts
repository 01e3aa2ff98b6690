/** How the code pane names an actor's state, with a glyph so the state reads without colour. */
import type { ActorCode } from "../worker/protocol";

export const STATE_TEXT: Record<ActorCode["state"], string> = {
  running: "running",
  spinning: "spinning",
  blocked: "blocked",
  preempted: "preempted",
  ready: "not started",
  done: "done",
  crashed: "crashed (BUG)",
};

export const STATE_GLYPH: Record<ActorCode["state"], string> = {
  running: "▶",
  spinning: "↻",
  blocked: "⏸",
  preempted: "⇣",
  ready: "·",
  done: "✓",
  crashed: "✗",
};
