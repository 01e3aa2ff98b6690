import { describe, expect, it } from "vitest";
import { BASIS_TEXT, goalVerdict } from "./story";

const at = (step: number, total: number, findingsTotal = 0) => ({
  step,
  total,
  findingsTotal,
  stop: step === total ? { reason: "done", message: null } : null,
});

describe("goal mode's verdict", () => {
  it("is still playing before the end without a finding", () => {
    expect(goalVerdict(at(0, 10))).toBe("playing");
    expect(goalVerdict(at(9, 10))).toBe("playing");
  });
  it("is a win as soon as a finding has appeared, even before the end", () => {
    expect(goalVerdict(at(4, 10, 1))).toBe("win");
    expect(goalVerdict(at(10, 10, 2))).toBe("win");
  });
  it("is a loss when the trace ends without a finding", () => {
    expect(goalVerdict(at(10, 10))).toBe("lose");
  });
});

describe("the basis, worded for a reader", () => {
  it("names each basis without the schema's terms", () => {
    expect(BASIS_TEXT.history).toMatch(/thread itself reports/);
    expect(BASIS_TEXT.analysis).toMatch(/analysis/);
    expect(BASIS_TEXT.outside).toMatch(/outside the thread/);
  });
});
