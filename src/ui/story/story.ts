/**
 * The words of the race's story on screen: the basis of a library scenario for a reader, and goal
 * mode's verdict at a frame. Pure, so the header and the banner agree with their tests.
 */
import type { Frame, ScenarioStory } from "../../worker/protocol";

/** Where the schedule comes from, worded for a reader. */
export const BASIS_TEXT: Record<ScenarioStory["basis"], string> = {
  history: "the one the thread itself reports",
  analysis: "an interleaving built from the thread's analysis",
  outside: "built from knowledge outside the thread",
};

/** The badge's short form of the basis. */
export const BASIS_SHORT: Record<ScenarioStory["basis"], string> = {
  history: "history",
  analysis: "analysis",
  outside: "outside the thread",
};

export type GoalVerdict = "playing" | "win" | "lose";

/**
 * Goal mode's verdict at `frame`: a finding so far is a win, the end of the trace without one is a
 * loss, anything else is still playing.
 */
export function goalVerdict(
  frame: Pick<Frame, "findingsTotal" | "stop" | "step" | "total">,
): GoalVerdict {
  if (frame.findingsTotal > 0) return "win";
  if (frame.stop !== null && frame.step >= frame.total) return "lose";
  return "playing";
}
