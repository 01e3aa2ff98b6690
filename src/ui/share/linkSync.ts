/**
 * The address bar and the app: on startup and on every `hashchange`, a `#s=...` fragment is
 * decoded and opened at its step, with its view. A bad link is refused with the reasons and the
 * app stays where it is (at startup: on the last link that opened, or the default scenario).
 * The editor's draft is never touched by a link.
 */
import type { Session } from "../../store/session";
import type { Scenario } from "../../engine";
import {
  decodeShare,
  encodeShare,
  looksLikeShareLink,
  type ShareView,
} from "../../share/codec";
import { shareStore, type ShareStore } from "./shareState";

/**
 * localStorage: the last link that opened cleanly (the engine neither failed loading it nor
 * partway through its trace), to fall back on when a link at startup is bad.
 */
export const LAST_GOOD_LINK = "slabscope.lastGoodLink";

export function remember(link: string): void {
  try {
    localStorage.setItem(LAST_GOOD_LINK, link);
  } catch {
    // Storage may be full or off (private windows): the link still opened.
  }
}

/**
 * Whether what is on screen may become the last good link: its trace ran to an end of the
 * kernel's (not an engine failure partway), so opening it again at startup is safe.
 */
export function openedCleanly(session: Session): boolean {
  const summary = session.store.getState().timeline.summary;
  return summary !== null && summary.stopReason !== "engine-error";
}

function lastGood(): string | null {
  try {
    return localStorage.getItem(LAST_GOOD_LINK);
  } catch {
    return null;
  }
}

/** Opens a link; false (with the reasons in the share store, unless `quiet`) when it is refused. */
export async function openLink(
  session: Session,
  link: string,
  store: ShareStore = shareStore,
  quiet = false,
): Promise<boolean> {
  const r = decodeShare(link);
  if (!r.ok) {
    if (!quiet) store.getState().refuse("The link was not opened", r.errors);
    return false;
  }
  const cursor = r.view.cursor ?? r.scenario.cursor;
  const shown = await session.loadScenario(
    cursor === undefined ? r.scenario : { ...r.scenario, cursor },
  );
  const refused = session.store.getState().loadErrors;
  if (refused) {
    if (!quiet) store.getState().refuse("The link was not opened", refused);
    return false;
  }
  // The engine failed on it: the app says so and is back where it was; nothing to remember.
  if (!shown) return false;
  session.store.getState().selectActor(r.view.actor ?? null);
  store.getState().setEmbed(r.view.embed === true);
  if (!quiet) store.getState().clearProblem();
  if (openedCleanly(session)) remember(link);
  return true;
}

/** Opens the fragment now and on every hashchange; returns the uninstaller. */
export function installLinkSync(
  session: Session,
  store: ShareStore = shareStore,
): () => void {
  const fromHash = (startup: boolean) => {
    const hash = location.hash;
    if (!looksLikeShareLink(hash)) return;
    // Both loads are queued at once (no await in between), so the app is never idle on the
    // default scenario in the middle.
    void openLink(session, hash, store);
    if (startup && !decodeShare(hash).ok) {
      // The message about the bad link stays; the app opens where the user last was.
      const last = lastGood();
      if (last && last !== hash) void openLink(session, last, store, true);
    }
  };
  fromHash(true);
  const onHashChange = () => fromHash(false);
  window.addEventListener("hashchange", onHashChange);
  return () => window.removeEventListener("hashchange", onHashChange);
}

/** The link to the loaded scenario as it stands, at the cursor, with the view. */
export async function currentLink(
  session: Session,
  extra: ShareView = {},
): Promise<string | null> {
  const scenario: Scenario | null = await session.currentScenario();
  if (!scenario) return null;
  const st = session.store.getState();
  const view: ShareView = { cursor: st.timeline.cursor };
  if (st.selection.actor) view.actor = st.selection.actor;
  Object.assign(view, extra);
  const { cursor: _ignored, ...rest } = scenario;
  void _ignored;
  return `${location.origin}${location.pathname}#${encodeShare({ scenario: rest, view })}`;
}
