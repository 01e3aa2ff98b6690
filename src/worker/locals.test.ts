import { describe, expect, it } from "vitest";
import { runSession, start, type StepEvent } from "../engine";
import { defaultScenario } from "../scenarios/library/default";
import { library } from "../scenarios/library";
import { localsOf, localTargets } from "./locals";
import { Timeline } from "./timeline";

describe("actor locals in frames", () => {
  it("types every local of every library scenario by what it names", () => {
    for (const e of library) {
      const sess = start(e.scenario);
      runSession(sess, {
        onStep: (_ev, m) => {
          for (const a of m.actors)
            for (const f of a.frames)
              for (const l of localsOf(m, f.fn, f.L)) {
                const v = l.value;
                if (v.kind === "page")
                  expect(
                    m.pages[v.page],
                    `${e.id} ${f.fn} ${l.name}`,
                  ).toBeDefined();
                if (v.kind === "object")
                  expect(v.obj).toBeLessThan(m.pages.length * m.cache.objects);
                // Engine bookkeeping stays out of the pane.
                expect(l.name.startsWith("__")).toBe(false);
              }
        },
      });
    }
  });

  it("names pages and objects as such, and counts as numbers", () => {
    const sess = start(defaultScenario);
    const m = sess.machine;
    const L = {
      page: 1,
      oldpage: null,
      freelist: 2,
      tid: 7,
      counters: 3 * 2 + 1 + 4 * 0x20000,
      discard: [0, 1],
      __llcpu: 0,
    };
    const got = Object.fromEntries(
      localsOf(m, "put_cpu_partial", L).map((l) => [l.name, l.value]),
    );
    expect(got.page).toEqual({ kind: "page", page: 1 });
    expect(got.oldpage).toEqual({ kind: "null" });
    expect(got.freelist).toEqual({ kind: "object", obj: 2 });
    expect(got.tid).toEqual({ kind: "number", value: 7 });
    expect(got.counters).toEqual({
      kind: "counters",
      inuse: 3,
      objects: 4,
      frozen: true,
    });
    expect(got.discard).toEqual({ kind: "pages", pages: [0, 1] });
    expect(got.__llcpu).toBeUndefined();
    // One name, another meaning in one function: acquire_slab's `objects` is a count.
    expect(localsOf(m, "acquire_slab", { objects: 3 })[0]!.value).toEqual({
      kind: "number",
      value: 3,
    });
    expect(localTargets({ kind: "page", page: 4 })).toEqual({
      slabs: [4],
      objects: [],
    });
    expect(localTargets({ kind: "objects", objs: [5, 6] })).toEqual({
      slabs: [],
      objects: [5, 6],
    });
  });
});

describe("the line each actor's last step ran", () => {
  it("is, at every cursor, the event of that actor's last step", () => {
    const tl = new Timeline(defaultScenario);
    const events: StepEvent[] = [];
    runSession(start(defaultScenario), { onStep: (ev) => events.push(ev) });
    const last = new Map<number, StepEvent>();
    for (let i = 0; i <= tl.total; i++) {
      if (i > 0) last.set(events[i - 1]!.actor, events[i - 1]!);
      if (i % 7 !== 0 && i !== tl.total) continue;
      for (const a of tl.frame(i).code) {
        const ev = last.get(a.id);
        expect(a.ran, `cursor ${i} ${a.name}`).toEqual(
          ev ? { fn: ev.fn, pc: ev.pc, step: ev.step } : null,
        );
      }
    }
  });

  it("follows a fork: the chosen actor's line is the one it just ran", () => {
    const tl = new Timeline(defaultScenario);
    const b = tl.summary().actors.find((x) => x.name === "B")!.id;
    const before = tl.frame(40).code.find((a) => a.id === b)!;
    expect(tl.fork(40, b, 1).ok).toBe(true);
    const after = tl.frame(41).code.find((a) => a.id === b)!;
    expect(after.ran?.step).toBe(40);
    // It ran the line it was to run next at cursor 40 (or the entry of its operation).
    const top = before.stack.at(-1);
    if (top) expect(after.ran).toMatchObject({ fn: top.fn, pc: top.pc });
    else expect(after.ran?.pc).toBe(0);
  });

  it("keeps frames small with locals and lines", () => {
    for (const e of library.slice(0, 12)) {
      const tl = new Timeline(e.scenario);
      for (const i of [0, tl.total >> 1, tl.total])
        expect(JSON.stringify(tl.frame(i)).length).toBeLessThan(64 * 1024);
    }
  });
});
