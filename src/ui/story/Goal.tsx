/**
 * Goal mode for a race: the user is the scheduler. The toolbar's toggle starts an attempt at the
 * beginning of the trace; the user picks who takes each step with the fork buttons (or their
 * number keys, or → to follow the schedule as it stands), and a banner gives the verdict: a
 * finding is a win, the end of the trace without one a loss. "Try again" undoes the attempt's
 * forks and goes back to its start.
 */
import { useAppStore, useSession } from "../../store/react";
import type { Session } from "../../store/session";
import { goalVerdict } from "./story";
import "./story.css";

/** Starts an attempt at the beginning of the trace, or ends goal mode. */
export async function toggleGoal(session: Session): Promise<void> {
  const s = session.store.getState();
  if (s.panes.goal) {
    s.setGoal(null);
    return;
  }
  s.setGoal({ start: 0, undoDepth: s.timeline.summary?.undoDepth ?? 0 });
  await session.seek(0);
}

/** Undoes the forks made since the attempt started and goes back to its start. */
export async function retryGoal(session: Session): Promise<void> {
  const goal = session.store.getState().panes.goal;
  if (!goal) return;
  for (;;) {
    const depth = session.store.getState().timeline.summary?.undoDepth ?? 0;
    if (depth <= goal.undoDepth) break;
    await session.undo();
    if ((session.store.getState().timeline.summary?.undoDepth ?? 0) >= depth)
      break;
  }
  await session.seek(goal.start);
}

/** The toolbar's toggle; disabled for a scenario without a goal. */
export function GoalButton() {
  const session = useSession();
  const goalText = useAppStore((s) => s.scenario?.story?.goal);
  const on = useAppStore((s) => s.panes.goal !== null);
  return (
    <button
      type="button"
      data-command="goal"
      aria-label="Goal"
      aria-pressed={on}
      disabled={!goalText}
      title={
        goalText
          ? `Goal mode: you choose who steps. ${goalText}`
          : "Goal mode needs a race of the library"
      }
      onClick={() => void toggleGoal(session)}
    >
      ◎<span className="goal-button-label"> Goal</span>
    </button>
  );
}

/**
 * The goal and the verdict, in a strip kept at the top of the state view while goal mode is on
 * (the who-steps-next buttons stay where they are, beside it).
 */
export function GoalBar() {
  const session = useSession();
  const goal = useAppStore((s) => s.panes.goal);
  const text = useAppStore((s) => s.scenario?.story?.goal);
  const onFixed = useAppStore((s) => s.scenario?.story?.onFixedKernel ?? false);
  const verdict = useAppStore((s) =>
    s.timeline.frame ? goalVerdict(s.timeline.frame) : "playing",
  );
  const finding = useAppStore((s) => s.timeline.frame?.findings.at(-1));
  if (!goal || !text) return null;
  return (
    <section
      className="goal-bar"
      aria-label="goal"
      data-testid="goal"
      data-verdict={verdict}
    >
      <p className="goal-line">
        <b>Goal{onFixed ? " (on the fixed kernel)" : ""}:</b>{" "}
        <span className="goal-text" data-testid="goal-text">
          {text}
        </span>
      </p>
      {verdict === "playing" ? (
        <p className="goal-hint">
          You are the scheduler: pick who takes each step (the buttons under the
          narration, or its number key); → follows the schedule as it stands.
        </p>
      ) : (
        <div
          className="goal-verdict"
          role="status"
          data-testid="goal-verdict"
          data-verdict={verdict}
        >
          <span className="goal-verdict-text">
            {verdict === "win"
              ? `You win: ${finding ? `${finding.code}, ${finding.message}` : "a finding appeared"}`
              : "You lose: the trace ended without a finding."}
          </span>
          <button type="button" onClick={() => void retryGoal(session)}>
            Try again
          </button>
        </div>
      )}
    </section>
  );
}
