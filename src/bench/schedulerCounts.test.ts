import { afterAll, beforeAll, describe } from "vitest";
import { checkSchedulerCounts } from "../engine/scheduler";
import { selfCheckRuns } from "./selfCheckRuns";

// The random scheduler reuses its choice counts while nothing it reads was written
// (schedWrites.ts). With the self-check on, every reuse is recounted and compared: a writer of
// scheduler state that forgot to bump the count throws here, naming the step and the actor.

beforeAll(() => checkSchedulerCounts(true));
afterAll(() => checkSchedulerCounts(false));

describe("the random scheduler's reused counts equal a recount", () => {
  selfCheckRuns(false);
});
