import { describe, expect, it } from "vitest";
import {
  runSession,
  start,
  stepInPlace,
  type Scenario,
  type StepEvent,
} from "../engine";
import { busyScenario } from "../bench/scenarios";
import { defaultScenario } from "../scenarios/library/default";
import { library } from "../scenarios/library";
import { Timeline } from "./timeline";

/** Every state and event of a plain run from scratch, as JSON. */
function fromScratch(s: Scenario): { states: string[]; events: StepEvent[] } {
  const sess = start(s);
  const states = [JSON.stringify(sess.machine)];
  const events: StepEvent[] = [];
  runSession(sess, {
    onStep: (ev, m) => {
      states.push(JSON.stringify(m));
      events.push(ev);
    },
  });
  // runSession adds the deadlock finding after the last step: the state at the end has it.
  states[states.length - 1] = JSON.stringify(sess.machine);
  return { states, events };
}

/** The state after `i` steps when the session is run from scratch with a step limit. */
function scratchAt(s: Scenario, i: number): string {
  return JSON.stringify(runSession(start(s), { maxSteps: i }).machine);
}

const doubleFree: Scenario = {
  format: "slabscope/scenario",
  version: 1,
  title: "double free",
  kernel: { variant: "v5.15", cpus: 2 },
  cache: { objects: 4 },
  actors: [
    {
      name: "A",
      kind: "task",
      cpu: 0,
      ops: [
        { kind: "alloc", slot: "x" },
        { kind: "free", slot: "x", keep: true },
        { kind: "free", slot: "x" },
      ],
    },
    { name: "B", kind: "task", cpu: 1, ops: [{ kind: "alloc", slot: "y" }] },
  ],
};

const flushes: Scenario = {
  format: "slabscope/scenario",
  version: 1,
  title: "flushes on v5.14 with a prepared state",
  kernel: { variant: "v5.14", cpus: 2 },
  cache: { objects: 4, cpuPartial: 4 },
  prepare: [
    { cpu: 0, op: { kind: "alloc", slot: "p" } },
    { cpu: 1, op: { kind: "alloc", slot: "q" } },
  ],
  actors: [
    {
      name: "T",
      kind: "task",
      cpu: 0,
      ops: [
        { kind: "free", slot: "q" },
        { kind: "flushAll" },
        { kind: "alloc", slot: "p" },
        { kind: "shrink" },
      ],
    },
    {
      name: "U",
      kind: "task",
      cpu: 1,
      ops: [{ kind: "free", slot: "p" }, { kind: "flushAll" }],
    },
  ],
};

