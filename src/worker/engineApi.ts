import {
  runSession,
  start,
  type Scenario,
  type Session,
  type StepEvent,
} from "../engine";
import { ENGINE_VERSION } from "../engine/version";
import { defaultScenario } from "../scenarios/library/default";
import { buildFrame } from "./frame";
import type { EngineApi, EngineLocation, TraceSummary } from "./protocol";

interface Loaded {
  scenario: Scenario;
  total: number;
}

/** Replays the scenario from the start up to `step` (the timeline issue adds keyframes). */
function replay(
  scenario: Scenario,
  stepTo: number,
): { sess: Session; last: StepEvent | null } {
  const sess = start(scenario);
  let last: StepEvent | null = null;
  runSession(sess, { maxSteps: stepTo, onStep: (ev) => (last = ev) });
  return { sess, last };
}

/**
 * The implementation of EngineApi, the same code in the worker and in the main thread.
 * `where` only labels the answers, so the UI can say which transport it is talking to.
 */
export function createEngineApi(where: EngineLocation): EngineApi {
  let loaded: Loaded | null = null;
  return {
    async ping() {
      return { engineVersion: ENGINE_VERSION, where };
    },
    async loadDefault(): Promise<TraceSummary> {
      const sess = start(defaultScenario);
      const r = runSession(sess);
      loaded = { scenario: defaultScenario, total: r.steps };
      return {
        title: defaultScenario.title,
        description: defaultScenario.description ?? "",
        kernel: sess.variant.name,
        steps: r.steps,
        findings: r.findings.length,
      };
    },
    async frame(step: number) {
      if (!loaded) throw new Error("no scenario is loaded");
      const at = Math.max(0, Math.min(Math.floor(step), loaded.total));
      const { sess, last } = replay(loaded.scenario, at);
      const lines = (fn: string, pc: number) =>
        sess.variant.fns[fn]?.steps[pc]?.line ?? "";
      // The narration of the latest step at or before the cursor.
      const narr =
        [...(loaded.scenario.narration ?? [])]
          .filter((n) => n.step <= at)
          .sort((a, b) => a.step - b.step)
          .at(-1)?.text ?? null;
      return buildFrame(sess.machine, lines, last, loaded.total, narr);
    },
  };
}
