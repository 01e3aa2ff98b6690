import { describe, expect, it } from "vitest";
import { styleDiff, type StyleValues } from "./exportView";

const m = (o: Record<string, string>): StyleValues =>
  new Map(Object.entries(o));

describe("the styles an exported element carries inline", () => {
  const tagDefault = m({
    display: "block",
    color: "rgb(0, 0, 0)",
    "font-size": "16px",
    "margin-top": "0px",
    "transition-duration": "0s",
    "transform-origin": "50px 10px",
  });

  it("leaves out what the tag gives by default and what motion would need", () => {
    const own = m({
      display: "block",
      "margin-top": "4px",
      "transition-duration": "0.3s",
      "inline-size": "100px",
      "padding-inline-start": "2px",
      "transform-origin": "20px 5px",
    });
    expect(styleDiff(own, tagDefault, null, false)).toBe("margin-top:4px");
  });

  it("leaves out an inherited value the parent already has, keeps one it changes", () => {
    const parent = m({ color: "rgb(200, 0, 0)", "font-size": "13px" });
    const own = m({ color: "rgb(200, 0, 0)", "font-size": "16px" });
    // The font size is the tag's default but would inherit 13px from the parent: it stays.
    expect(styleDiff(own, tagDefault, parent, false)).toBe("font-size:16px");
  });

  it("writes everything the root differs from a bare page in, inherited or not", () => {
    const own = m({
      color: "rgb(1, 2, 3)",
      "font-size": "16px",
      display: "grid",
    });
    expect(styleDiff(own, tagDefault, null, false)).toBe(
      "color:rgb(1, 2, 3);display:grid",
    );
  });

  it("keeps the transform origin of a transformed element", () => {
    const own = m({ "transform-origin": "20px 5px" });
    expect(styleDiff(own, tagDefault, null, true)).toBe(
      "transform-origin:20px 5px",
    );
  });
});
