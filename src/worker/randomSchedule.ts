/**
 * A seeded random run written out as a schedule, for the editor's "seeded random" mode: the
 * entries replay the same run on any build even if the random scheduler changes later.
 */
import { runSession, start, type Scenario } from "../engine";

/**
 * The schedule of a seeded random run, written out as entries, so the scenario replays it on
 * any build even if the random scheduler changes later.
 */
export function randomSchedule(
  s: Scenario,
  seed: number,
  maxSteps = 100_000,
): NonNullable<Scenario["schedule"]> {
  const sess = start(s);
  let cpus = sess.machine.actors.map((a) => a.cpu);
  const steps: string[] = [];
  let prev = "";
  let times = 0;
  const flush = () => {
    if (times > 0) steps.push(times === 1 ? prev : `${prev}*${times}`);
  };
  runSession(sess, {
    seed,
    maxSteps,
    onStep: (ev, m) => {
      const a = m.actors[ev.actor]!;
      const entry = ev.cpu === cpus[ev.actor] ? a.name : `${a.name}@${ev.cpu}`;
      if (entry === prev) times++;
      else {
        flush();
        prev = entry;
        times = 1;
      }
      cpus = m.actors.map((x) => x.cpu);
    },
  });
  flush();
  return { steps, rest: "stop" };
}
