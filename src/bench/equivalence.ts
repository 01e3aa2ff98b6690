/**
 * The engine's behaviour as compact digests, for the equivalence guard (equivalence.test.ts):
 * every library scenario on its broken and fixed kernels (scripted, and on random schedules),
 * and random scenarios over several kernels and random schedules. A digest holds the findings
 * (code, step, actor, message, slabs, objects), how the run stopped, and hashes of every step's
 * choice and event and of the final machine.
 *
 * `UPDATE_GOLDEN=1 npx vitest run src/bench/equivalence.test.ts` rewrites the golden file (then
 * `npx prettier --write src/bench/equivalence.golden.json`);
 * do that only for an intended change of behaviour.
 */
import { onFixedKernel } from "../scenarios/library/entry";
import { library } from "../scenarios/library/index";
import { StepRefused } from "../engine/machine";
import { runSession, start } from "../engine/run";
import type { Scenario, ScenarioKernel } from "../engine/scenario";
import type { Finding, StepEvent } from "../engine/types";
import { anyScenario } from "../engine/test/anyScenario";
import { busyScenario } from "./scenarios";
import { randomScenario } from "../engine/test/helpers";

export interface Digest {
  id: string;
  stop: string;
  steps: number;
  skipped: number;
  findings: (string | number | null)[][];
  /** FNV-1a over every step's choice and event. */
  trace: string;
  /** FNV-1a over the final machine's JSON. */
  final: string;
}

class Fnv {
  private h = 0x811c9dc5;
  str(s: string): void {
    for (let i = 0; i < s.length; i++) {
      this.h ^= s.charCodeAt(i);
      this.h = Math.imul(this.h, 0x01000193);
    }
    this.int(s.length);
  }
  int(n: number): void {
    this.h ^= n & 0xffff;
    this.h = Math.imul(this.h, 0x01000193);
    this.h ^= (n >>> 16) & 0xffff;
    this.h = Math.imul(this.h, 0x01000193);
  }
  hex(): string {
    return (this.h >>> 0).toString(16).padStart(8, "0");
  }
}

function eventHash(h: Fnv, ev: StepEvent): void {
  h.int(ev.step);
  h.int(ev.actor);
  h.int(ev.cpu);
  h.str(ev.via);
  h.str(ev.fn);
  h.int(ev.pc);
  h.str(ev.line);
  h.str(ev.label ?? "");
  h.str(ev.notes.join(","));
  h.str(ev.stats.join(","));
  h.int(ev.findings.length);
  h.int((ev.opStart ? 1 : 0) | (ev.opEnd ? 2 : 0));
}

export function digest(
  id: string,
  s: Scenario,
  seed: number | null,
  maxSteps = 20_000,
): Digest {
  const h = new Fnv();
  try {
    const sess = start(s);
    const r = runSession(sess, {
      seed,
      maxSteps,
      onStep: (ev) => eventHash(h, ev),
    });
    const fin = new Fnv();
    // A finding's form (how the view shows it) is held by findingForm.test.ts, not here.
    fin.str(
      JSON.stringify({
        ...r.machine,
        findings: r.machine.findings.map((f) => {
          const rest: Partial<Finding> = { ...f };
          delete rest.form;
          return rest;
        }),
      }),
    );
    return {
      id,
      stop: r.stopReason,
      steps: r.steps,
      skipped: r.skippedEntries,
      findings: r.findings.map((f) => [
        f.code,
        f.step,
        f.actor,
        f.message,
        f.slabs.join(","),
        f.objects.join(","),
      ]),
      trace: h.hex(),
      final: fin.hex(),
    };
  } catch (e) {
    const what =
      e instanceof StepRefused
        ? `refused: ${e.message}`
        : `error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    return {
      id,
      stop: what,
      steps: 0,
      skipped: 0,
      findings: [],
      trace: h.hex(),
      final: "",
    };
  }
}

const KERNELS: Partial<ScenarioKernel>[] = [
  { variant: "v5.15" },
  { variant: "v5.15", fixes: ["tid-on-deactivation"] },
  { variant: "v5.15", preemptRt: true },
  { variant: "v5.15", cpuPartial: false, fixes: ["tid-on-deactivation"] },
  { variant: "v5.14" },
  { variant: "v5.14", fixes: ["tid-on-deactivation"] },
  { variant: "v5.14", memcg: true, fixes: ["tid-on-deactivation"] },
];

/** Every case of the guard, by id (ids are unique). */
export function equivalenceCases(): {
  id: string;
  scenario: () => Scenario;
  seed: number | null;
}[] {
  const out: ReturnType<typeof equivalenceCases> = [];
  for (const e of library) {
    const variants: [string, Scenario][] = [["", e.scenario]];
    if (e.fixed) variants.push([" fixed", onFixedKernel(e)]);
    for (const [tag, s] of variants) {
      out.push({ id: `lib ${e.id}${tag}`, scenario: () => s, seed: null });
      for (const seed of [1, 2, 3])
        out.push({
          id: `lib ${e.id}${tag} seed ${seed}`,
          scenario: () => s,
          seed,
        });
    }
  }
  KERNELS.forEach((k, ki) => {
    for (let seed = 1; seed <= 60; seed++)
      out.push({
        id: `random k${ki} ${seed}`,
        scenario: () => randomScenario(seed, k),
        seed: seed * 7 + 1,
      });
  });
  for (let seed = 1; seed <= 150; seed++)
    out.push({
      id: `any ${seed}`,
      scenario: () => anyScenario(seed),
      seed: seed * 13 + 5,
    });
  for (let seed = 1; seed <= 60; seed++)
    out.push({
      id: `any calm ${seed}`,
      scenario: () => anyScenario(1000 + seed, undefined, true),
      seed,
    });
  // The benchmark's busy machine, on a kernel with the missing tid bumps and on the fixed one.
  for (const fixes of [[], ["tid-on-deactivation"] as const])
    for (const cpus of [1, 2, 4])
      for (let seed = 1; seed <= 4; seed++)
        out.push({
          id: `busy ${cpus} ${fixes.length > 0 ? "fixed" : "v5.15"} ${seed}`,
          scenario: () => {
            const s = busyScenario(cpus, 4);
            return { ...s, kernel: { ...s.kernel, fixes: [...fixes] } };
          },
          seed,
        });
  return out;
}
