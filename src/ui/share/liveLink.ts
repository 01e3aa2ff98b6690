/**
 * The address bar follows the user: the fragment always holds the scenario on screen (forks
 * included) and the cursor, so a reload, or back and forward, lands on the same step.
 *
 * - Opening another scenario (picker, file, editor) adds a history entry; moving the cursor,
 *   forking or undoing rewrites the current one, so Back returns to the previous scenario at the
 *   step where the user left it rather than walking back step by step.
 * - A scenario opened from the fragment itself (startup, Back, Forward, a pasted link) rewrites
 *   its own entry, so the forward history survives.
 * - A write still pending for the state before such a navigation is dropped (it would land on
 *   the entry just opened).
 * - The scenario is fetched from the engine once per trace (load, fork, undo); a cursor move
 *   only re-encodes it with the new view, a few hundred microseconds, after a short pause.
 * - A timeline too long for a link leaves the fragment as it was (Export JSON carries it).
 */
import type { Scenario } from "../../engine";
import type { Session } from "../../store/session";
import type { AppState } from "../../store/store";
import {
  decodeShare,
  encodeShare,
  looksLikeShareLink,
  type ShareView,
} from "../../share/codec";
import { openedCleanly, remember } from "./linkSync";
import { shareStore, type ShareStore } from "./shareState";

/** How long the cursor must rest before the fragment is rewritten. */
const SETTLE_MS = 200;

export interface LiveLinkOptions {
  store?: ShareStore;
  /** For tests: the history and location to write to. */
  win?: Pick<Window, "history" | "location" | "setTimeout" | "clearTimeout">;
}

export function installLiveLink(
  session: Session,
  { store = shareStore, win = window }: LiveLinkOptions = {},
): () => void {
  let scenario: Scenario | null = null;
  let traceOf: AppState["timeline"]["summary"] = null;
  /** The next write adds a history entry (a scenario the user opened, not one from the URL). */
  let push = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let fetching = false;

  /** Navigations from the address bar (Back, Forward, a pasted link) so far. */
  let navigations = 0;
  // Loads that come from the fragment rewrite their own entry. A write still pending for the
  // state before the navigation is dropped: it would land on the entry just opened, and by
  // clearing `fromUrl` make the load it starts push a new entry, which drops the forward
  // history. The load schedules a write of its own.
  const onHash = () => {
    if (!looksLikeShareLink(win.location.hash)) return;
    fromUrl = true;
    navigations++;
    if (timer !== null) {
      win.clearTimeout(timer);
      timer = null;
    }
  };
  let fromUrl = looksLikeShareLink(win.location.hash);
  window.addEventListener("hashchange", onHash);

  const write = async () => {
    timer = null;
    const at = navigations;
    const st = session.store.getState();
    if (!st.timeline.summary || !st.timeline.frame || st.timeline.pending > 0)
      return schedule();
    if (st.timeline.summary !== traceOf || !scenario) {
      if (fetching) return;
      fetching = true;
      const trace = st.timeline.summary;
      const s = await session.currentScenario();
      fetching = false;
      if (navigations !== at) return;
      if (session.store.getState().timeline.summary !== trace)
        return schedule();
      scenario = s;
      traceOf = trace;
    }
    if (!scenario) return;
    const now = session.store.getState();
    const view: ShareView = { cursor: now.timeline.cursor };
    if (now.selection.actor) view.actor = now.selection.actor;
    if (store.getState().embed) view.embed = true;
    const { cursor: _ignored, ...rest } = scenario;
    void _ignored;
    const fragment = `#${encodeShare({ scenario: rest, view })}`;
    if (fragment === win.location.hash) {
      push = false;
      fromUrl = false;
      return;
    }
    // A link that would be refused on opening is not written (Export JSON carries it).
    if (!decodeShare(fragment).ok) return;
    const url = `${win.location.pathname}${win.location.search}${fragment}`;
    if (push && !fromUrl) win.history.pushState(null, "", url);
    else win.history.replaceState(null, "", url);
    // What is on screen opened cleanly: a bad link at the next startup falls back to it.
    if (openedCleanly(session)) remember(fragment);
    push = false;
    fromUrl = false;
  };

  const schedule = () => {
    if (timer !== null) win.clearTimeout(timer);
    timer = win.setTimeout(() => void write(), SETTLE_MS);
  };

  const unsubscribe = session.store.subscribe((st, prev) => {
    const traceChanged = st.timeline.summary !== prev.timeline.summary;
    if (traceChanged) {
      // A new scenario (not a fork or undo of this one) deserves its own history entry.
      if (st.scenario !== prev.scenario && prev.scenario !== null) push = true;
      scenario = null;
    }
    if (
      traceChanged ||
      st.timeline.cursor !== prev.timeline.cursor ||
      st.selection.actor !== prev.selection.actor
    )
      schedule();
  });
  const unsubscribeShare = store.subscribe((st, prev) => {
    if (st.embed !== prev.embed) schedule();
  });

  return () => {
    unsubscribe();
    unsubscribeShare();
    window.removeEventListener("hashchange", onHash);
    if (timer !== null) win.clearTimeout(timer);
  };
}
