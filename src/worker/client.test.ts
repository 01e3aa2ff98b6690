import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createEngineClient,
  createInThreadClient,
  createWorkerClient,
  EngineCrashedError,
} from "./client";
import type { EngineApi } from "./protocol";

/** A Worker that starts but never answers; tests make it fail on demand. */
class SilentWorker extends EventTarget {
  static last: SilentWorker | null = null;
  terminated = false;
  constructor() {
    super();
    SilentWorker.last = this;
  }
  postMessage() {}
  terminate() {
    this.terminated = true;
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  SilentWorker.last = null;
});

describe("in-thread client", () => {
  it("answers ping and counts calls in flight", async () => {
    const client = createInThreadClient("test");
    const changes: number[] = [];
    client.subscribe(() => changes.push(client.inFlight()));

    const reply = client.api.ping();
    expect(client.inFlight()).toBe(1);
    expect(await reply).toEqual({ engineVersion: 1, where: "in-thread" });
    expect(client.inFlight()).toBe(0);
    expect(changes).toEqual([1, 0]);
    expect(client.transport()).toEqual({ kind: "in-thread", reason: "test" });
  });

  it("rejects a method the engine does not have", async () => {
    const client = createInThreadClient();
    const api = client.api as unknown as Record<string, () => Promise<unknown>>;
    await expect(api["toString"]!()).rejects.toThrow(/no method "toString"/);
    expect(client.inFlight()).toBe(0);
  });

  it("is not a thenable, so awaiting the api object is harmless", async () => {
    const client = createInThreadClient();
    const api: EngineApi = await Promise.resolve(client.api);
    expect(api).toBe(client.api);
  });
});

describe("createEngineClient", () => {
  it("falls back to the in-thread engine when there are no Web Workers", async () => {
    vi.stubGlobal("Worker", undefined);
    const client = createEngineClient();
    expect(client.transport()).toEqual({
      kind: "in-thread",
      reason: "this browser has no Web Workers",
    });
    expect((await client.api.ping()).where).toBe("in-thread");
  });

  it("falls back, keeping the reason, when the worker does not answer in time", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createEngineClient({ timeoutMs: 20 });
    expect(client.transport()).toEqual({ kind: "starting" });
    expect(client.inFlight()).toBe(1); // the probe

    const reply = await client.api.ping();
    expect(reply.where).toBe("in-thread");
    expect(client.transport()).toEqual({
      kind: "in-thread",
      reason: "the engine worker did not answer: no answer within 20 ms",
    });
    expect(SilentWorker.last?.terminated).toBe(true);
    expect(client.inFlight()).toBe(0);
  });

  it("falls back at once when the worker fails to load", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createEngineClient({ timeoutMs: 60_000 });
    SilentWorker.last?.dispatchEvent(new Event("error"));
    await client.api.ping();
    expect(client.transport()).toMatchObject({
      kind: "in-thread",
      reason: expect.stringContaining("failed to load") as unknown,
    });
  });
});

describe("worker client", () => {
  it("turns a worker crash into a crashed transport and rejected calls", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createWorkerClient();
    const reply = client.api.ping();
    expect(client.inFlight()).toBe(1);

    SilentWorker.last?.dispatchEvent(
      new ErrorEvent("error", { message: "boom" }),
    );
    await expect(reply).rejects.toThrow("boom");
    expect(client.transport()).toEqual({ kind: "crashed", message: "boom" });
    expect(client.inFlight()).toBe(0);
    await expect(client.api.ping()).rejects.toThrow("boom");
  });
});

describe("a worker that stops without an error event", () => {
  it("misses the per-call deadline: stopped, crashed transport, every call in flight rejected", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createWorkerClient(20);
    const worker = SilentWorker.last!;
    const first = client.api.ping();
    const second = client.api.loadDefault();
    expect(client.inFlight()).toBe(2);
    const message =
      "the engine worker stopped answering (no reply to ping in 20 ms)";
    await expect(first).rejects.toThrow(message);
    await expect(second).rejects.toThrow(EngineCrashedError);
    expect(worker.terminated).toBe(true);
    expect(client.transport()).toEqual({ kind: "crashed", message });
    expect(client.inFlight()).toBe(0);
    // What the app's recovery does next: a new worker.
    await client.restart();
    expect(SilentWorker.last).not.toBe(worker);
    expect(client.transport()).toEqual({ kind: "worker" });
    client.dispose();
  });

  it("createEngineClient passes the deadline on to its worker", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    // The first answer has its own, longer wait; a silent worker falls back in-thread.
    const client = createEngineClient({ timeoutMs: 10_000, callTimeoutMs: 20 });
    await client.api.ping();
    expect(client.transport()).toMatchObject({
      kind: "in-thread",
      reason: expect.stringContaining("stopped answering") as unknown,
    });
    client.dispose();
  });
});

describe("restart", () => {
  it("replaces a crashed worker with a new one", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createWorkerClient();
    const first = SilentWorker.last!;
    first.dispatchEvent(new ErrorEvent("error", { message: "boom" }));
    expect(client.transport()).toEqual({ kind: "crashed", message: "boom" });

    const pending = client.api.ping();
    await expect(pending).rejects.toThrow("boom");
    await client.restart();
    expect(SilentWorker.last).not.toBe(first);
    expect(client.transport()).toEqual({ kind: "worker" });
    // The new worker is the one asked now (it never answers: the call stays in flight).
    const unanswered = client.api.ping();
    expect(client.inFlight()).toBe(1);
    client.dispose();
    await expect(unanswered).rejects.toThrow("disposed");
  });

  it("keeps a fallback in the main thread, with a fresh engine", async () => {
    vi.stubGlobal("Worker", SilentWorker);
    const client = createEngineClient({ timeoutMs: 20 });
    await client.api.loadDefault();
    expect(client.transport().kind).toBe("in-thread");
    await client.restart();
    expect(client.transport().kind).toBe("in-thread");
    await expect(client.api.seek(0)).rejects.toThrow("no scenario is loaded");
  });
});
