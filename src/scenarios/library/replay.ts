import {
  runSession,
  start,
  type RunResult,
  type ScenarioKernel,
  type StepEvent,
} from "../../engine";
import type { LibraryEntry } from "./entry";

/** Runs a library entry, optionally on another kernel, keeping every event (for tests and tools). */
export function replay(
  e: LibraryEntry,
  kernel: Partial<ScenarioKernel> = {},
): {
  r: RunResult;
  events: (StepEvent & { name: string })[];
  at: (step: number) => StepEvent & { name: string };
} {
  const s = { ...e.scenario, kernel: { ...e.scenario.kernel, ...kernel } };
  const events: (StepEvent & { name: string })[] = [];
  const r = runSession(start(s), {
    onStep: (ev, m) => events.push({ ...ev, name: m.actors[ev.actor]!.name }),
  });
  return {
    r,
    events,
    at: (step: number) => events.find((x) => x.step === step)!,
  };
}
