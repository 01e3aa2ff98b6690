/**
 * Schedules and narration anchored to code, on the library's races: the anchors land where the
 * counted schedules used to stop, and keep landing there when a kernel function gains a step.
 */
import { describe, expect, it } from "vitest";
import {
  parseEntry,
  configOf,
  positionOf,
  resolveNarration,
  runSession,
  start,
  type Scenario,
} from "../../engine";
import { buildVariant } from "../../engine/kernel";
import type { Variant } from "../../engine/program";
import { fn } from "../../engine/program";
import { Timeline } from "../../worker/timeline";
import { parseScenario } from "../schema";
import { library, libraryEntry } from "./index";

const race = libraryEntry("r2-rt-put-cpu-partial-lost-slab")!;
const findingsOf = (s: Scenario, variant?: Variant) =>
  runSession(start(s, { variant })).findings.map((f) => ({
    code: f.code,
    step: f.step,
  }));
const withSteps = (s: Scenario, steps: string[]): Scenario => ({
  ...s,
  schedule: { steps, rest: s.schedule?.rest ?? "round-robin" },
});
/** Who took each step, as `actor@cpu`. */
function choices(s: Scenario): string[] {
  const out: string[] = [];
  runSession(start(s, { checks: false }), {
    checks: false,
    onStep: (ev) => out.push(`${ev.actor}@${ev.cpu}`),
  });
  return out;
}

describe("anchored schedules in the library", () => {
  it("every anchored entry of the library is followed on its own kernel", () => {
    const anchored = library.filter((e) =>
      (e.scenario.schedule?.steps ?? []).some((x) => x.includes(">")),
    );
    expect(anchored.length).toBeGreaterThanOrEqual(15);
    for (const e of anchored) {
      const r = runSession(start(e.scenario));
      expect(r.scheduleProblems, e.id).toEqual([]);
    }
  });

  it("stops A of the lost-slab race between its read and its write of c->partial", () => {
    expect(race.scenario.schedule!.steps[0]).toBe("A>___slab_alloc:new_slab+6");
    const first = withSteps(race.scenario, [race.scenario.schedule!.steps[0]!]);
    const sess = start({
      ...first,
      schedule: { ...first.schedule!, rest: "stop" },
    });
    const r = runSession(sess);
    expect(r.steps).toBe(23);
    const a = sess.machine.actors.find((x) => x.name === "A")!;
    const at = positionOf(a, sess.variant)!;
    expect(sess.variant.fns[at.fn]!.steps[at.pc]!.line).toMatch(
      /c->partial = page->next/,
    );
    // The whole run takes exactly the steps the counted schedule took.
    expect(choices(race.scenario)).toEqual(
      choices(withSteps(race.scenario, ["A*23", "B*13"])),
    );
    expect(findingsOf(race.scenario)).toEqual([
      { code: "slab-lost", step: 36 },
    ]);
  });

  it("keeps finding the race when an earlier kernel function gains a step; counted steps do not", () => {
    // A refinement of the kernel: slab_alloc_node, which A runs before ___slab_alloc, gains
    // the hooks it calls first, three more micro-steps. Every count after them moves by three.
    const base = buildVariant(configOf(race.scenario));
    const orig = base.fns["slab_alloc_node"]!;
    const refinedKernel: Variant = {
      ...base,
      name: "rt-2021-07 with three more micro-steps in slab_alloc_node",
      fns: {
        ...base.fns,
        slab_alloc_node: fn("slab_alloc_node", [
          ...[
            "might_alloc(gfpflags)",
            "slab_pre_alloc_hook(s, gfpflags)",
            "kfence_alloc(s, size, gfpflags)",
          ].map((line) => ({ line, run: () => undefined })),
          ...orig.steps,
        ]),
      },
    };
    // Anchored: the same race, three steps later.
    expect(findingsOf(race.scenario, refinedKernel)).toEqual([
      { code: "slab-lost", step: 39 },
    ]);
    // Counted: A stops three steps short, before it has read c->partial, and the race is gone.
    expect(
      findingsOf(withSteps(race.scenario, ["A*23", "B*13"]), refinedKernel),
    ).toEqual([]);
    // The count the anchor resolves to on the refined kernel is the new absolute count.
    const sess = start(
      {
        ...race.scenario,
        schedule: { steps: ["A>___slab_alloc:new_slab+6"], rest: "stop" },
      },
      { variant: refinedKernel },
    );
    const n = runSession(sess).steps;
    expect(n).toBe(26);
    expect(
      findingsOf(withSteps(race.scenario, [`A*${n}`, "B*13"]), refinedKernel),
    ).toEqual([{ code: "slab-lost", step: 39 }]);
  });

  it("library schedules parse, and name the points they stop at", () => {
    for (const e of library)
      for (const x of e.scenario.schedule?.steps ?? []) {
        const p = parseEntry(x);
        expect(typeof p, `${e.id}: ${x}`).toBe("object");
      }
  });
});

describe("anchored narration on a library race", () => {
  // The race's narration at step 23 ("B preempts A...") anchored to where A stops instead.
  const numbered = race.scenario.narration!;
  const i23 = numbered.findIndex((n) => n.step === 23);
  const anchored: Scenario = {
    ...race.scenario,
    narration: numbered.filter((_, i) => i !== i23),
    anchoredNarration: [
      { at: "A>___slab_alloc:new_slab+6", text: numbered[i23]!.text },
    ],
  };

  it("is valid and lands on the step the numbered entry named", () => {
    const p = parseScenario(JSON.parse(JSON.stringify(anchored)));
    expect(p.ok ? [] : p.errors).toEqual([]);
    const r = resolveNarration(anchored);
    expect(r.missed).toEqual([]);
    expect(r.narration).toEqual(numbered);
  });

  it("shows on the timeline as the numbered narration did", () => {
    const a = new Timeline(anchored);
    const b = new Timeline(race.scenario);
    expect(a.narrationEntries).toEqual(b.narrationEntries);
    for (const i of [0, 22, 23, 24, a.total])
      expect(a.frame(i).narration).toBe(b.frame(i).narration);
  });

  it("rejects an anchor naming no actor, and a malformed one", () => {
    const bad = {
      ...anchored,
      anchoredNarration: [
        { at: "Z>___slab_alloc", text: "x" },
        { at: "A@0>___slab_alloc", text: "y" },
      ],
    };
    const p = parseScenario(JSON.parse(JSON.stringify(bad)));
    expect(p.ok ? [] : p.errors).toEqual([
      'anchoredNarration[1].at: narration anchor "A@0>___slab_alloc" is not of the form name>fn:label+K#N (:label, +K and #N optional)',
      'anchoredNarration[0].at: no actor named "Z" (actors: A, B; kernel contexts: kworker/N and ipi/N for each CPU N)',
    ]);
  });
});