// The heavy tests compare every step with runs from scratch: generous time on a loaded CI box.
describe("Timeline seek", () => {
  for (const [name, s, K] of [
    ["the default scenario", defaultScenario, 32],
    ["a double free", doubleFree, 32],
    ["flushes on v5.14", flushes, 7],
    ["a busy scenario", busyScenario(2, 6), 64],
  ] as const) {
    it(`gives, at every step of ${name}, the state and event of a run from scratch`, () => {
      const { states, events } = fromScratch(s);
      const tl = new Timeline(s, { keyframeEvery: K });
      expect(tl.total).toBe(events.length);
      // Backwards, so no seek can lean on the one before it.
      for (let i = tl.total; i >= 0; i--) {
        expect(JSON.stringify(tl.machineAt(i))).toBe(states[i]);
        const f = tl.frame(i);
        expect(f.step).toBe(i);
        if (i === 0) expect(f.event).toBeNull();
        else {
          const ev = events[i - 1]!;
          expect(f.event).toMatchObject({
            step: ev.step,
            actorId: ev.actor,
            fn: ev.fn,
            line: ev.line,
            via: ev.via,
          });
        }
      }
    }, 60_000);
  }

  it("gives the states of a run from scratch for every library scenario, on its kernel and the fixed one", () => {
    for (const entry of library) {
      const kernels = [entry.scenario.kernel];
      if (entry.fixed)
        kernels.push({ ...entry.scenario.kernel, ...entry.fixed });
      for (const kernel of kernels) {
        const s: Scenario = { ...entry.scenario, kernel };
        const { states } = fromScratch(s);
        const tl = new Timeline(s, { keyframeEvery: 16 });
        expect(tl.total, entry.id).toBe(states.length - 1);
        for (let i = 0; i <= tl.total; i++)
          expect(JSON.stringify(tl.machineAt(i)), `${entry.id} at ${i}`).toBe(
            states[i],
          );
        const sum = tl.summary();
        const f = tl.frame(tl.total);
        expect(f.findingsTotal).toBe(sum.findings.length);
      }
    }
  }, 60_000);

  it("matches a from-scratch run with a step limit, and clamps out-of-range cursors", () => {
    const tl = new Timeline(defaultScenario);
    for (const i of [0, 1, 63, 64, 65, 100, tl.total])
      expect(JSON.stringify(tl.machineAt(i))).toBe(
        scratchAt(defaultScenario, i),
      );
    expect(tl.frame(-5).step).toBe(0);
    expect(tl.frame(1e9).step).toBe(tl.total);
    expect(tl.frame(Number.NaN).step).toBe(0);
  });

  it("summarises the trace for the scrubber", () => {
    const tl = new Timeline(doubleFree);
    const { events } = fromScratch(doubleFree);
    const sum = tl.summary();
    expect(sum.total).toBe(events.length);
    expect([...sum.actorOfStep]).toEqual(events.map((e) => e.actor));
    expect(sum.opBoundaries[0]).toBe(0);
    for (const e of events) {
      if (e.opStart) expect(sum.opBoundaries).toContain(e.step);
      if (e.opEnd) expect(sum.opBoundaries).toContain(e.step + 1);
    }
    const codes = sum.findings.map((f) => f.code);
    expect(codes).toContain("double-free");
    for (const f of sum.findings) {
      const frame = tl.frame(f.cursor);
      expect(frame.findings.map((x) => x.code)).toContain(f.code);
      if (f.cursor > 0)
        expect(
          tl.frame(f.cursor - 1).findings.filter((x) => x.code === f.code)
            .length,
        ).toBeLessThan(frame.findings.filter((x) => x.code === f.code).length);
    }
    expect(sum.stopReason).toBe("done");
    expect(tl.frame(tl.total).stop).toEqual({ reason: "done", message: null });
  });

  it("says what changed since the previous step", () => {
    const tl = new Timeline(defaultScenario);
    expect(tl.frame(0).changed).toEqual({
      cpus: [],
      slabs: [],
      nodes: [],
      actors: [],
      objects: [],
      pagePool: false,
      nolock: false,
      sheaves: false,
      fields: [],
    });
    // Step 30 installs the first slab on CPU 0 (see the default scenario's e2e test).
    let seen = false;
    for (let i = 1; i <= tl.total; i++) {
      const f = tl.frame(i);
      const prev = tl.frame(i - 1);
      expect(f.changed.actors).toContain(f.event!.actor);
      for (const c of f.cpus) {
        const before = prev.cpus[c.id]!;
        expect(f.changed.cpus.includes(c.id)).toBe(
          JSON.stringify(before) !== JSON.stringify(c),
        );
        // Field by field: exactly the CpuView fields that differ are named.
        for (const k of Object.keys(c) as (keyof typeof c)[])
          expect(f.changed.fields.includes(`cpu:${c.id}:${k}`)).toBe(
            JSON.stringify(before[k]) !== JSON.stringify(c[k]),
          );
      }
      if (f.changed.slabs.length > 0) seen = true;
    }
    expect(seen).toBe(true);
  });
});

