/**
 * `random` goes on after a run that hits an internal error: it counts such runs per seed and
 * prints its summary, then exits 1. The engine here throws on chosen seeds.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("../engine", async (importOriginal) => {
  const engine = await importOriginal<typeof import("../engine")>();
  return {
    ...engine,
    runSession: (...args: Parameters<typeof engine.runSession>) => {
      const seed = args[1]?.seed;
      if (seed === 3 || seed === 5)
        throw new Error(`model invariant broken at seed ${seed}`);
      return engine.runSession(...args);
    },
  };
});

const { main } = await import("./cli");
const DOUBLE_FREE = "src/cli/fixtures/double-free.json";

describe("random with runs that hit an internal error", () => {
  it("--json: every seed runs, the errors are counted with the first seed, exit code 1", () => {
    const r = main([
      "random",
      DOUBLE_FREE,
      "--seed",
      "1",
      "--runs",
      "6",
      "--json",
    ]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.runs).toBe(6);
    expect(out.failingRuns).toBe(4);
    expect(out.internalErrors).toEqual({
      count: 2,
      firstSeed: 3,
      message: "model invariant broken at seed 3",
    });
    expect(r.stderr).toBe(
      "slabscope: 2 of 6 runs hit an internal error (a bug in slabscope); first at seed 3: model invariant broken at seed 3\n",
    );
  });

  it("text: the summary, then the internal errors", () => {
    const r = main(["random", DOUBLE_FREE, "--seed", "1", "--runs", "6"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("failing   4 runs with findings\n");
    expect(r.stdout).toContain(
      "internal  2 runs hit an internal error (a bug in slabscope); first at seed 3 (again: --seed 3 --runs 1)\n  model invariant broken at seed 3\n",
    );
  });
});
