/**
 * The session: the one place that turns the user's intent (seek, play, fork, undo, open a
 * scenario) into engine calls and writes the answers into the store. The UI calls it and reads
 * the store; it never talks to the engine itself.
 *
 * Engine calls run one at a time, in order. Seeks coalesce: while one is in flight only the
 * latest target is kept, so scrubbing never queues up stale frames.
 *
 * Recovery: a rejected call means the engine failed (refusals are answers, see protocol.ts), and
 * a crashed worker is noticed even between calls. Either way the engine is restarted, the
 * scenario reloaded, the user's forks replayed, the cursor restored, and a notice says what
 * happened. The session keeps what that takes: the scenario's source and the forks in order.
 */
import type { AppStore, SourceRef, Speed } from "./store";
import {
  EngineCrashedError,
  errorMessage,
  type EngineClient,
} from "../worker/client";
import type {
  CrashKind,
  Opened,
  ScenarioInfo,
  TimelineSummary,
} from "../worker/protocol";
import type { Scenario } from "../engine";
import { nestingError } from "../scenarios/nesting";

type Source =
  | { kind: "default" }
  | { kind: "library"; id: string; fixed: boolean }
  | { kind: "scenario"; scenario: unknown };

interface ForkIntent {
  step: number;
  actor: number;
  cpu: number;
}

export interface SessionOptions {
  client: EngineClient;
  store: AppStore;
  /** `?testing=1`: the engine's test-only methods are turned on. */
  testing?: boolean;
}

/** The nearest entry of the ascending `marks` strictly before (-1) or after (+1) `cursor`. */
export function neighbour(
  marks: readonly number[],
  cursor: number,
  dir: -1 | 1,
): number | null {
  let lo = 0;
  let hi = marks.length;
  // First index whose mark is > cursor (dir 1) or >= cursor (dir -1).
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = marks[mid]!;
    if (dir === 1 ? m <= cursor : m < cursor) lo = mid + 1;
    else hi = mid;
  }
  if (dir === 1) return lo < marks.length ? marks[lo]! : null;
  return lo > 0 ? marks[lo - 1]! : null;
}

