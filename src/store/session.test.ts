import { afterEach, describe, expect, it } from "vitest";
import {
  createInThreadClient,
  EngineCrashedError,
  type EngineClient,
  type Transport,
} from "../worker/client";
import { Timeline } from "../worker/timeline";
import { defaultScenario } from "../scenarios/library/default";
import { narrationCursors, neighbour, Session } from "./session";
import { library } from "../scenarios/library";
import { createAppStore } from "./store";

/** An in-thread client whose transport a test can declare crashed, as a dying worker would. */
function crashableClient(): EngineClient & { crash(message: string): void } {
  const inner = createInThreadClient("test");
  let crashed: Transport | null = null;
  const listeners = new Set<() => void>();
  inner.subscribe(() => listeners.forEach((l) => l()));
  return {
    api: inner.api,
    transport: () => crashed ?? inner.transport(),
    inFlight: () => inner.inFlight(),
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    async restart() {
      crashed = null;
      await inner.restart();
    },
    dispose: () => inner.dispose(),
    crash(message) {
      crashed = { kind: "crashed", message };
      listeners.forEach((l) => l());
    },
  };
}

/** An in-thread client whose seeks, once held, answer only when the test releases them. */
function heldSeekClient() {
  const inner = createInThreadClient("test");
  const asked: number[] = [];
  const waiting: (() => void)[] = [];
  let hold = false;
  const api = new Proxy(inner.api, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== "seek") return value;
      return async (step: number) => {
        asked.push(step);
        if (hold) await new Promise<void>((r) => waiting.push(r));
        return inner.api.seek(step);
      };
    },
  });
  return {
    client: { ...inner, api } as EngineClient,
    asked,
    hold(on: boolean) {
      hold = on;
    },
    /** Lets the oldest held seek answer; true when there was one. */
    release(): boolean {
      const r = waiting.shift();
      r?.();
      return r !== undefined;
    },
  };
}

let sessions: Session[] = [];
afterEach(() => {
  sessions.forEach((s) => s.dispose());
  sessions = [];
});

async function open(client: EngineClient = createInThreadClient("test")) {
  const store = createAppStore();
  const session = new Session({ client, store, testing: true });
  sessions.push(session);
  await session.start();
  return { session, store, state: () => store.getState().timeline };
}

