import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient, type EngineClient } from "../../worker/client";
import { libraryEntry } from "../../scenarios/library";
import { encodeShare } from "../../share/codec";
import {
  currentLink,
  installLinkSync,
  LAST_GOOD_LINK,
  openLink,
} from "./linkSync";
import { createShareStore } from "./shareState";

const cleanups: (() => void)[] = [];
afterEach(() => {
  cleanups.splice(0).forEach((c) => c());
  localStorage.clear();
  history.replaceState(null, "", "/");
});

/**
 * An in-thread engine whose next `load` goes wrong: `throws` as an engine bug in loading does,
 * or `engine-error` loads a trace the engine failed partway through.
 */
function failingClient(): {
  client: EngineClient;
  failNext: (how: "throws" | "engine-error") => void;
} {
  const inner = createInThreadClient("test");
  let fail: "throws" | "engine-error" | null = null;
  const api = new Proxy(inner.api, {
    get(target, property, receiver) {
      const method = Reflect.get(target, property, receiver) as unknown;
      if (property !== "load" || fail === null) return method;
      const how = fail;
      fail = null;
      return async (scenario: unknown) => {
        if (how === "throws") throw new Error("the engine broke on this one");
        const r = await target.load(scenario);
        if (r.ok) {
          r.timeline.stopReason = "engine-error";
          r.timeline.error = "the engine failed at step 3: broken";
        }
        return r;
      };
    },
  });
  return {
    client: { ...inner, api },
    failNext: (how) => {
      fail = how;
    },
  };
}

async function started(client: EngineClient = createInThreadClient("test")) {
  const session = new Session({ client, store: createAppStore() });
  cleanups.push(() => {
    session.dispose();
    client.dispose();
  });
  await session.start();
  return { session, share: createShareStore() };
}

const r1 = libraryEntry("r1-put-cpu-partial-stale-page")!.scenario;
const r1Link = (view = {}) =>
  `http://localhost/#${encodeShare({ scenario: r1, view: { cursor: 40, actor: "irq", ...view } })}`;

describe("links in the app", () => {
  it("open the scenario at the link's step, with its selected actor and embed mode", async () => {
    const { session, share } = await started();
    expect(await openLink(session, r1Link({ embed: true }), share)).toBe(true);
    const st = session.store.getState();
    expect(st.scenario?.title).toBe(r1.title);
    expect(st.timeline.frame?.step).toBe(40);
    expect(st.selection.actor).toBe("irq");
    expect(share.getState().embed).toBe(true);
    expect(share.getState().problem).toBeNull();
    expect(localStorage.getItem(LAST_GOOD_LINK)).toBe(r1Link({ embed: true }));
  });

  it("a bad link leaves the scenario, the step and the last good link as they were", async () => {
    const { session, share } = await started();
    await openLink(session, r1Link(), share);
    const before = session.store.getState();
    expect(await openLink(session, "#s=1.%%", share)).toBe(false);
    const after = session.store.getState();
    expect(after.scenario).toBe(before.scenario);
    expect(after.timeline.frame).toBe(before.timeline.frame);
    expect(share.getState().problem?.errors[0]).toMatch(/malformed base64url/);
    expect(localStorage.getItem(LAST_GOOD_LINK)).toBe(r1Link());
  });

  it("a link the engine fails to load is not opened and never becomes the last good link", async () => {
    const { client, failNext } = failingClient();
    const { session, share } = await started(client);
    expect(await openLink(session, r1Link(), share)).toBe(true);
    const before = session.store.getState().scenario;
    const other = `#${encodeShare({ scenario: libraryEntry("r18-missing-tid-bump")!.scenario, view: {} })}`;
    failNext("throws");
    expect(await openLink(session, other, share)).toBe(false);
    const st = session.store.getState();
    expect(st.timeline.notice?.text).toMatch(
      /^The engine failed \(the engine broke on this one\)\. It was restarted/,
    );
    expect(st.scenario?.title).toBe(before?.title);
    expect(localStorage.getItem(LAST_GOOD_LINK)).toBe(r1Link());
  });

  it("a link whose trace the engine failed partway is shown but not remembered", async () => {
    const { client, failNext } = failingClient();
    const { session, share } = await started(client);
    await openLink(session, r1Link(), share);
    failNext("engine-error");
    const other = `#${encodeShare({ scenario: libraryEntry("r18-missing-tid-bump")!.scenario, view: {} })}`;
    expect(await openLink(session, other, share)).toBe(true);
    expect(session.store.getState().timeline.summary?.stopReason).toBe(
      "engine-error",
    );
    expect(localStorage.getItem(LAST_GOOD_LINK)).toBe(r1Link());
  });

  it("at startup, a bad link falls back to the last good one and keeps the message", async () => {
    localStorage.setItem(LAST_GOOD_LINK, r1Link());
    history.replaceState(null, "", "/#s=7.AAAA");
    const { session, share } = await started();
    cleanups.push(installLinkSync(session, share));
    await session.seek(40); // queued behind the link's load
    expect(session.store.getState().scenario?.title).toBe(r1.title);
    expect(share.getState().problem?.errors[0]).toMatch(
      /unknown link version 7/,
    );
  });

  it("the current link carries the forks: it reopens the same timeline", async () => {
    const { session } = await started();
    await session.seek(5);
    const frame = session.store.getState().timeline.frame!;
    const other = frame.enabled.find((c) => !c.scheduled)!;
    await session.fork(other.actor, other.cpu);
    await session.seek(12);
    const link = await currentLink(session);
    const want = session.store.getState();

    const { session: fresh, share } = await started();
    expect(await openLink(fresh, link!, share)).toBe(true);
    const got = fresh.store.getState();
    expect(got.timeline.frame).toEqual(want.timeline.frame);
    expect(Array.from(got.timeline.summary!.actorOfStep)).toEqual(
      Array.from(want.timeline.summary!.actorOfStep),
    );
  });
});