export class Session {
  readonly client: EngineClient;
  readonly store: AppStore;
  private readonly testing: boolean;
  private source: Source = { kind: "default" };
  private forks: ForkIntent[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private seekTarget: number | null = null;
  private seekLoop: Promise<void> | null = null;
  private recovering: Promise<void> | null = null;
  private playTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Where playback started counting: the step and the time. Each tick aims at the step this
   * clock says is due, so a slow frame makes the next one jump further instead of making the
   * whole playback slower than the chosen speed.
   */
  private playClock: { step: number; at: number } | null = null;
  private unsubscribe = () => {};

  constructor({ client, store, testing = false }: SessionOptions) {
    this.client = client;
    this.store = store;
    this.testing = testing;
  }

  /** Connects, opens the default scenario, and starts watching for crashes. */
  start(): Promise<void> {
    this.unsubscribe = this.client.subscribe(() => {
      const t = this.client.transport();
      if (t.kind === "crashed" && !this.recovering)
        void this.tracked(() =>
          this.recover(new EngineCrashedError(t.message)),
        );
    });
    return this.run(() => this.reopen(null));
  }

  dispose(): void {
    this.pause();
    this.unsubscribe();
  }

  private get state() {
    return this.store.getState();
  }

  private get total(): number {
    return this.state.timeline.summary?.total ?? 0;
  }

  // ---- Moving through time ----

  /** Moves the cursor to `step` (clamped); resolves once that frame, or a later target's, is shown. */
  seek(step: number): Promise<void> {
    const target = Math.max(0, Math.min(Math.round(step), this.total));
    this.state.setCursor(target);
    this.seekTarget = target;
    if (!this.seekLoop) {
      this.seekLoop = this.run(async () => {
        while (this.seekTarget !== null) {
          const t = this.seekTarget;
          this.seekTarget = null;
          const frame = await this.client.api.seek(t);
          this.state.showFrame(frame);
          await this.syncCompare(t);
        }
      }).finally(() => {
        this.seekLoop = null;
      });
    }
    return this.seekLoop;
  }

  stepBy(delta: number): Promise<void> {
    this.pause();
    return this.seek(this.state.timeline.cursor + delta);
  }

  toStart(): Promise<void> {
    this.pause();
    return this.seek(0);
  }

  toEnd(): Promise<void> {
    this.pause();
    return this.seek(this.total);
  }

  /** To the previous or next operation boundary. */
  jumpOp(dir: -1 | 1): Promise<void> {
    return this.jump(this.state.timeline.summary?.opBoundaries ?? [], dir);
  }

  /** To the previous or next step where a finding shows up. */
  jumpFinding(dir: -1 | 1): Promise<void> {
    return this.jump(findingCursors(this.state.timeline.summary), dir);
  }

  /** To the previous or next entry of the scenario's narration. */
  jumpNarration(dir: -1 | 1): Promise<void> {
    return this.jump(
      narrationCursors(this.state.scenario, this.state.timeline.summary),
      dir,
    );
  }

  private jump(marks: readonly number[], dir: -1 | 1): Promise<void> {
    this.pause();
    const to = neighbour(marks, this.state.timeline.cursor, dir);
    return to === null ? Promise.resolve() : this.seek(to);
  }

  play(): void {
    if (this.state.timeline.playing || !this.state.timeline.summary) return;
    this.state.setPlaying(true);
    const restart = this.state.timeline.cursor >= this.total;
    void (restart ? this.seek(0) : Promise.resolve()).then(() => {
      this.playClock = null;
      this.tick();
    });
  }

  pause(): void {
    if (this.playTimer !== null) clearTimeout(this.playTimer);
    this.playTimer = null;
    if (this.state.timeline.playing) this.state.setPlaying(false);
  }

  togglePlay(): void {
    if (this.state.timeline.playing) this.pause();
    else this.play();
  }

  setSpeed(speed: Speed): void {
    this.state.setSpeed(speed);
    // The new speed counts from here.
    this.playClock = null;
  }

  private tick(): void {
    this.playTimer = null;
    const { playing, cursor, speed } = this.state.timeline;
    if (!playing) return;
    if (cursor >= this.total) return this.pause();
    // Above 60 steps a second, several steps per frame rather than more frames.
    const stride = Math.max(1, Math.round(speed / 60));
    const interval = (1000 * stride) / speed;
    const t0 = performance.now();
    const clock =
      this.playClock && this.playClock.step <= cursor
        ? this.playClock
        : (this.playClock = { step: cursor, at: t0 });
    // The step the clock says is due, at least one stride on; never more than a second's worth
    // ahead of the cursor (after the tab slept, playback resumes rather than leaps).
    const due = clock.step + Math.floor(((t0 - clock.at) * speed) / 1000);
    const to = Math.min(
      this.total,
      Math.max(cursor + stride, Math.min(due, cursor + speed)),
    );
    if (due > cursor + speed) this.playClock = { step: to, at: t0 };
    void this.seek(to).then(() => {
      if (!this.state.timeline.playing) return;
      const wait = Math.max(0, interval - (performance.now() - t0));
      this.playTimer = setTimeout(() => this.tick(), wait);
    });
  }

  // ---- Changing history ----

  /** Lets `actor` take the step at the shown frame on `cpu`; the rest is regenerated. */
  fork(actor: number, cpu: number): Promise<void> {
    this.pause();
    return this.run(async () => {
      const step = this.state.timeline.frame?.step ?? 0;
      const r = await this.client.api.fork(step, actor, cpu);
      if (!r.ok) {
        this.state.notify({ kind: "error", text: r.message });
        return;
      }
      this.forks.push({ step, actor, cpu });
      this.state.opened(null, r.timeline, r.frame);
      await this.syncCompare(r.frame.step);
    });
  }

  undo(): Promise<void> {
    this.pause();
    return this.run(async () => {
      const r = await this.client.api.undo();
      if (!r) return;
      this.forks.pop();
      this.state.opened(null, r.timeline, r.frame);
      await this.syncCompare(r.frame.step);
    });
  }

  /**
   * Opens a scenario (any JSON value; the engine validates it). True when it is on screen; false
   * when it was refused (`loadErrors`) or the engine failed on it (the recovery put back what
   * was there before).
   */
  async loadScenario(scenario: unknown): Promise<boolean> {
    this.pause();
    // Too deep to send to the worker at all (its clone would overflow the stack): refused here.
    const deep = nestingError(scenario);
    if (deep) {
      this.state.scenarioRejected([deep]);
      return false;
    }
    let shown = false;
    await this.run(async () => {
      const r = await this.client.api.load(scenario);
      if (!r.ok) {
        this.state.scenarioRejected(r.errors);
        return;
      }
      this.source = { kind: "scenario", scenario };
      this.forks = [];
      this.show(r);
      shown = true;
    });
    return shown;
  }

  /** Opens a scenario of the library, on its own kernel or (`fixed`) on the fixed one. */
  loadLibrary(id: string, fixed = false): Promise<void> {
    this.pause();
    return this.run(async () => {
      const r = await this.client.api.loadLibrary(id, fixed);
      if (!r.ok) {
        this.state.scenarioRejected(r.errors);
        return;
      }
      this.source = { kind: "library", id, fixed };
      this.forks = [];
      this.show(r);
    });
  }

  loadDefault(): Promise<void> {
    this.pause();
    return this.run(async () => {
      const r = await this.client.api.loadDefault();
      this.source = { kind: "default" };
      this.forks = [];
      this.show(r);
    });
  }

  /** A seeded random run of `scenario`, written out as its schedule (the editor's random mode). */
  async randomSchedule(
    scenario: Scenario,
    seed: number,
  ): Promise<Scenario["schedule"] | null> {
    let out: Scenario["schedule"] | null = null;
    await this.run(async () => {
      out = await this.client.api.randomSchedule(scenario, seed);
    });
    return out;
  }

  /** The loaded scenario as it stands, forks included: what a share link or an export carries. */
  async currentScenario(): Promise<Scenario | null> {
    let out: Scenario | null = null;
    await this.run(async () => {
      out = await this.client.api.currentScenario();
    });
    return out;
  }

  // ---- Compare mode ----

  /** Opens or closes the same schedule on the fixed kernel beside the loaded race. */
  toggleCompare(): Promise<void> {
    return this.run(async () => {
      if (this.state.panes.compare) {
        await this.client.api.closeCompare();
        this.state.compareOpened(null);
        return;
      }
      const r = await this.client.api.openCompare(this.state.timeline.cursor);
      if (!r.ok) {
        this.state.notify({ kind: "error", text: r.message });
        return;
      }
      this.state.compareOpened({
        scenario: r.scenario,
        summary: r.timeline,
        frame: r.frame,
        divergence: r.divergence,
      });
    });
  }

  /** Moves the fixed kernel's side to `step` too (one cursor for both). */
  private async syncCompare(step: number): Promise<void> {
    if (!this.state.panes.compare) return;
    const frame = await this.client.api.compareSeek(step);
    if (frame) this.state.showCompareFrame(frame);
  }

  /** Test only (`?testing=1`): makes the engine fail, to exercise recovery. */
  crashForTesting(how: CrashKind): Promise<void> {
    this.pause();
    return this.run(() => this.client.api.crashForTesting(how));
  }

  // ---- Plumbing ----

  private show(r: Opened): void {
    this.state.compareOpened(null);
    this.state.setSource(sourceRef(this.source));
    this.state.opened(r.scenario, r.timeline, r.frame);
    this.state.notify(null);
  }

  /** Counts `op` as pending (the idle signal waits for it). */
  private async tracked<T>(op: () => Promise<T>): Promise<T> {
    this.state.begin();
    try {
      return await op();
    } finally {
      this.state.end();
    }
  }

  /** Runs `op` after the operations before it; an engine failure triggers recovery. */
  private run(op: () => Promise<unknown>): Promise<void> {
    const next = this.queue.then(async () => {
      if (this.recovering) await this.recovering;
      try {
        await op();
      } catch (e) {
        await this.recover(e);
      }
    });
    this.queue = next.catch(() => {});
    return this.tracked(() => next);
  }

  /** Loads the source, replays the forks and shows `cursor` (the scenario's own when null). */
  private async reopen(cursor: number | null): Promise<void> {
    const api = this.client.api;
    const reply = await api.ping();
    const t = this.client.transport();
    this.state.connected(reply, t.kind === "in-thread" ? t.reason : null);
    if (this.testing) await api.setTesting(true);
    this.state.setLibrary(await api.listLibrary());
    let opened: Opened;
    const src = this.source;
    if (src.kind === "default") opened = await api.loadDefault();
    else {
      const r =
        src.kind === "library"
          ? await api.loadLibrary(src.id, src.fixed)
          : await api.load(src.scenario);
      if (!r.ok) throw new Error(r.errors.join("; "));
      opened = r;
    }
    this.state.setSource(sourceRef(src));
    // A restarted engine has no second timeline: compare mode closes.
    this.state.compareOpened(null);
    let summary = opened.timeline;
    for (const f of this.forks) {
      const r = await api.fork(f.step, f.actor, f.cpu);
      if (!r.ok) throw new Error(`a fork could not be replayed: ${r.message}`);
      summary = r.timeline;
    }
    const frame = cursor === null ? opened.frame : await api.seek(cursor);
    if (cursor !== null && frame.step !== cursor)
      throw new Error(`the cursor could not be restored to step ${cursor}`);
    this.state.opened(opened.scenario, summary, frame);
  }

  /** Restarts the engine and puts everything back as it was; says what happened. */
  private recover(error: unknown): Promise<void> {
    if (this.recovering) return this.recovering;
    this.pause();
    const crashed =
      error instanceof EngineCrashedError ||
      this.client.transport().kind === "crashed";
    const what = crashed
      ? `The engine worker crashed (${errorMessage(error)})`
      : `The engine failed (${errorMessage(error)})`;
    const cursor = this.state.timeline.cursor;
    this.recovering = (async () => {
      try {
        await this.client.restart();
        await this.reopen(cursor);
        const forks = this.forks.length;
        this.state.notify({
          kind: "error",
          text: `${what}. It was restarted: the scenario was reloaded${
            forks > 0
              ? `, your ${forks === 1 ? "fork" : `${forks} forks`} replayed`
              : ""
          } and the cursor restored to step ${cursor}.`,
        });
      } catch (again) {
        try {
          await this.client.restart();
          this.source = { kind: "default" };
          this.forks = [];
          await this.reopen(null);
          this.state.notify({
            kind: "error",
            text: `${what}, and reloading the scenario failed too (${errorMessage(again)}). The default scenario was opened instead.`,
          });
        } catch (last) {
          this.state.failed(
            `${what}, and it could not be restarted: ${errorMessage(last)}.`,
          );
        }
      }
    })().finally(() => {
      this.recovering = null;
    });
    return this.recovering;
  }
}

function sourceRef(s: Source): SourceRef {
  if (s.kind === "default") return "default";
  if (s.kind === "scenario") return "file";
  return s.fixed ? `library:${s.id}:fixed` : `library:${s.id}`;
}

/** The cursors where findings show up, ascending and without repeats. */
export function findingCursors(summary: TimelineSummary | null): number[] {
  const out: number[] = [];
  for (const f of summary?.findings ?? [])
    if (out[out.length - 1] !== f.cursor) out.push(f.cursor);
  return out;
}

/**
 * The cursors where the scenario's narration entries start, ascending and without repeats: up to
 * the first fork (after it the story no longer describes the trace) and inside the trace.
 */
export function narrationCursors(
  scenario: Pick<ScenarioInfo, "narration"> | null,
  summary: TimelineSummary | null,
): number[] {
  if (!summary) return [];
  const diverged = summary.forks[0] ?? Infinity;
  const out: number[] = [];
  for (const n of scenario?.narration ?? [])
    if (n.step < diverged && n.step <= summary.total && out.at(-1) !== n.step)
      out.push(n.step);
  return out;
}
