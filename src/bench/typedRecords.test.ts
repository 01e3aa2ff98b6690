/**
 * What the view reads as typed fields, set where things happen, held here to the display text
 * over every run of the equivalence guard (the only place that text is matched):
 * - a finding's form (types.ts FindingForm): a kernel log line starts as the kernel's log does,
 *   the model's own report says it is the model's, and a detail does neither (the view puts the
 *   code's header in front of it);
 * - a step's outcome (types.ts StepOutcome): spun, blocked and a lost cmpxchg each come with
 *   their note, and a step that ran has none of those notes.
 */
import { describe, expect, it } from "vitest";
import { runSession, start } from "../engine/run";
import type { Finding, StepEvent } from "../engine/types";
import { equivalenceCases } from "./equivalence";

const KERNEL_HEADER = /^(BUG|WARNING|INFO|kernel BUG|general protection)\b/;
const MODEL = /^slabscope:/;

function formOf(message: string): Finding["form"] {
  return KERNEL_HEADER.test(message)
    ? "log"
    : MODEL.test(message)
      ? "model"
      : "detail";
}

function outcomeOf(notes: readonly string[]): StepEvent["outcome"] {
  if (notes.includes("spin")) return "spun";
  if (notes.includes("block")) return "blocked";
  if (notes.includes("cmpxchg-fail")) return "cmpxchgFailed";
  return "ran";
}

describe("typed records", () => {
  it(
    "every finding's form and every step's outcome match their text on every guard run",
    { timeout: 300_000 },
    () => {
      const forms = new Set<string>();
      const outcomes = new Set<string>();
      for (const c of equivalenceCases()) {
        let findings: Finding[];
        try {
          findings = runSession(start(c.scenario()), {
            seed: c.seed,
            maxSteps: 20_000,
            onStep: (ev) => {
              const want = outcomeOf(ev.notes);
              if (ev.outcome !== want)
                expect(
                  ev.outcome,
                  `${c.id} step ${ev.step}: ${ev.notes.join(",")}`,
                ).toBe(want);
              outcomes.add(ev.outcome);
            },
          }).findings;
        } catch {
          continue;
        }
        for (const f of findings) {
          expect(f.form, `${c.id}: ${f.message}`).toBe(formOf(f.message));
          forms.add(f.form);
        }
      }
      expect([...forms].sort()).toEqual(["detail", "log", "model"]);
      expect([...outcomes].sort()).toEqual([
        "blocked",
        "cmpxchgFailed",
        "ran",
        "spun",
      ]);
    },
  );
});
