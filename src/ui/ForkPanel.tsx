import { useAppStore, useSession } from "../store/react";
import type { Frame } from "../worker/protocol";

type ChoiceView = Frame["enabled"][number];

const VIA: Record<ChoiceView["via"], string> = {
  running: "running",
  switch: "switches in",
  preempt: "preempts",
  "irq-entry": "interrupts",
  "nmi-entry": "NMI",
  migrate: "migrates",
};

export function choiceLabel(c: ChoiceView): string {
  return `${c.name} on cpu ${c.cpu}`;
}

/** Who may take the next step at the cursor; each button forks the schedule there. */
export function ForkPanel() {
  const session = useSession();
  const step = useAppStore((s) => s.timeline.frame?.step ?? 0);
  const choices = useAppStore((s) => s.timeline.frame?.enabled);
  const undoDepth = useAppStore((s) => s.timeline.summary?.undoDepth ?? 0);
  if (!choices) return null;
  return (
    <section className="fork" aria-label="who steps next">
      {/* Step N + 1 leads from the state after N steps, shown now, to the next. */}
      <h3>Who takes step {step + 1}?</h3>
      {choices.length === 0 ? (
        <p>Nobody can run here.</p>
      ) : (
        <ul>
          {choices.map((c, i) => (
            <li key={`${c.actor}@${c.cpu}`}>
              <button
                type="button"
                className={c.scheduled ? "scheduled" : ""}
                data-testid={`fork-${c.name}-${c.cpu}`}
                aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
                aria-label={`let ${choiceLabel(c)} take step ${step + 1}`}
                title={
                  c.scheduled
                    ? "What this timeline does next; choosing it still regenerates the rest round-robin"
                    : "Fork: this actor takes the step, the rest is regenerated round-robin"
                }
                onClick={() => void session.fork(c.actor, c.cpu)}
              >
                {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>}{" "}
                {choiceLabel(c)}
                <small>
                  {" "}
                  {VIA[c.via]}
                  {c.progress ? "" : ", spins"}
                  {c.scheduled ? " · next" : ""}
                </small>
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="hint">
        Pick who takes the step (or press its number): the steps after it are
        dropped and the rest runs round-robin.{" "}
        {undoDepth > 0 &&
          `${undoDepth} ${undoDepth === 1 ? "fork" : "forks"} to undo.`}
      </p>
    </section>
  );
}
