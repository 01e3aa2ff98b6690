/**
 * The equivalence guard: the engine's behaviour on the library and on random scenarios and
 * schedules, held to a golden file recorded from a known-good engine (see equivalence.ts).
 * Optimisations of the checks and the scheduler must keep every digest identical.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { digest, equivalenceCases, type Digest } from "./equivalence";

const GOLDEN = fileURLToPath(
  new URL("./equivalence.golden.json", import.meta.url),
);

describe("the engine's behaviour is unchanged", () => {
  const cases = equivalenceCases();

  it("every case digests as recorded", { timeout: 300_000 }, () => {
    const got: Digest[] = cases.map((c) => digest(c.id, c.scenario(), c.seed));
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(
        GOLDEN,
        `[\n${got.map((d) => JSON.stringify(d)).join(",\n")}\n]\n`,
      );
      return;
    }
    const want = JSON.parse(readFileSync(GOLDEN, "utf8")) as Digest[];
    expect(got.map((d) => d.id)).toEqual(want.map((d) => d.id));
    const byId = new Map(want.map((d) => [d.id, d]));
    for (const d of got) expect(d, d.id).toEqual(byId.get(d.id));
  });
});
