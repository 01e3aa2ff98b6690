/**
 * The race's story under the title: its summary, where its schedule comes from (the thread's
 * history, its analysis, or outside it), the thread it comes from and the change that fixed it.
 * Two lines by default (each cut to fit), the whole text on demand in a box that scrolls on its
 * own; text only, never HTML.
 */
import { useState } from "react";
import type { ScenarioStory } from "../../worker/protocol";
import { BASIS_SHORT, BASIS_TEXT } from "./story";
import "./story.css";

export function StoryHeader({ story }: { story: ScenarioStory }) {
  const [open, setOpen] = useState(false);
  const fixedBy =
    story.fix !== undefined
      ? `${story.fix}${story.fixedKernel ? ` (kernel ${story.fixedKernel})` : ""}`
      : story.fixedKernel
        ? `kernel ${story.fixedKernel}`
        : null;
  return (
    <div
      className="story-header"
      id="story-header"
      data-testid="story-header"
      data-open={open ? "true" : undefined}
    >
      <button
        type="button"
        className="story-toggle"
        aria-expanded={open}
        aria-controls="story-header"
        title={open ? "Show less of the story" : "Show the whole story"}
        onClick={() => setOpen(!open)}
      >
        {open ? "Less" : "More"}
      </button>
      <p className="story-line">
        {story.onFixedKernel && (
          <span className="story-tag story-fixed" data-testid="story-fixed">
            on the fixed kernel
          </span>
        )}
        <span
          className={`story-tag story-basis story-basis-${story.basis}`}
          data-testid="story-basis"
          title={`The schedule is ${BASIS_TEXT[story.basis]}`}
        >
          {BASIS_SHORT[story.basis]}
        </span>{" "}
        <span className="story-summary" data-testid="story-summary">
          {story.summary}
        </span>
      </p>
      <p className="story-line story-refs">
        {open && (
          <span className="story-ref" data-testid="story-basis-text">
            <b>Basis:</b> the schedule is {BASIS_TEXT[story.basis]}.
          </span>
        )}
        <span className="story-ref" data-testid="story-source">
          <b>Source:</b> thread {story.source}
        </span>
        {fixedBy && (
          <>
            <span className="story-sep"> · </span>
            <span className="story-ref" data-testid="story-fix">
              <b>Fixed by:</b> {fixedBy}
            </span>
          </>
        )}
      </p>
    </div>
  );
}