/** Lets pending promise callbacks run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("neighbour", () => {
  it("finds the previous and next mark strictly around the cursor", () => {
    const marks = [0, 5, 9, 20];
    expect(neighbour(marks, 5, 1)).toBe(9);
    expect(neighbour(marks, 5, -1)).toBe(0);
    expect(neighbour(marks, 6, -1)).toBe(5);
    expect(neighbour(marks, 20, 1)).toBeNull();
    expect(neighbour(marks, 0, -1)).toBeNull();
    expect(neighbour([], 3, 1)).toBeNull();
  });
});

describe("Session", () => {
  it("refuses deeply nested JSON (a file's) instead of failing in the engine", async () => {
    const { session, store, state } = await open();
    const title = store.getState().scenario?.title;
    // What JSON.parse makes of 100,000 nested brackets: fine to parse, fatal to clone.
    const deep = JSON.parse(
      `{"actors":${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
    );
    expect(await session.loadScenario(deep)).toBe(false);
    expect(store.getState().loadErrors).toEqual([
      "the JSON nests more than 64 levels deep (a scenario nests about 6)",
    ]);
    expect(state().notice).toBeNull();
    expect(store.getState().scenario?.title).toBe(title);
    // A valid scenario opens as before.
    expect(await session.loadScenario(defaultScenario)).toBe(true);
    expect(store.getState().loadErrors).toBeNull();
  });

  it("opens the default scenario and seeks, keeping only the latest target while busy", async () => {
    const { session, state } = await open();
    const total = new Timeline(defaultScenario).total;
    expect(state().summary?.total).toBe(total);
    expect(state().frame?.step).toBe(0);

    const seen: number[] = [];
    const unsub = session.store.subscribe((s, prev) => {
      if (s.timeline.frame !== prev.timeline.frame)
        seen.push(s.timeline.frame!.step);
    });
    void session.seek(10);
    void session.seek(20);
    await session.seek(30);
    unsub();
    // 20 was overtaken by 30 before it was asked for.
    expect(seen.at(-1)).toBe(30);
    expect(seen).not.toContain(20);
    expect(state().cursor).toBe(30);

    await session.stepBy(-1);
    expect(state().frame?.step).toBe(29);
    await session.toEnd();
    expect(state().frame?.step).toBe(total);
    await session.seek(1e9);
    expect(state().frame?.step).toBe(total);
    expect(state().pending).toBe(0);
  });

  it("keeps at most one seek in flight while scrubbing, and ends on the last pointer position", async () => {
    const fake = heldSeekClient();
    const { session, state } = await open(fake.client);
    fake.asked.length = 0;
    fake.hold(true);
    const done: Promise<void>[] = [];
    // The pointer presses at step 5, then moves 20 times while that seek is still pending.
    done.push(session.seek(5));
    await Promise.resolve();
    for (let i = 1; i <= 20; i++) {
      done.push(session.seek(5 + 3 * i));
      // The cursor follows the pointer at once; the frame follows when the engine answers.
      expect(state().cursor).toBe(5 + 3 * i);
    }
    // Each answer lets the latest target go; release until nothing is held.
    for (;;) {
      await settle();
      if (!fake.release()) break;
    }
    await Promise.all(done);
    expect(fake.asked).toEqual([5, 65]);
    expect(state().cursor).toBe(65);
    expect(state().frame?.step).toBe(65);
    expect(state().pending).toBe(0);
  });

  it("jumps between the narration entries, which explain every finding they precede", async () => {
    const { session, store, state } = await open();
    const r1 = library.find((e) => e.id === "r1-put-cpu-partial-stale-page")!;
    await session.loadLibrary(r1.id);
    const marks = narrationCursors(store.getState().scenario, state().summary);
    expect(marks.length).toBeGreaterThan(2);
    await session.jumpNarration(1);
    expect(state().frame?.step).toBe(marks.find((m) => m > 0));
    await session.jumpNarration(1);
    await session.jumpNarration(-1);
    expect(state().frame?.step).toBe(marks.find((m) => m > 0));
    // "Finding ›" lands on a frame whose narration is the entry at or before the finding.
    await session.jumpFinding(1);
    const at = state().frame!;
    const story = r1.scenario
      .narration!.filter((n) => n.step <= at.step)
      .at(-1)!;
    expect(at.findingsTotal).toBeGreaterThan(0);
    expect(at.narration).toBe(story.text);
  });

  it("jumps between operation boundaries", async () => {
    const { session, state } = await open();
    const ops = state().summary!.opBoundaries;
    await session.jumpOp(1);
    expect(state().frame?.step).toBe(ops.find((b) => b > 0));
    await session.jumpOp(1);
    await session.jumpOp(-1);
    expect(state().frame?.step).toBe(ops.find((b) => b > 0));
  });

  it("forks, says nothing on success, and undoes", async () => {
    const { session, state } = await open();
    await session.seek(40);
    const before = state().summary;
    const b = state().frame!.enabled.find((c) => c.name === "B")!;
    await session.fork(b.actor, b.cpu);
    expect(state().frame?.step).toBe(41);
    expect(state().frame?.event?.actor).toBe("B");
    expect(state().summary?.forks).toEqual([40]);
    await session.undo();
    expect(state().frame?.step).toBe(40);
    expect(state().summary).toEqual(before);
    expect(state().notice).toBeNull();
  });

  it("shows a refused fork as a notice and keeps the trace", async () => {
    const { session, state } = await open();
    const before = state().summary;
    await session.fork(99, 0);
    expect(state().notice).toEqual({
      kind: "error",
      text: "actor 99 may not take a step on cpu 0 at step 0",
    });
    expect(state().summary).toBe(before);
  });

  it("recovers from an engine exception: reloads, replays the forks, restores the cursor", async () => {
    const { session, state } = await open();
    await session.seek(40);
    const b = state().frame!.enabled.find((c) => c.name === "B")!;
    await session.fork(b.actor, b.cpu);
    await session.seek(60);
    const summary = state().summary;
    const frame = state().frame;

    await session.crashForTesting("engine");
    expect(state().notice?.text).toMatch(
      /^The engine failed \(the engine failed on purpose \(testing\)\)\. It was restarted: the scenario was reloaded, your fork replayed and the cursor restored to step 60\.$/,
    );
    expect(state().summary).toEqual(summary);
    expect(state().frame).toEqual(frame);
    expect(state().pending).toBe(0);
    // Still usable, with the undo stack rebuilt.
    await session.undo();
    expect(state().frame?.step).toBe(40);
  });

  it("recovers from a worker that dies between calls", async () => {
    const client = crashableClient();
    const { session, state } = await open(client);
    await session.seek(25);
    client.crash("out of memory");
    expect(state().pending).toBe(1);
    await session.seek(26); // queued behind the recovery
    expect(state().notice?.text).toBe(
      "The engine worker crashed (out of memory). It was restarted: the scenario was reloaded and the cursor restored to step 25.",
    );
    expect(state().frame?.step).toBe(26);
    expect(state().pending).toBe(0);
    expect(new EngineCrashedError("x").name).toBe("EngineCrashedError");
  });

  it("opens a valid scenario and reports the errors of an invalid one", async () => {
    const { session, store, state } = await open();
    await session.loadScenario({ ...defaultScenario, title: "another" });
    expect(store.getState().scenario?.title).toBe("another");
    await session.loadScenario({ format: "nope" });
    expect(store.getState().loadErrors?.length).toBeGreaterThan(0);
    expect(store.getState().scenario?.title).toBe("another");
    expect(state().frame).not.toBeNull();
  });

  it("opens a library scenario and reopens it after a crash", async () => {
    const { session, store, state } = await open();
    const items = store.getState().library;
    expect(items.length).toBeGreaterThan(0);
    const item = items.find((e) => e.hasFix)!;
    await session.loadLibrary(item.id, true);
    expect(store.getState().source).toBe(`library:${item.id}:fixed`);
    expect(store.getState().scenario?.title).toMatch(/\(fixed kernel\)$/);
    await session.seek(5);
    await session.crashForTesting("engine");
    expect(store.getState().scenario?.title).toMatch(/\(fixed kernel\)$/);
    expect(state().frame?.step).toBe(5);
    await session.loadLibrary("no-such-race");
    expect(store.getState().loadErrors).toEqual([
      'no scenario "no-such-race" in the library',
    ]);
  });

  it("plays and stops at the end; idle bookkeeping returns to zero", async () => {
    const { session, state } = await open();
    session.setSpeed(120);
    await session.seek(state().summary!.total - 5);
    session.play();
    expect(state().playing).toBe(true);
    await new Promise<void>((resolve) => {
      const unsub = session.store.subscribe((s) => {
        if (!s.timeline.playing) {
          unsub();
          resolve();
        }
      });
    });
    expect(state().frame?.step).toBe(state().summary!.total);
    expect(state().pending).toBe(0);
  });
  it("keeps the chosen speed when a frame is slow: the next seek jumps to the step that is due", async () => {
    const fake = heldSeekClient();
    const { session, state } = await open(fake.client);
    session.setSpeed(30);
    fake.asked.length = 0;
    fake.hold(true);
    session.play();
    await settle();
    // The first seek (one step on) takes 400 ms at least: 12 steps are due by then.
    expect(fake.asked).toEqual([1]);
    const t0 = performance.now();
    while (performance.now() - t0 < 400)
      await new Promise((r) => setTimeout(r, 20));
    fake.hold(false);
    fake.release();
    await expect.poll(() => fake.asked.length).toBeGreaterThan(1);
    expect(fake.asked[1]).toBeGreaterThanOrEqual(12);
    // Never more than a second's worth at once.
    expect(fake.asked[1]).toBeLessThanOrEqual(1 + 30);
    session.pause();
    expect(state().playing).toBe(false);
  });
  it("drops a finding's highlight when another trace is shown (load, fork, undo)", async () => {
    const { session, store } = await open();
    const mark = { slabs: [1], objects: [3] };
    const set = () => store.getState().setHighlight(mark);
    const highlight = () => store.getState().selection.highlight;

    set();
    await session.loadLibrary("r1-put-cpu-partial-stale-page");
    expect(highlight()).toBeNull();

    set();
    const c = store.getState().timeline.frame!.enabled[0]!;
    await session.fork(c.actor, c.cpu);
    expect(highlight()).toBeNull();

    set();
    await session.undo();
    expect(highlight()).toBeNull();

    set();
    await session.loadDefault();
    expect(highlight()).toBeNull();
  });
});
