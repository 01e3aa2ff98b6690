import { afterEach, describe, expect, it } from "vitest";
import { Session } from "../../store/session";
import { createAppStore } from "../../store/store";
import { createInThreadClient } from "../../worker/client";
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

async function started() {
  const client = createInThreadClient("test");
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
