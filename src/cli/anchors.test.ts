import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "./cli";

const dir = mkdtempSync(join(tmpdir(), "slabscope-cli-anchors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The two-CPU fixture with another schedule. */
function withSteps(steps: string[]): string {
  const s = JSON.parse(
    readFileSync("src/cli/fixtures/two-cpus.json", "utf8"),
  ) as { schedule: { steps: string[] } };
  s.schedule.steps = steps;
  const file = join(dir, `${steps.length}-${steps[0]!.length}.json`);
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe("run with anchored schedule entries", () => {
  it("runs them, and prints an entry it could not follow under the skipped entries", () => {
    const file = withSteps(["producer>___slab_alloc:nowhere", "producer*39"]);
    const r = main(["run", file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines.slice(3, 6)).toEqual([
      "stop      done: every actor finished",
      "skipped   1 schedule entry",
      expect.stringMatching(
        /^ {2}schedule entry 1, "producer>___slab_alloc:nowhere" \(step 0\): ___slab_alloc has no label nowhere in v5\.15/,
      ),
    ]);
    const j = JSON.parse(main(["run", file, "--json"]).stdout) as {
      scheduleProblems: string[];
      steps: number;
    };
    expect(j.scheduleProblems).toHaveLength(1);
    expect(j.steps).toBe(60);
  });

  it("leaves the JSON as it was when every entry is followed", () => {
    const file = withSteps(["producer>___slab_alloc:new_slab", "producer*3"]);
    const j = JSON.parse(main(["run", file, "--json"]).stdout) as object;
    expect(Object.keys(j)).not.toContain("scheduleProblems");
    expect(j).toMatchObject({ skippedEntries: 0, stopReason: "done" });
  });
});
