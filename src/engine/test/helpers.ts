/**
 * Helpers for engine tests: literal scenarios, random scenarios, stepping one actor, and the
 * property the random-schedule tests share.
 */
import fc from "fast-check";
import { expect } from "vitest";
import { rng } from "../random";
import { runSession, start, type Session } from "../run";
import type { Scenario, ScenarioActor, ScenarioKernel } from "../scenario";
import { choicesFor } from "../scheduler";
import { stepInPlace } from "../machine";
import type { K } from "../program";
import type { ActorKind, Machine, Op, StepEvent } from "../types";
import { chainRefs, visitObjectHolders } from "../holders";

export function scenario(
  kernel: Partial<ScenarioKernel>,
  actors: ScenarioActor[],
  extra: Partial<Scenario> = {},
): Scenario {
  return {
    format: "slabscope/scenario",
    version: 1,
    title: "test",
    kernel: { variant: "v5.15", cpus: 2, ...kernel },
    cache: { objects: 4, cpuPartial: 8, minPartial: 1 },
    actors,
    ...extra,
  };
}

/** An actor of `kind` on `cpu` with its operations. */
export const actor =
  (kind: ActorKind) =>
  (name: string, cpu: number, ops: Op[]): ScenarioActor => ({
    name,
    kind,
    cpu,
    ops,
  });
export const task = actor("task");
export const nmi = actor("nmi");

export const allocs = (slot: string, n: number): Op[] =>
  Array.from({ length: n }, () => ({ kind: "alloc", slot }));
export const frees = (slot: string, n: number): Op[] =>
  Array.from({ length: n }, () => ({ kind: "free", slot }));

/** Steps one actor (on its CPU) and returns the event. */
export function stepActor(sess: Session, name: string): StepEvent {
  const m = sess.machine;
  const a = m.actors.find((x) => x.name === name);
  if (!a) throw new Error(`no actor ${name}`);
  const ch =
    choicesFor(m, a).find((c) => c.cpu === a.cpu) ?? choicesFor(m, a)[0];
  if (!ch) throw new Error(`${name} cannot run now`);
  return stepInPlace(m, sess.variant, ch);
}

/** Steps `name` until `until(event)` holds for the event just taken (at most `max` steps). */
export function stepUntil(
  sess: Session,
  name: string,
  until: (ev: StepEvent) => boolean,
  max = 500,
): StepEvent[] {
  const out: StepEvent[] = [];
  for (let i = 0; i < max; i++) {
    const ev = stepActor(sess, name);
    out.push(ev);
    if (until(ev)) return out;
  }
  throw new Error(`${name}: condition not reached in ${max} steps`);
}

/** Runs `name` until its current operation ends. */
export function finishOp(sess: Session, name: string): StepEvent[] {
  return stepUntil(sess, name, (ev) => ev.opEnd);
}

export function session(s: Scenario): Session {
  return start(s);
}

/** A random scenario: 1-4 CPUs, 1-6 actors of every kind that may allocate, random operations. */
export function randomScenario(
  seed: number,
  kernel: Partial<ScenarioKernel>,
): Scenario {
  const r = rng(seed);
  const cpus = 1 + r.int(4);
  const n = 1 + r.int(6);
  const kinds: ActorKind[] = ["task", "task", "task", "irq", "hotplug"];
  const slots = ["a", "b", "c"];
  const actors: ScenarioActor[] = [];
  for (let i = 0; i < n; i++) {
    let kind = kinds[r.int(kinds.length)]!;
    if (kind === "hotplug" && cpus === 1) kind = "task";
    const ops: Op[] = [];
    const count = 1 + r.int(6);
    for (let j = 0; j < count; j++) {
      const x = r.int(20);
      const slot = slots[r.int(slots.length)]!;
      if (kind === "hotplug") {
        const c = r.int(cpus);
        ops.push({ kind: "cpuOffline", cpu: c }, { kind: "cpuOnline", cpu: c });
      } else if (kind === "irq")
        ops.push(x < 10 ? { kind: "alloc", slot } : { kind: "free", slot });
      else if (x < 9)
        // Accounted allocations only under memcg, from the draw already made (same sequence).
        ops.push(
          kernel.memcg && x % 3 === 0
            ? { kind: "alloc", slot, account: true }
            : { kind: "alloc", slot },
        );
      else if (x < 17) ops.push({ kind: "free", slot });
      else if (x < 18) ops.push({ kind: "flushAll" });
      else if (x < 19) ops.push({ kind: "shrink" });
      else ops.push({ kind: "alloc", slot });
    }
    actors.push({
      name: `${kind[0]}${i}`,
      kind,
      cpu: r.int(cpus),
      pinned: r.int(2) === 0,
      ops,
    });
  }
  return {
    format: "slabscope/scenario",
    version: 1,
    title: `random ${seed}`,
    kernel: {
      variant: "v5.15",
      cpus,
      nodes: 1 + r.int(2),
      pagePool: 24,
      ...kernel,
    },
    cache: {
      objects: 2 + r.int(4),
      cpuPartial: r.int(8),
      minPartial: r.int(3),
    },
    actors,
  };
}

