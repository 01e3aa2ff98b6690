/**
 * Hooks for the end-to-end tests, installed only with `?testing=1`:
 *
 *   window.__slabscopeTest.crash("worker")   the worker dies of an uncaught error
 *   window.__slabscopeTest.crash("engine")   an engine call throws, as an engine bug would
 *   window.__slabscopeTest.crash("silent")   the worker stops without an error event; the
 *                                            per-call deadline (?engineTimeoutMs=N) notices
 *
 * Either way the app restarts the engine and restores where the user was (src/store/session.ts).
 */
import type { Session } from "../store/session";
import type { CrashKind } from "../worker/protocol";

declare global {
  interface Window {
    __slabscopeTest?: { crash(how: CrashKind): void };
  }
}

export function installTestHooks(session: Session): () => void {
  window.__slabscopeTest = {
    crash: (how) => void session.crashForTesting(how),
  };
  return () => {
    delete window.__slabscopeTest;
  };
}
