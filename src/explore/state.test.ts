/**
 * The search's machine copy and fingerprint (state.ts) handle pages, actors and CPUs field by
 * field. On every state the library's scenarios pass through (each scenario's own run, and
 * random runs from it), the copy is the JSON round trip (the same fields, in the same order),
 * the fingerprint of the copy is that of the original, and those objects have no field the lists
 * do not name (a new one must be copied and fingerprinted too).
 */
import { describe, expect, it } from "vitest";
import { cloneMachine, runSession, start, type Machine } from "../engine";
import { library } from "../scenarios/library";
import {
  ACTOR_FIELDS,
  copyMachine,
  copyState,
  CPU_FIELDS,
  CPUSLAB_FIELDS,
  LOCKS_FIELDS,
  NODE_FIELDS,
  fingerprint,
  PAGE_FIELDS,
} from "./state";

function fields(xs: readonly object[], known: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of xs) for (const k in x) if (!known.includes(k)) out.push(k);
  return out;
}

function checkState(m: Machine): void {
  const c = copyMachine(m);
  expect(JSON.stringify(c)).toBe(JSON.stringify(m));
  expect(JSON.stringify(c)).toBe(JSON.stringify(copyState(m)));
  const fp = fingerprint(m, 3);
  expect(fingerprint(c, 3)).toBe(fp);
  expect(fingerprint(cloneMachine(m), 3)).toBe(fp);
  expect(fields(m.pages, PAGE_FIELDS)).toEqual([]);
  expect(fields(m.actors, ACTOR_FIELDS)).toEqual([]);
  expect(fields(m.cpus, CPU_FIELDS)).toEqual([]);
  expect(fields(m.cpuSlab, CPUSLAB_FIELDS)).toEqual([]);
  expect(fields(m.nodes, NODE_FIELDS)).toEqual([]);
  expect(fields([m.locks], LOCKS_FIELDS)).toEqual([]);
}

describe("copyMachine and fingerprint", () => {
  it("copy the JSON round trip and fingerprint alike on every library state", () => {
    let states = 0;
    for (const e of library) {
      for (const seed of [null, 1]) {
        const sess = start(e.scenario, { checks: true });
        checkState(sess.machine);
        runSession(sess, {
          checks: true,
          seed,
          maxSteps: 2000,
          onStep: (ev, m) => {
            if (ev.step % 11 === 0 || ev.opEnd) {
              checkState(m);
              states++;
            }
          },
        });
        checkState(sess.machine);
      }
    }
    expect(states).toBeGreaterThan(500);
  });

  it("tells states apart that differ in a page, an actor or a CPU", () => {
    const m = start(library[0]!.scenario, { checks: true }).machine;
    const fp = fingerprint(m);
    const page = copyMachine(m);
    page.pages[0]!.inuse++;
    const actor = copyMachine(m);
    actor.actors[0]!.preemptCount++;
    const cpu = copyMachine(m);
    cpu.cpus[0]!.irqsOff = !cpu.cpus[0]!.irqsOff;
    const fps = [fp, fingerprint(page), fingerprint(actor), fingerprint(cpu)];
    expect(new Set(fps).size).toBe(4);
    // The copy shares nothing that the engine writes in place.
    expect(page.pages[0]).not.toBe(m.pages[0]);
    expect(page.pages[0]!.fp).not.toBe(m.pages[0]!.fp);
    expect(actor.actors[0]!.ops).not.toBe(m.actors[0]!.ops);
  });
});
