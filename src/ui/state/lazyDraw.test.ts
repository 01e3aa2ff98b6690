import { beforeAll, describe, expect, it, vi } from "vitest";
import { drawPending, drawWhenVisible, forget } from "./lazyDraw";

/** A stand-in observer the test reports through, as the browser would after layout. */
let report: (target: Element, visible: boolean) => void = () => {};
beforeAll(() => {
  class FakeObserver {
    constructor(
      cb: (e: { target: Element; isIntersecting: boolean }[]) => void,
    ) {
      report = (target, isIntersecting) => cb([{ target, isIntersecting }]);
    }
    observe() {}
    unobserve() {}
    disconnect() {}
  }
  vi.stubGlobal("IntersectionObserver", FakeObserver);
});

const canvas = () => ({}) as HTMLCanvasElement;

describe("drawWhenVisible", () => {
  it("draws a new canvas at once, then waits while it is off screen and draws the newest request when it shows", () => {
    const c = canvas();
    const drawn: string[] = [];
    drawWhenVisible(c, () => drawn.push("first"));
    expect(drawn).toEqual(["first"]);
    report(c, false);
    drawWhenVisible(c, () => drawn.push("step 2"));
    drawWhenVisible(c, () => drawn.push("step 3"));
    expect(drawn).toEqual(["first"]);
    report(c, true);
    expect(drawn).toEqual(["first", "step 3"]);
    drawWhenVisible(c, () => drawn.push("step 4"));
    expect(drawn).toEqual(["first", "step 3", "step 4"]);
  });

  it("drawPending draws every canvas still waiting (for an export)", () => {
    const a = canvas();
    const b = canvas();
    const drawn: string[] = [];
    drawWhenVisible(a, () => drawn.push("a0"));
    drawWhenVisible(b, () => drawn.push("b0"));
    report(a, false);
    report(b, false);
    drawWhenVisible(a, () => drawn.push("a1"));
    drawWhenVisible(b, () => drawn.push("b1"));
    drawPending();
    expect(drawn).toEqual(["a0", "b0", "a1", "b1"]);
    drawPending();
    expect(drawn).toHaveLength(4);
  });

  it("forgets a canvas that is gone: its waiting request never runs", () => {
    const c = canvas();
    const drawn: string[] = [];
    drawWhenVisible(c, () => drawn.push("0"));
    report(c, false);
    drawWhenVisible(c, () => drawn.push("1"));
    forget(c);
    drawPending();
    expect(drawn).toEqual(["0"]);
  });
});
