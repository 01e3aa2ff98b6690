/**
 * A finding's form (types.ts FindingForm) is set where the finding is made; the view reads it,
 * never the text. Here the text is held to the form over every run of the equivalence guard: a
 * kernel log line starts as the kernel's log does, the model's own report says it is the
 * model's, and a detail does neither (the view puts the code's header in front of it).
 */
import { describe, expect, it } from "vitest";
import { runSession, start } from "../engine/run";
import type { Finding } from "../engine/types";
import { equivalenceCases } from "./equivalence";

const KERNEL_HEADER = /^(BUG|WARNING|INFO|kernel BUG|general protection)\b/;
const MODEL = /^slabscope:/;

describe("every finding's form", () => {
  it(
    "matches its message on every run of the equivalence guard",
    { timeout: 300_000 },
    () => {
      const forms = new Map<string, Set<string>>();
      for (const c of equivalenceCases()) {
        let findings: Finding[];
        try {
          findings = runSession(start(c.scenario()), {
            seed: c.seed,
            maxSteps: 20_000,
          }).findings;
        } catch {
          continue;
        }
        for (const f of findings) {
          const want = KERNEL_HEADER.test(f.message)
            ? "log"
            : MODEL.test(f.message)
              ? "model"
              : "detail";
          expect(f.form, `${c.id}: ${f.message}`).toBe(want);
          const s = forms.get(f.code) ?? new Set<string>();
          s.add(f.form);
          forms.set(f.code, s);
        }
      }
      // All three forms occur.
      const all = new Set([...forms.values()].flatMap((s) => [...s]));
      expect([...all].sort()).toEqual(["detail", "log", "model"]);
    },
  );
});