describe("Timeline fork and undo", () => {
  /** The state at j after forking at i with `choice`, from scratch: prefix, the choice, round-robin. */
  function forkedScratch(
    s: Scenario,
    i: number,
    choice: { actor: number; cpu: number },
    j: number,
  ): string {
    const sess = start(s);
    runSession(sess, { maxSteps: i });
    stepInPlace(sess.machine, sess.variant, choice);
    const rest: Scenario = {
      ...s,
      schedule: { steps: [], rest: "round-robin" },
    };
    if (j > i + 1) runSession({ ...sess, scenario: rest }, { maxSteps: j });
    return JSON.stringify(sess.machine);
  }

  it("lets another actor take the step at the cursor and regenerates what follows", () => {
    const s = defaultScenario;
    const tl = new Timeline(s, { keyframeEvery: 32 });
    const original = tl.summary();
    const i = 40; // A is in its first allocation; B could start its free instead
    const b = tl.frame(i).enabled.find((c) => c.name === "B")!;
    expect(b).toBeDefined();
    expect(b.scheduled).toBe(false);
    expect(tl.fork(i, b.actor, b.cpu)).toEqual({ ok: true });

    expect(tl.frame(i + 1).event?.actor).toBe("B");
    const sum = tl.summary();
    expect(sum.forks).toEqual([i]);
    expect(sum.undoDepth).toBe(1);
    expect([...sum.actorOfStep.slice(0, i)]).toEqual([
      ...original.actorOfStep.slice(0, i),
    ]);
    for (let j = 0; j <= tl.total; j++) {
      const expected = j <= i ? scratchAt(s, j) : forkedScratch(s, i, b, j);
      expect(JSON.stringify(tl.machineAt(j))).toBe(expected);
    }
    // The narration stops where the story diverges.
    expect(tl.frame(i + 1).narration).toBeNull();
    expect(tl.frame(i).narration).not.toBeNull();
  }, 60_000);

  it("undo restores the previous trace exactly, through nested forks", () => {
    const s = busyScenario(2, 3);
    const tl = new Timeline(s, { keyframeEvery: 32 });
    const snapshot = () => ({
      summary: tl.summary(),
      frames: Array.from({ length: tl.total + 1 }, (_, j) =>
        JSON.stringify(tl.frame(j)),
      ),
    });
    const s0 = snapshot();
    const pick = (i: number) =>
      tl.frame(i).enabled.find((c) => !c.scheduled && c.progress)!;
    const c1 = pick(100);
    tl.fork(100, c1.actor, c1.cpu);
    const s1 = snapshot();
    expect(s1.frames[101]).not.toBe(s0.frames[101]);
    const c2 = pick(50);
    tl.fork(50, c2.actor, c2.cpu);
    expect(tl.summary().forks).toEqual([50]);
    const c3 = pick(70);
    tl.fork(70, c3.actor, c3.cpu);
    expect(tl.summary().forks).toEqual([50, 70]);

    expect(tl.undo()).toBe(70);
    expect(tl.undo()).toBe(50);
    expect(snapshot()).toEqual(s1);
    expect(tl.undo()).toBe(100);
    expect(snapshot()).toEqual(s0);
    expect(tl.undo()).toBeNull();
  }, 60_000);

  it("refuses a step the actor may not take and leaves the trace alone", () => {
    const tl = new Timeline(defaultScenario);
    const before = tl.summary();
    const r = tl.fork(10, 99, 0);
    expect(r.ok).toBe(false);
    const irq = tl.frame(0).actors.find((a) => a.name === "irq")!;
    expect(tl.fork(0, irq.id, 1)).toEqual({
      ok: false,
      message: "irq may not take a step on cpu 1 at step 0",
    });
    expect(tl.summary()).toEqual(before);
  });

  it("forks at the end of a trace that hit its step limit, extending it", () => {
    const s = busyScenario(1, 2);
    const tl = new Timeline(s, { maxSteps: 50 });
    expect(tl.summary().stopReason).toBe("step-limit");
    const c = tl.frame(50).enabled[0]!;
    tl.fork(50, c.actor, c.cpu);
    expect(tl.frame(51).event?.actorId).toBe(c.actor);
  });
});
