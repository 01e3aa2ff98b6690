import { describe, expect, it } from "vitest";
import { anchorStep, positionOf } from "../anchor";
import { buildVariant } from "../kernel";
import { resolveNarration, runSession, start } from "../run";
import {
  anchorText,
  parseEntry,
  parseNarrationAnchor,
  type Scenario,
} from "../scenario";
import { scenario } from "./helpers";

describe("parseEntry: anchored entries", () => {
  it.each([
    ["A>___slab_alloc", "A", null, "___slab_alloc", null, 0, 1],
    ["A>___slab_alloc:new_slab", "A", null, "___slab_alloc", "new_slab", 0, 1],
    [
      "A>___slab_alloc:new_slab#2",
      "A",
      null,
      "___slab_alloc",
      "new_slab",
      0,
      2,
    ],
    ["A@1>refill_pca:bulk_alloc+2", "A", 1, "refill_pca", "bulk_alloc", 2, 1],
    ["B@0>put_cpu_partial+3#12", "B", 0, "put_cpu_partial", null, 3, 12],
    ["kworker/0>flush_slab", "kworker/0", null, "flush_slab", null, 0, 1],
  ] as const)("%s", (text, actor, cpu, fn, label, offset, occurrence) => {
    const p = parseEntry(text);
    expect(p).toEqual({
      actor,
      cpu,
      times: 0,
      anchor: { fn, label, offset, occurrence },
    });
    if (typeof p !== "string")
      expect(anchorText(p.anchor!)).toBe(text.split(">")[1]);
  });

  it("still parses counted entries, without an anchor", () => {
    expect(parseEntry("A@1*3")).toEqual({
      actor: "A",
      cpu: 1,
      times: 3,
      anchor: null,
    });
    expect(parseEntry("kworker/0")).toEqual({
      actor: "kworker/0",
      cpu: null,
      times: 1,
      anchor: null,
    });
  });

  it.each([
    "A>",
    ">fn",
    "A>fn:",
    "A>1fn",
    "A>fn:new slab",
    "A>fn#0",
    "A>fn#x",
    "A>fn+",
    "A>fn:label#2:other",
    "A*2>fn",
    "A>fn>g",
    "A>fn#2000000",
    "A>fn+20000",
  ])("rejects %j with a message naming it", (text) => {
    const p = parseEntry(text);
    expect(typeof p).toBe("string");
    expect(p).toContain(`"${text}"`);
  });

  it("narration anchors take no CPU", () => {
    expect(parseNarrationAnchor("A>new_slab#2")).toEqual({
      actor: "A",
      anchor: { fn: "new_slab", label: null, offset: 0, occurrence: 2 },
    });
    expect(parseNarrationAnchor("A@1>new_slab")).toMatch(/not of the form/);
    expect(parseNarrationAnchor("A*2")).toMatch(/not of the form/);
  });
});

describe("anchorStep", () => {
  const v = buildVariant({
    kernel: "v5.15",
    preemptRt: false,
    cpuPartial: true,
  });
  it("resolves a label, an offset and a function's first step", () => {
    const at = (s: string) => {
      const p = parseEntry(`A>${s}`);
      if (typeof p === "string") throw new Error(p);
      return anchorStep(v, p.anchor!);
    };
    const labels = v.fns["___slab_alloc"]!.labels;
    expect(at("___slab_alloc:new_slab")).toEqual({
      fn: "___slab_alloc",
      pc: labels["new_slab"],
    });
    expect(at("___slab_alloc:new_slab+2")).toEqual({
      fn: "___slab_alloc",
      pc: labels["new_slab"]! + 2,
    });
    expect(at("___slab_alloc")).toEqual({ fn: "___slab_alloc", pc: 0 });
    expect(at("no_such_fn")).toBe("v5.15 has no kernel function no_such_fn");
    expect(at("___slab_alloc:nowhere")).toMatch(
      /^___slab_alloc has no label nowhere in v5\.15 \(labels: .*new_slab/,
    );
    expect(at("___slab_alloc+9999")).toMatch(/past the end of ___slab_alloc/);
  });
});

/** One CPU, one allocating task A and one freeing task B on v5.15. */
function twoTasks(steps: string[], extra: Partial<Scenario> = {}): Scenario {
  return scenario(
    { variant: "v5.15", cpus: 1 },
    [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "x" }] },
      { name: "B", kind: "task", cpu: 0, ops: [{ kind: "alloc", slot: "y" }] },
    ],
    { schedule: { steps, rest: "stop" }, ...extra },
  );
}

