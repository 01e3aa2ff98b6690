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
  runErasJob,
  type ErasMessage,
  type ErasRequest,
} from "../../worker/erasJob";
import { compareEras } from "../../engine/cost";
import { mainlineEras } from "../../engine/variants";
import { libraryEntry } from "../../scenarios/library";
import { ErasPanel, type ErasWorkerLike } from "./ErasPanel";

afterEach(cleanup);

/** Runs the job in this thread, a moment after it is posted, as a worker would. */
function inThreadWorker(log: string[]): ErasWorkerLike {
  const w: ErasWorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(req: ErasRequest) {
      log.push(`start ${req.variants.join(",")}`);
      setTimeout(() =>
        runErasJob(req, (m: ErasMessage) =>
          w.onmessage?.({ data: m } as MessageEvent<ErasMessage>),
        ),
      );
    },
    terminate() {
      log.push("terminate");
    },
  };
  return w;
}

const SHEAVES = "s4-sheaves-tour";

async function setup() {
  const client = createInThreadClient("test");
  const session = new Session({ client, store: createAppStore() });
  await session.start();
  await session.loadLibrary(SHEAVES);
  return { client, session };
}

describe("ErasPanel", () => {
  it("shows each era's numbers for the loaded scenario, as the engine counts them, and opens it on one era", async () => {
    const { client, session } = await setup();
    const log: string[] = [];
    render(
      <SessionProvider session={session}>
        <ErasPanel createWorker={() => inThreadWorker(log)} />
      </SessionProvider>,
    );
    expect(await screen.findByTestId("eras-status")).toBeTruthy();
    await screen.findByTestId("eras-table", undefined, { timeout: 20_000 });
    expect(log[0]).toBe(`start ${mainlineEras().join(",")}`);
    const want = compareEras(libraryEntry(SHEAVES)!.scenario);
    const heads = screen
      .getAllByRole("columnheader")
      .map((h) => h.getAttribute("data-era"))
      .filter((x) => x !== null);
    expect(heads).toEqual(mainlineEras());
    for (const r of want.eras) {
      if (r.kind !== "ran") continue;
      const cell = (key: string) =>
        screen.getByTestId(`eras-totals-${key}-${r.variant}`).textContent;
      expect(cell("steps")).toBe(String(r.totals.steps));
      expect(cell("cpuCmpxchg")).toBe(String(r.totals.cpuCmpxchg));
      expect(cell("listLock")).toBe(String(r.totals.listLock));
      expect(cell("slabs")).toBe(String(r.totals.slabs));
    }
    // The cover letter's claim, as the table shows it: no this_cpu_cmpxchg_double with sheaves.
    expect(
      screen.getByTestId("eras-kind-alloc-cpuCmpxchg-v7.0").textContent,
    ).toBe("0");
    expect(
      Number(
        screen.getByTestId("eras-kind-alloc-cpuCmpxchg-v5.15").textContent,
      ),
    ).toBeGreaterThan(0);
    expect(screen.getByTestId("eras-schedule").textContent).toMatch(
      /^Schedule: serial/,
    );

    fireEvent.click(
      screen.getByRole("button", { name: "open the scenario on v5.15" }),
    );
    await waitFor(() =>
      expect(session.store.getState().scenario?.kernel).toBe("v5.15"),
    );
    const opened = await session.currentScenario();
    const v515 = want.eras.find((r) => r.variant === "v5.15")!;
    expect(opened!.schedule).toEqual({
      steps: v515.kind === "ran" ? v515.schedule : [],
      rest: "stop",
    });
    expect(session.store.getState().timeline.summary?.total).toBe(
      v515.kind === "ran" ? v515.steps : -1,
    );
    session.dispose();
    client.dispose();
  }, 30_000);
});
