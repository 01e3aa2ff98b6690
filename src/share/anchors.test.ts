/**
 * Share links and schedules anchored to code: links made before anchors (counted entries only)
 * open exactly as they did, and a link carries anchored entries and narration.
 */
import { describe, expect, it } from "vitest";
import type { Scenario } from "../engine";
import { libraryEntry } from "../scenarios/library";
import { Timeline } from "../worker/timeline";
import { decodeShare, encodeShare } from "./codec";
import frozenV1Link from "./fixtures/v1-two-cpus.link?raw";

function opened(link: string): Timeline {
  const r = decodeShare(link);
  if (!r.ok) throw new Error(r.errors.join("; "));
  return new Timeline(r.scenario);
}

/** What a viewer shows of a whole timeline: who takes each step, where it stops, the findings. */
function fingerprint(tl: Timeline) {
  const s = tl.summary();
  return {
    total: s.total,
    stop: s.stopReason,
    skipped: s.skippedEntries,
    actors: Array.from(s.actorOfStep).join(""),
    findings: s.findings,
  };
}

/** The library's schedules as counted entries, as links made before the library used anchors hold them. */
const COUNTED: [string, string[]][] = [
  ["tour-free-freezes-full-slab", ["A*63", "irq*27"]],
  ["r4-recheck-reread-page", ["A*7", "irq*37"]],
  ["r16-flush-recheck", ["F*7", "kworker/0", "A*24", "kworker/0*11"]],
  [
    "r1-put-cpu-partial-stale-page",
    ["A*10", "irq*36", "B", "A", "B", "irq2*155"],
  ],
  ["r5-pfmemalloc-vm-bug-on", ["A*7", "irq*47", "A*2"]],
  [
    "r7-hotplug-vs-destroy",
    [
      "torture_onoff",
      "torture_shutdown",
      "torture_onoff*3",
      "torture_shutdown*4",
    ],
  ],
  ["r18-missing-tid-bump", ["B*5", "A*24", "B"]],
  ["r0-1-rt-free-steals-partial", ["A*22", "B*34"]],
  ["r0-1b-stale-partial-drain", ["A*22", "B*34", "A*5", "C*13", "D*40"]],
  ["r2-rt-put-cpu-partial-lost-slab", ["A*23", "B*13"]],
  ["r0-2-mike-v2-still-loses-slab", ["A*23", "B*13"]],
  ["r3-rt-lockless-fastpath", ["A*11", "B*6"]],
  ["s1-6-kprobe-irqs-off", ["A*11", "irq*7"]],
  ["s3-1-pca-irq-free-leak", ["A*3", "irq*44"]],
  ["s3-3-pca-refill-migrates", ["A*57", "A@1"]],
  ["s3-4-rt-prefill-trylock-leak", ["L*3", "H*81"]],
  ["s3-5-pca-prefill-migrate", ["A*60", "A@1"]],
];

describe("share links and anchored schedules", () => {
  it("opens the frozen version-1 link (counted entries) exactly as before anchors", () => {
    const tl = opened(frozenV1Link);
    // Recorded from the build before anchored entries existed.
    expect(fingerprint(tl)).toEqual({
      total: 60,
      stop: "done",
      skipped: 0,
      actors: "0".repeat(39) + "1".repeat(21),
      findings: [],
    });
    expect(tl.frame(12).narration).toBe(
      "The first allocation finds no cpu slab and takes the slow path.",
    );
  });

  it.each(COUNTED)(
    "a link to %s made with counted entries opens to the timeline its anchored schedule gives",
    (id, steps) => {
      const e = libraryEntry(id)!;
      expect(e.scenario.schedule!.steps.some((x) => x.includes(">"))).toBe(
        true,
      );
      const old: Scenario = {
        ...e.scenario,
        schedule: { ...e.scenario.schedule!, steps },
      };
      const link = encodeShare({ scenario: old, view: { cursor: 5 } });
      expect(fingerprint(opened(link))).toEqual(
        fingerprint(new Timeline(e.scenario)),
      );
    },
  );

  it("carries anchored entries and anchored narration", () => {
    const e = libraryEntry("r2-rt-put-cpu-partial-lost-slab")!;
    const s: Scenario = {
      ...e.scenario,
      anchoredNarration: [
        { at: "A>___slab_alloc:new_slab+6", text: "A is about to write." },
      ],
    };
    const r = decodeShare(encodeShare({ scenario: s, view: {} }));
    expect(r.ok && r.scenario).toEqual(s);
    const tl = opened(encodeShare({ scenario: s, view: {} }));
    expect(fingerprint(tl)).toEqual(fingerprint(new Timeline(e.scenario)));
    expect(tl.frame(23).narration).toBe("A is about to write.");
  });

  it("refuses a link whose anchored entry is malformed, naming it", () => {
    const e = libraryEntry("r2-rt-put-cpu-partial-lost-slab")!;
    const s = {
      ...e.scenario,
      schedule: { steps: ["A>___slab_alloc:"], rest: "round-robin" as const },
    };
    const r = decodeShare(encodeShare({ scenario: s, view: {} }));
    expect(!r.ok && r.errors).toEqual([
      'schedule.steps[0]: schedule entry "A>___slab_alloc:" is not of the form name>fn:label+K#N (run the actor to a labelled step of kernel function fn; :label, +K, #N and @CPU after the name optional)',
    ]);
  });
});
