import {
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { SessionProvider } from "../../store/react";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
import {
  runJob,
  type ExploreMessage,
  type ExploreRequest,
} from "../../explore/job";
import { ExplorePanel, type ExploreWorkerLike } from "./ExplorePanel";

afterEach(cleanup);

/** Runs the job in this thread, a moment after it is posted, as a worker would. */
function inThreadWorker(log: string[]): ExploreWorkerLike {
  const w: ExploreWorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(req: ExploreRequest) {
      log.push(
        `start ${req.split ? `${req.split.index}/${req.split.count}` : "whole"}`,
      );
      setTimeout(() =>
        runJob(req, (m: ExploreMessage) =>
          w.onmessage?.({ data: m } as MessageEvent<ExploreMessage>),
        ),
      );
    },
    terminate() {
      log.push("terminate");
    },
  };
  return w;
}

async function setup() {
  const client = createInThreadClient("test");
  const session = new Session({ client, store: createAppStore() });
  await session.start();
  await session.loadLibrary("r1-put-cpu-partial-stale-page");
  return { client, session };
}

describe("ExplorePanel", () => {
  it("finds R1's race from its operations, shows the schedule, opens it at the finding", async () => {
    const { client, session } = await setup();
    const log: string[] = [];
    render(
      <SessionProvider session={session}>
        <ExplorePanel createWorker={() => inThreadWorker(log)} workers={2} />
      </SessionProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "▶ Explore" }));
    const result = await screen.findByTestId("explore-result", undefined, {
      timeout: 20_000,
    });
    expect(log.slice(0, 2)).toEqual(["start 0/2", "start 1/2"]);
    expect(result.textContent).toMatch(/uaf-slab at step 46/);
    expect(result.textContent).toContain("A*10 irq*36 A");
    expect(screen.getByTestId("explore-status").textContent).toMatch(
      /\d+ schedules .* schedules\/s/,
    );
    fireEvent.click(
      screen.getByRole("button", { name: "Open the counterexample" }),
    );
    await waitFor(() =>
      expect(session.store.getState().timeline.cursor).toBe(47),
    );
    const info = session.store.getState().scenario!;
    expect(info.title).toMatch(/Jann Horn/);
    const opened = await session.currentScenario();
    expect(opened!.schedule).toEqual({
      steps: ["A*10", "irq*36", "A"],
      rest: "stop",
    });
    session.dispose();
    client.dispose();
  }, 30_000);

  it("stop terminates the workers and says so", async () => {
    const { client, session } = await setup();
    const log: string[] = [];
    const silent = (): ExploreWorkerLike => ({
      onmessage: null,
      onerror: null,
      postMessage: () => log.push("start"),
      terminate: () => log.push("terminate"),
    });
    render(
      <SessionProvider session={session}>
        <ExplorePanel createWorker={silent} workers={1} />
      </SessionProvider>,
    );
    fireEvent.click(screen.getByRole("button", { name: "▶ Explore" }));
    fireEvent.click(await screen.findByRole("button", { name: "■ Stop" }));
    expect(log).toEqual(["start", "terminate"]);
    expect(screen.getByTestId("explore-result").textContent).toMatch(/Stopped/);
    session.dispose();
    client.dispose();
  });
});
