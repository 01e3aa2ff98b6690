/**
 * The address bar follows the user (liveLink.ts): Back and Forward must keep the forward history,
 * even when a write prepared for the state before the navigation is still waiting to run.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
import { libraryEntry } from "../../scenarios/library";
import { encodeShare } from "../../share/codec";
import { installLiveLink } from "./liveLink";
import { createShareStore } from "./shareState";

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  localStorage.clear();
});

/** A window whose history writes are recorded and whose timers run when the test says. */
function fakeWindow() {
  const writes: ("push" | "replace")[] = [];
  const timers = new Map<number, () => void>();
  let next = 1;
  const location = { hash: "", pathname: "/", search: "" };
  const record =
    (kind: "push" | "replace") => (_: unknown, __: string, url: string) => {
      writes.push(kind);
      location.hash = url.slice(url.indexOf("#"));
    };
  const win = {
    location,
    history: { pushState: record("push"), replaceState: record("replace") },
    setTimeout: (f: () => void) => {
      timers.set(next, f);
      return next++;
    },
    clearTimeout: (id: number) => void timers.delete(id),
  };
  /** Runs the timers due now (writes may schedule more) and lets their promises settle. */
  const settle = async () => {
    for (let round = 0; round < 10 && timers.size > 0; round++) {
      const due = [...timers.values()];
      timers.clear();
      due.forEach((f) => f());
      // The writes fetch the scenario from the engine: let that settle.
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  return { win, writes, settle, location, pending: () => timers.size };
}

async function started() {
  const client = createInThreadClient("test");
  const session = new Session({ client, store: createAppStore() });
  cleanups.push(() => {
    session.dispose();
    client.dispose();
  });
  await session.start();
  return session;
}

describe("the live link", () => {
  it("drops a write still pending when Back or Forward opens another entry", async () => {
    const session = await started();
    const f = fakeWindow();
    cleanups.push(
      installLiveLink(session, {
        store: createShareStore(),
        win: f.win as unknown as Window,
      }),
    );
    // A cursor move schedules a rewrite of the current entry...
    await session.seek(3);
    expect(f.pending()).toBe(1);
    // ...and before it runs, Forward opens another scenario's entry.
    const r1 = libraryEntry("r1-put-cpu-partial-stale-page")!.scenario;
    f.location.hash = `#${encodeShare({ scenario: r1, view: { cursor: 30 } })}`;
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    expect(f.pending()).toBe(0);
    // The engine takes its time to open it: the old state's write would have run by now.
    await f.settle();
    expect(f.writes).toEqual([]);
    // The app opens the entry (linkSync does it on the same event). The entry already says
    // what is on screen: nothing is written, and above all no new entry is pushed over the
    // forward history (which the old state's write, had it run, would have led to).
    await session.loadScenario(r1);
    await session.seek(30);
    await f.settle();
    expect(f.writes).toEqual([]);
  });
});