describe("running anchored entries", () => {
  it("runs the actor to the point and stops there (the first step of an operation's entry function counts)", () => {
    // A fresh cache: A's allocation goes down the slow path into new_slab.
    const sess = start(twoTasks(["A>new_slab"]));
    const r = runSession(sess);
    expect(r.scheduleProblems).toEqual([]);
    expect(r.skippedEntries).toBe(0);
    const a = sess.machine.actors[0]!;
    const at = positionOf(a, sess.variant)!;
    expect([at.fn, at.pc]).toEqual(["new_slab", 0]);
    expect(r.steps).toBeGreaterThan(0);
    // The same number of counted steps gets A to the same place.
    const counted = start(twoTasks([`A*${r.steps}`]));
    runSession(counted);
    expect(positionOf(counted.machine.actors[0]!, counted.variant)).toEqual(at);
    // An entry whose point is where the actor already is takes no step.
    const twice = runSession(start(twoTasks(["A>new_slab", "A>new_slab"])));
    expect(twice.steps).toBe(r.steps);
    expect(twice.scheduleProblems).toEqual([]);
    // Its entry function's first step: where A starts.
    expect(runSession(start(twoTasks(["A>slab_alloc_node"]))).steps).toBe(0);
  });

  it("counts arrivals for #N", () => {
    // A's first alloc_pages-free path: ___slab_alloc is entered once per allocation.
    const s = scenario(
      { variant: "v5.15", cpus: 1 },
      [
        {
          name: "A",
          kind: "task",
          cpu: 0,
          ops: [
            { kind: "alloc", slot: "x" },
            { kind: "alloc", slot: "y" },
          ],
        },
      ],
      { cache: { objects: 1, cpuPartial: 8, minPartial: 1 } },
    );
    const run = (steps: string[]) =>
      runSession(start({ ...s, schedule: { steps, rest: "stop" } }));
    const first = run(["A>___slab_alloc"]);
    const second = run(["A>___slab_alloc#2"]);
    expect(first.scheduleProblems).toEqual([]);
    expect(second.scheduleProblems).toEqual([]);
    expect(second.steps).toBeGreaterThan(first.steps);
    // #2 from the start is #1 once the first arrival is behind: the point A is at counts.
    expect(run(["A>___slab_alloc", "A*1", "A>___slab_alloc"]).steps).toBe(
      second.steps,
    );
    expect(run(["A>___slab_alloc", "A>___slab_alloc#2"]).steps).toBe(
      second.steps,
    );
    // A third arrival never comes: A finishes its operations.
    const third = run(["A>___slab_alloc#3"]);
    expect(third.scheduleProblems).toEqual([
      `schedule entry 1, "A>___slab_alloc#3" (step ${third.steps}): A finished its operations without reaching ___slab_alloc#3 (got there 2 of 3 times)`,
    ]);
  });

  it("reports an anchor the kernel does not have, skips the entry and goes on", () => {
    const r = runSession(
      start(twoTasks(["A>___slab_alloc:nowhere", "B*2", "A>no_such_fn", "B"])),
    );
    expect(r.steps).toBe(3);
    expect(r.skippedEntries).toBe(2);
    expect(r.scheduleProblems).toEqual([
      expect.stringMatching(
        /^schedule entry 1, "A>___slab_alloc:nowhere" \(step 0\): ___slab_alloc has no label nowhere in v5\.15/,
      ),
      'schedule entry 3, "A>no_such_fn" (step 2): v5.15 has no kernel function no_such_fn',
    ]);
    expect(r.stopReason).toBe("schedule-ended");
  });

  it("reports an actor that sleeps before its point: only it runs in the entry", () => {
    // A's shrink queues flush work on CPU 0 and waits for kworker/0, which this entry never runs.
    const s = scenario({ variant: "v5.15", cpus: 1 }, [
      { name: "A", kind: "task", cpu: 0, ops: [{ kind: "shrink" }] },
    ]);
    const r = runSession(
      start({
        ...s,
        prepare: [{ cpu: 0, op: { kind: "alloc", slot: "a" } }],
        schedule: { steps: ["A>__kmem_cache_do_shrink"], rest: "round-robin" },
      }),
    );
    expect(r.scheduleProblems).toEqual([
      expect.stringMatching(
        /^schedule entry 1, "A>__kmem_cache_do_shrink" \(step \d+\): A cannot run before reaching __kmem_cache_do_shrink \(got there 0 of 1 times\): A waits for kworker\/0 to finish its work$/,
      ),
    ]);
    // The rest of the schedule (round-robin) still runs the scenario to its end.
    expect(r.stopReason).toBe("done");
    expect(r.findings).toEqual([]);
  });

  it("counts the step that finds a spinlock taken, then reports the spin instead of looping", () => {
    // Without cpu partial lists, B's free into a full slab takes n->list_lock, which A holds
    // on the other CPU in __kmem_cache_do_shrink.
    const s: Scenario = scenario(
      { variant: "v5.15", cpus: 2, cpuPartial: false },
      [
        { name: "A", kind: "task", cpu: 0, ops: [{ kind: "shrink" }] },
        { name: "B", kind: "task", cpu: 1, ops: [{ kind: "free", slot: "a" }] },
      ],
      {
        cache: { objects: 2 },
        prepare: ["a", "b", "c"].map((slot) => ({
          cpu: 0,
          op: { kind: "alloc" as const, slot },
        })),
      },
    );
    const lead = ["A*8", "kworker/0*19", "A>__kmem_cache_do_shrink+1"];
    const held = runSession(
      start({ ...s, schedule: { steps: lead, rest: "stop" } }),
    );
    expect(held.scheduleProblems).toEqual([]);
    expect(
      held.machine.actors[0]!.held.some((h) => h.ref.kind === "listLock"),
    ).toBe(true);
    const sess = start({
      ...s,
      schedule: { steps: [...lead, "B>discard_slab"], rest: "stop" },
    });
    const r = runSession(sess);
    const b = sess.machine.actors[1]!;
    expect(b.wait).toMatchObject({ kind: "lock", spinning: true });
    expect(r.steps).toBeGreaterThan(held.steps);
    expect(r.scheduleProblems).toEqual([
      `schedule entry 4, "B>discard_slab" (step ${r.steps}): B would spin forever before reaching discard_slab (got there 0 of 1 times): B waits for n->list_lock (node 0) held by A, and only B runs in this entry`,
    ]);
  });
});

describe("anchored narration", () => {
  it("is placed where the scenario's own run reaches its point, merged with numbered narration", () => {
    const s = twoTasks(["A>new_slab", "B*3"], {
      narration: [
        { step: 0, text: "start" },
        { step: 2, text: "two" },
      ],
      anchoredNarration: [
        { at: "A>new_slab", text: "A needs a new slab" },
        { at: "B>slab_alloc_node", text: "B is ready at step 0" },
        { at: "A>discard_slab", text: "never" },
        { at: "A>nope", text: "no such function" },
      ],
    });
    const upTo = runSession(
      start({ ...s, schedule: { steps: ["A>new_slab"], rest: "stop" } }),
    ).steps;
    const r = resolveNarration(s);
    expect(r.narration).toEqual([
      { step: 0, text: "start" },
      { step: 0, text: "B is ready at step 0" },
      { step: 2, text: "two" },
      { step: upTo, text: "A needs a new slab" },
    ]);
    expect(r.missed).toEqual([
      {
        index: 2,
        message:
          'narration "A>discard_slab": A does not get there in this run (0 of 1 arrivals)',
      },
      {
        index: 3,
        message: 'narration "A>nope": v5.15 has no kernel function nope',
      },
    ]);
  });
});
