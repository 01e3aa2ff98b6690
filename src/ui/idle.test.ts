import { afterEach, describe, expect, it } from "vitest";
import { createAppStore } from "../store/store";
import { createInThreadClient } from "../worker/client";
import { installIdleSignal } from "./idle";

const nextFrame = () =>
  new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

describe("idle signal", () => {
  let uninstall = () => {};
  afterEach(() => uninstall());

  it("is busy while connecting and while a request is in flight, idle once painted", async () => {
    const client = createInThreadClient("test");
    const store = createAppStore();
    const root = document.createElement("div");
    uninstall = installIdleSignal({ client, store, root });

    expect(window.__slabscopeIdle?.()).toBe(false);
    expect(root.dataset.idle).toBe("false");

    const reply = client.api.ping();
    expect(client.inFlight()).toBe(1);
    store.getState().connected(await reply, null);
    expect(client.inFlight()).toBe(0);
    expect(window.__slabscopeIdle?.()).toBe(false); // the change is not painted yet

    await nextFrame();
    await nextFrame();
    expect(window.__slabscopeIdle?.()).toBe(true);
    expect(root.dataset.idle).toBe("true");
  });
});

describe("idle signal while playing or busy", () => {
  let uninstall = () => {};
  afterEach(() => uninstall());

  it("is never idle while the player runs or a session operation is pending", async () => {
    const client = createInThreadClient("test");
    const store = createAppStore();
    const root = document.createElement("div");
    uninstall = installIdleSignal({ client, store, root });
    store.getState().connected(await client.api.ping(), null);
    await nextFrame();
    await nextFrame();
    expect(window.__slabscopeIdle?.()).toBe(true);

    store.getState().setPlaying(true);
    await nextFrame();
    await nextFrame();
    expect(window.__slabscopeIdle?.()).toBe(false);
    store.getState().setPlaying(false);
    store.getState().begin();
    await nextFrame();
    await nextFrame();
    expect(window.__slabscopeIdle?.()).toBe(false);
    store.getState().end();
    await nextFrame();
    await nextFrame();
    expect(root.dataset.idle).toBe("true");
  });
});
