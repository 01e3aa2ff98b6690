/**
 * The idle signal that end-to-end tests wait on instead of sleeping. Always installed (it is
 * cheap), not only under `?testing=1`:
 *
 *   window.__slabscopeIdle()   true when no engine request is in flight, the engine client has
 *                              chosen its transport, the app is not still connecting, no
 *                              session operation (load, seek, fork, crash recovery) is running,
 *                              the player is paused, no store change is waiting to be
 *                              rendered and painted, and no slab card is sliding to its
 *                              new place;
 *   <div id="root" data-idle="true|false">   the same value, as an attribute.
 *
 * "Waiting to be rendered" is two animation frames after the last store change: React commits
 * store updates before the next frame, and the second frame has painted that commit.
 * While playing the app is never idle: a test pauses first, then waits.
 */
import type { AppStore } from "../store/store";
import { motionsRunning, subscribeMotion } from "./state/motion";
import type { EngineClient } from "../worker/client";

declare global {
  interface Window {
    __slabscopeIdle?: () => boolean;
  }
}

export interface IdleSignalOptions {
  client: EngineClient;
  store: AppStore;
  /** The element that carries `data-idle`. */
  root: HTMLElement;
}

export function installIdleSignal({
  client,
  store,
  root,
}: IdleSignalOptions): () => void {
  let changesAwaitingPaint = 0;

  const isIdle = () => {
    const state = store.getState();
    return (
      client.inFlight() === 0 &&
      client.transport().kind !== "starting" &&
      client.transport().kind !== "crashed" &&
      state.connection.kind !== "connecting" &&
      state.timeline.pending === 0 &&
      !state.timeline.playing &&
      changesAwaitingPaint === 0 &&
      motionsRunning() === 0
    );
  };

  const update = () => {
    root.dataset.idle = String(isIdle());
  };

  const onStoreChange = () => {
    changesAwaitingPaint += 1;
    update();
    requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        changesAwaitingPaint -= 1;
        update();
      }),
    );
  };

  const unsubscribeClient = client.subscribe(update);
  const unsubscribeStore = store.subscribe(onStoreChange);
  const unsubscribeMotion = subscribeMotion(update);
  window.__slabscopeIdle = isIdle;
  update();

  return () => {
    unsubscribeClient();
    unsubscribeStore();
    unsubscribeMotion();
    delete window.__slabscopeIdle;
    delete root.dataset.idle;
  };
}
