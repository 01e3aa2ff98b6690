import { describe, expect, it } from "vitest";
import { runSession, start } from "../../engine";
import { library } from "../../scenarios/library";
import { randomSchedule } from "../../worker/randomSchedule";
import { Timeline } from "../../worker/timeline";
import {
  draftToScenario,
  emptyDraft,
  formatOp,
  loadDraft,
  parseOp,
  saveDraft,
  scenarioToDraft,
} from "./draft";

describe("the editor's draft", () => {
  it("reads every operation it writes", () => {
    for (const e of library)
      for (const a of e.scenario.actors)
        for (const op of a.ops) expect(parseOp(formatOp(op))).toEqual(op);
  });

  it("turns every library scenario into a form and back unchanged (but its cursor)", () => {
    for (const e of library) {
      const r = draftToScenario(scenarioToDraft(e.scenario));
      expect(r.ok, e.id).toBe(true);
      if (!r.ok) continue;
      const { cursor: _, ...want } = e.scenario;
      void _;
      // `pinned: false` is the default for tasks, and the form leaves it out.
      const norm = (x: unknown) =>
        JSON.parse(
          JSON.stringify(x, (k, v) =>
            k === "pinned" && v === false ? undefined : v,
          ),
        );
      expect(norm(r.scenario)).toEqual(norm(want));
    }
  });

  it("edits anchored schedule entries and narration as text, and back", () => {
    const e = library.find((x) => x.id === "r2-rt-put-cpu-partial-lost-slab")!;
    const s = {
      ...e.scenario,
      anchoredNarration: [
        { at: "A>___slab_alloc:new_slab+6", text: "A: between read and write" },
        { at: "B>put_cpu_partial#2", text: "B again: once more" },
      ],
    };
    const d = scenarioToDraft(s);
    expect(d.steps).toBe("A>___slab_alloc:new_slab+6 B*13");
    expect(d.narration.split("\n").slice(-2)).toEqual([
      "A>___slab_alloc:new_slab+6: A: between read and write",
      "B>put_cpu_partial#2: B again: once more",
    ]);
    const r = draftToScenario(d);
    expect(r.ok && r.scenario.anchoredNarration).toEqual(s.anchoredNarration);
    expect(r.ok && r.scenario.narration).toEqual(s.narration);
    expect(r.ok && r.scenario.schedule!.steps).toEqual(s.schedule!.steps);
    // The schema checks what the form only splits off.
    const bad = draftToScenario({ ...d, narration: "Z>new_slab: who?" });
    expect(!bad.ok && bad.errors).toEqual([
      'anchoredNarration[0].at: no actor named "Z" (actors: A, B; kernel contexts: kworker/N and ipi/N for each CPU N)',
    ]);
  });

  it("names the field of every problem and keeps going", () => {
    const d = emptyDraft();
    d.actors[0]!.ops = "alloc x, allc y";
    d.prepare = "zero alloc x";
    d.narration = "first: hello";
    const r = draftToScenario(d);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors).toEqual([
      'actors[0].ops: "allc y" is not an operation (alloc, free, allocPageCache, freePageCache, write, kfreeNolock, kfreeRcu, kvfreeRcuBarrier, rcuGracePeriod, prefillSheaf, allocFromSheaf, returnSheaf, allocBulk, freeBulk, kmallocNolock, cpuOffline, cpuOnline, prefill, isolateMigratepages, flushAll, shrink, destroy, memoryOffline)',
      'prepare line 1: expected "<cpu>: <operation>"',
      'narration line 1: expected "<step>: <text>" or "<actor>><function>:<label>: <text>"',
    ]);
    const bad = { ...emptyDraft(), cpus: "two", title: "<i>x</i>" };
    const r2 = draftToScenario(bad);
    expect(!r2.ok && r2.errors.join("\n")).toMatch(
      /kernel\.cpus: expected a number/,
    );
    expect(!r2.ok && r2.errors.join("\n")).toMatch(/title: must be plain text/);
  });

  it("writes a seeded random run out as its schedule, which replays it exactly", () => {
    const base = draftToScenario(emptyDraft());
    if (!base.ok) throw new Error(base.errors.join("; "));
    for (const seed of [1, 2, 3, 7, 99]) {
      const sched = randomSchedule(base.scenario, seed);
      const random = runSession(start(base.scenario), { seed });
      const tl = new Timeline({ ...base.scenario, schedule: sched });
      expect(tl.total).toBe(random.steps);
      expect(tl.summary().skippedEntries).toBe(0);
      const replayed = runSession(start({ ...base.scenario, schedule: sched }));
      expect(JSON.stringify(replayed.machine)).toBe(
        JSON.stringify(random.machine),
      );
    }
    const d = { ...emptyDraft(), scheduleMode: "random" as const, seed: "x" };
    expect(draftToScenario(d)).toEqual({
      ok: false,
      errors: ["seed: expected a whole number"],
    });
  });

  it("is saved and read back through storage; junk in storage is no draft", () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    };
    expect(loadDraft(storage)).toBeNull();
    const d = { ...emptyDraft(), title: "kept" };
    saveDraft(storage, d);
    expect(loadDraft(storage)).toEqual(d);
    store.set("slabscope.editorDraft", "{not json");
    expect(loadDraft(storage)).toBeNull();
    store.set("slabscope.editorDraft", '{"title": 3}');
    expect(loadDraft(storage)).toBeNull();
  });
});

describe("the editor's actor kinds", () => {
  it("round-trips a kcompactd actor and its compaction scan", () => {
    const d = emptyDraft();
    d.variant = "v6.15-nolock-v1";
    d.actors = [
      {
        name: "K",
        kind: "kcompactd",
        cpu: "0",
        pinned: false,
        ops: "isolateMigratepages 3",
      },
      { name: "A", kind: "task", cpu: "1", pinned: false, ops: "alloc x" },
    ];
    const r = draftToScenario(d);
    if (!r.ok) throw new Error(r.errors.join("\n"));
    expect(r.scenario.actors[0]).toMatchObject({
      name: "K",
      kind: "kcompactd",
      ops: [{ kind: "isolateMigratepages", pfn: 3 }],
    });
    const back = scenarioToDraft(r.scenario);
    expect(back.actors[0]).toMatchObject({
      kind: "kcompactd",
      ops: "isolateMigratepages 3",
    });
    const again = draftToScenario(back);
    expect(again.ok && again.scenario).toEqual(r.scenario);
  });
});
