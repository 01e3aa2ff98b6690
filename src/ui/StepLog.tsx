/**
 * The step log for screen readers: a polite live region that says the step just taken (actor,
 * function, paraphrased kernel line), and a list of the steps visited most recently.
 */
import { useState } from "react";
import type { Frame } from "../worker/protocol";

const KEEP = 8;

export function stepText(frame: Frame): string {
  const e = frame.event;
  if (!e) return `Step 0 of ${frame.total}: before the first step.`;
  const notes = e.notes.length > 0 ? ` (${e.notes.join(", ")})` : "";
  const found =
    e.findings.length > 0 ? ` Finding: ${e.findings.join(", ")}.` : "";
  return `Step ${frame.step} of ${frame.total}: ${e.actor} on cpu ${e.cpu} in ${e.fn}: ${e.line}${notes}.${found}`;
}

export function StepLog({ frame }: { frame: Frame }) {
  const text = stepText(frame);
  const [recent, setRecent] = useState<{ step: number; text: string }[]>([]);
  // Adjusted while rendering when the frame changes (React's pattern for state that follows props).
  if (recent[0]?.step !== frame.step || recent[0]?.text !== text)
    setRecent((r) =>
      [
        { step: frame.step, text },
        ...r.filter((x) => x.step !== frame.step),
      ].slice(0, KEEP),
    );
  return (
    <section className="step-log" aria-label="step log">
      <p aria-live="polite" aria-atomic="true" data-testid="step-live">
        {text}
      </p>
      <details>
        <summary>Recent steps</summary>
        <ol data-testid="step-log">
          {recent.map((r) => (
            <li key={r.step}>{r.text}</li>
          ))}
        </ol>
      </details>
    </section>
  );
}
