import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
import { retryGoal, toggleGoal } from "./Goal";

const client = createInThreadClient("test");
const session = new Session({ client, store: createAppStore() });
const state = () => session.store.getState();

beforeAll(async () => {
  await session.start();
  await session.loadLibrary("r1-put-cpu-partial-stale-page");
});
afterAll(() => {
  session.dispose();
  client.dispose();
});

describe("goal mode's state", () => {
  it("starts an attempt at the beginning, and try again undoes only the attempt's forks", async () => {
    await session.seek(10);
    await session.fork(state().timeline.frame!.enabled.at(-1)!.actor, 0);
    const before = state().timeline.summary!.undoDepth;
    expect(before).toBe(1);

    await toggleGoal(session);
    expect(state().panes.goal).toEqual({ start: 0, undoDepth: 1 });
    expect(state().timeline.cursor).toBe(0);

    const c = state().timeline.frame!.enabled;
    await session.fork(c.at(-1)!.actor, c.at(-1)!.cpu);
    await session.seek(5);
    await session.fork(
      state().timeline.frame!.enabled[0]!.actor,
      state().timeline.frame!.enabled[0]!.cpu,
    );
    expect(state().timeline.summary!.undoDepth).toBe(3);

    await retryGoal(session);
    expect(state().timeline.summary!.undoDepth).toBe(1);
    expect(state().timeline.cursor).toBe(0);
    expect(state().panes.goal).not.toBeNull();

    await toggleGoal(session);
    expect(state().panes.goal).toBeNull();
  });

  it("ends when another scenario is opened", async () => {
    await toggleGoal(session);
    expect(state().panes.goal).not.toBeNull();
    await session.loadLibrary("r1-put-cpu-partial-stale-page", true);
    expect(state().panes.goal).toBeNull();
  });
});