/** An execution context for calling primitives directly, as actor `name` on its CPU. */
export function ctx(s: Session, name: string): K {
  const a = s.machine.actors.find((x) => x.name === name)!;
  const ev: StepEvent = {
    step: s.machine.step,
    actor: a.id,
    cpu: a.cpu,
    fn: "test",
    pc: 0,
    line: "",
    label: null,
    via: "running",
    outcome: "ran",
    notes: [],
    stats: [],
    findings: [],
    opStart: false,
    opEnd: false,
  };
  const f = { fn: "test", pc: 0, L: {} };
  return {
    m: s.machine,
    a,
    f,
    L: f.L,
    cpu: a.cpu,
    ev,
    detail: true,
    variant: s.variant,
  };
}

/**
 * How many places hold each object, over every holder the checks and the view read (holders.ts):
 * slab and cpu freelists, detached chains, slots, objects in flight, a slab's memcg obj_cgroups
 * vector, the percpu arrays and kfree_nolock's deferred list. Every object of every slab should
 * be in exactly one.
 */
export function objectPlaces(m: Machine): Map<number, number> {
  const seen = new Map<number, number>();
  const mark = (o: number) => {
    if (o >= 0) seen.set(o, (seen.get(o) ?? 0) + 1);
  };
  visitObjectHolders(m, {
    chain: (_, head, tail) => chainRefs(m, head, tail).forEach(mark),
    objects: (_, refs) => refs.forEach(mark),
    object: (_, ref) => mark(ref),
    slab() {},
    slabChain() {},
    slabs() {},
  });
  return seen;
}

export interface RandomRunsOptions {
  /** fast-check's run count and, to pin the runs, its seed. */
  runs: { numRuns: number; seed?: number };
  /** Also check that the stats equal a recount of the steps' events (default true). */
  stats?: boolean;
  onStep?: (ev: StepEvent) => void;
  /** Further checks on the machine at the end of each run. */
  check?: (m: Machine) => void;
}

/**
 * For random scenario seeds and schedule seeds: `make(scenarioSeed)` runs to its end on the
 * schedule with no finding, and every object of every slab is in exactly one place.
 */
export function assertRandomRuns(
  make: (seed: number) => Scenario,
  opts: RandomRunsOptions,
): void {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (scenarioSeed, scheduleSeed) => {
        const s = session(make(scenarioSeed));
        const recount: Record<string, number>[] = s.machine.stats.map((x) => ({
          ...x,
        }));
        const r = runSession(s, {
          seed: scheduleSeed,
          maxSteps: 20_000,
          onStep: (ev) => {
            const row = recount[ev.cpu]!;
            for (const st of ev.stats) row[st] = (row[st] ?? 0) + 1;
            opts.onStep?.(ev);
          },
        });
        expect(r.findings).toEqual([]);
        expect(r.stopReason).toBe("done");
        const m = r.machine;
        const places = objectPlaces(m);
        for (const p of m.pages) {
          if (p.use !== "slab") continue;
          for (let i = 0; i < p.objects; i++)
            expect(places.get(p.id * m.cache.objects + i)).toBe(1);
        }
        if (opts.stats !== false) expect(m.stats).toEqual(recount);
        opts.check?.(m);
      },
    ),
    opts.runs,
  );
}

/**
 * The sheaves at rest, once every actor has finished: no CPU's sheaves or barn locked, every
 * main sheaf within the capacity, and no sheaf held by an actor.
 */
export function expectSheavesAtRest(m: Machine): void {
  const st = m.sheaves!;
  for (const p of st.pcs) {
    expect(p.lock).toBeNull();
    expect(st.sheaves[p.main]!.objects.length).toBeLessThanOrEqual(st.capacity);
  }
  for (const b of st.barns) expect(b.lock).toBeNull();
  for (const sh of st.sheaves) expect(sh.owner).toBeNull();
}
