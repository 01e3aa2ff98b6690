import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { library } from "../scenarios/library";
import { runSession, start } from "../engine/run";
import { checkKeptSlabChecks } from "../engine/checks";
import { selfCheckRuns } from "./selfCheckRuns";

// After a step that moved no slab, the slab checks run again on the pages the step reached
// only (checks.ts `slabChecksOfReached`). With the self-check on, each such check is followed
// by a full one and their problems compared: a page whose problems changed without the step
// reaching it, or a place that moved without `placesSame` seeing it, throws here.

beforeAll(() => checkKeptSlabChecks(true));
afterAll(() => checkKeptSlabChecks(false));

describe("the slab checks of the reached pages equal a full slab check", () => {
  it.each(library.map((e) => [e.id, e] as const))(
    "on library scenario %s as scripted",
    (_id, e) => {
      expect(runSession(start(e.scenario)).steps).toBeGreaterThan(0);
    },
  );
  selfCheckRuns(true);
});
