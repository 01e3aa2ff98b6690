/**
 * The step log for screen readers: a polite live region that says the step just taken (actor,
 * function, paraphrased kernel line), and a list of the steps visited most recently.
 */
import { useState } from "react";
import type { Frame } from "../worker/protocol";
import { useAppStore } from "../store/react";
import { stepText } from "./stepText";

const KEEP = 8;

export function StepLog({ frame }: { frame: Frame }) {
  const text = stepText(frame);
  const playing = useAppStore((s) => s.timeline.playing);
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
      {/* Quiet while playing: a step every few milliseconds cannot be read out. */}
      <p
        aria-live={playing ? "off" : "polite"}
        aria-atomic="true"
        data-testid="step-live"
      >
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
