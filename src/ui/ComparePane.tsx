/**
 * Compare mode: the race's schedule on its own kernel and on the fixed one, side by side. The
 * fixed side follows the cursor by operation (the same operation of the schedule, the same
 * offset into it; see src/worker/divergence.ts), and a line above says where and why the two
 * traces first part. Each side shows its last step, its findings and its state.
 */
import { useState } from "react";
import { useAppStore, useSession } from "../store/react";
import type { CompareState } from "../store/panes";
import "./story/story.css";
import type { Frame, ScenarioInfo, TimelineSummary } from "../worker/protocol";
import { FindingsPanel } from "./FindingsPanel";
import { FrameView } from "./FrameView";

export function ComparePane({ compare }: { compare: CompareState }) {
  const scenario = useAppStore((s) => s.scenario);
  const summary = useAppStore((s) => s.timeline.summary);
  const frame = useAppStore((s) => s.timeline.frame);
  if (!scenario || !summary || !frame) return null;
  return (
    <div className="compare" data-testid="compare">
      <DivergenceLine compare={compare} at={frame.step} />
      {summary.forks.length > 0 && (
        <p className="compare-note">
          After your fork the left side runs its own schedule; the fixed kernel
          still follows the scenario&apos;s.
        </p>
      )}
      <Side
        id="buggy"
        name="on its kernel"
        info={scenario}
        summary={summary}
        frame={frame}
      />
      <Side
        id="fixed"
        name="on the fixed kernel"
        info={compare.scenario}
        summary={compare.summary}
        frame={compare.frame}
      />
    </div>
  );
}

function Side({
  id,
  name,
  info,
  summary,
  frame,
}: {
  id: string;
  name: string;
  info: ScenarioInfo;
  summary: TimelineSummary;
  frame: Frame;
}) {
  const e = frame.event;
  const line = `step ${frame.step} / ${summary.total}${frame.step < summary.total || !frame.stop ? "" : " (end)"} · ${e ? `${e.actor}: ${e.fn} — ${e.line}` : "before the first step"}`;
  return (
    <section
      className="compare-side"
      aria-label={`${name}: ${info.kernel}`}
      data-testid={`compare-${id}`}
    >
      <header className="compare-side-head">
        <h3>
          {info.kernel} <small>{name}</small>
        </h3>
        <p className="event" data-testid={`compare-${id}-step`} title={line}>
          {line}
        </p>
      </header>
      <FindingsPanel
        frame={frame}
        summary={summary}
        testId={`compare-${id}-findings`}
      />
      <FrameView frame={frame} />
    </section>
  );
}

/** Where and why the traces part, in one line (the whole sentence on demand), with a way to go there. */
function DivergenceLine({
  compare,
  at,
}: {
  compare: CompareState;
  at: number;
}) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const d = compare.divergence;
  return (
    <div
      className="compare-divergence"
      data-testid="compare-divergence"
      data-kind={d.kind}
      data-open={open ? "true" : undefined}
      role="note"
      title={`${d.text} The fixed side is aligned by operation: the k-th operation of the schedule on one side matches the k-th on the other, at the same number of steps into it.`}
    >
      <button
        type="button"
        className="compare-divergence-toggle"
        aria-expanded={open}
        aria-label={open ? "Show less" : "Show where they part in full"}
        onClick={() => setOpen(!open)}
      >
        {open ? "▾" : "▸"}
      </button>
      <p>
        <b>{d.step === null ? "The traces never part:" : "Where they part:"}</b>{" "}
        <span data-testid="compare-divergence-text">{d.text}</span>
        {open && <small> The fixed side is aligned by operation.</small>}
      </p>
      {d.step !== null && d.step !== at && (
        <button type="button" onClick={() => void session.seek(d.step!)}>
          Go to step {d.step}
        </button>
      )}
    </div>
  );
}
