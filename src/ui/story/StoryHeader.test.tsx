import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { ScenarioStory } from "../../worker/protocol";
import { StoryHeader } from "./StoryHeader";

afterEach(cleanup);

const story: ScenarioStory = {
  id: "x",
  kind: "race",
  summary: "A frees <b>P1</b> twice",
  basis: "history",
  source: "002 L10-12",
  fix: "[PATCH 1/2] mm, slub: fix it",
  fixedKernel: "v5.15",
  onFixedKernel: false,
  goal: "Make it happen",
};

describe("the story header", () => {
  it("shows summary, basis, source and fix in two lines, text as text", () => {
    const r = render(<StoryHeader story={story} />);
    expect(r.getByTestId("story-summary").textContent).toBe(
      "A frees <b>P1</b> twice",
    );
    expect(r.container.querySelector("b b, .story-summary b")).toBeNull();
    expect(r.getByTestId("story-basis").textContent).toBe("history");
    expect(r.getByTestId("story-source").textContent).toBe(
      "Source: thread 002 L10-12",
    );
    expect(r.getByTestId("story-fix").textContent).toBe(
      "Fixed by: [PATCH 1/2] mm, slub: fix it (kernel v5.15)",
    );
    expect(r.container.querySelectorAll(".story-line")).toHaveLength(2);
    expect(r.queryByTestId("story-fixed")).toBeNull();
  });

  it("expands to the basis worded for a reader, and folds back", () => {
    const r = render(<StoryHeader story={story} />);
    const more = r.getByRole("button", { name: "More" });
    expect(more.getAttribute("aria-expanded")).toBe("false");
    fireEvent.click(more);
    expect(r.getByTestId("story-basis-text").textContent).toBe(
      "Basis: the schedule is the one the thread itself reports.",
    );
    fireEvent.click(r.getByRole("button", { name: "Less" }));
    expect(r.queryByTestId("story-basis-text")).toBeNull();
  });

  it("marks the fixed kernel's replay and names the fixed kernel without a fix patch", () => {
    const r = render(
      <StoryHeader story={{ ...story, fix: undefined, onFixedKernel: true }} />,
    );
    expect(r.getByTestId("story-fixed").textContent).toBe(
      "on the fixed kernel",
    );
    expect(r.getByTestId("story-fix").textContent).toBe(
      "Fixed by: kernel v5.15",
    );
  });
});
