/**
 * The loaded scenario as it stands: when the user forked the timeline ("let this actor step
 * next"), the scenario's own schedule no longer describes it, so a share link or an export
 * carries the schedule actually taken instead.
 *
 * Up to and including the last fork, every step becomes a schedule entry (`name`, or `name@C`
 * when the step ran the actor on another CPU than its own, i.e. migrated it), run-length encoded
 * (`name*N`). After the last fork the timeline was regenerated round-robin by a fresh scheduler,
 * which is exactly what `rest: "round-robin"` does once the entries are used up: so the rest is
 * not spelled out, and the link stays short. Narration stops after the first fork, as the
 * viewer shows it: it is cut there and ended with an empty text one step later.
 */
import { applyChoice, start, type Scenario } from "../engine";
import type { Timeline } from "./timeline";

export function scenarioAsTaken(tl: Timeline): Scenario {
  const scenario = tl.session.scenario;
  const forks = tl.summary().forks;
  if (forks.length === 0) return scenario;
  const first = forks[0]!;
  const last = forks[forks.length - 1]!;
  const { machine: m, variant } = start(scenario);
  const steps: string[] = [];
  let prev = "";
  let times = 0;
  const flush = () => {
    if (times > 0) steps.push(times === 1 ? prev : `${prev}*${times}`);
  };
  for (let i = 0; i <= last && i < tl.total; i++) {
    const ch = tl.choiceAt(i);
    const a = m.actors[ch.actor]!;
    const entry = ch.cpu === a.cpu ? a.name : `${a.name}@${ch.cpu}`;
    if (entry === prev) times++;
    else {
      flush();
      prev = entry;
      times = 1;
    }
    applyChoice(m, variant, ch);
  }
  flush();
  const out: Scenario = {
    ...scenario,
    schedule: { steps, rest: "round-robin" },
  };
  const narration = tl.narrationEntries.filter((n) => n.step < first);
  if (narration.length > 0)
    out.narration = [...narration, { step: first + 1, text: "" }];
  else delete out.narration;
  // Anchored narration is already placed on its steps in `narration`.
  delete out.anchoredNarration;
  return out;
}
