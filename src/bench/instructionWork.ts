/**
 * The fixed work `./instructions.ts` counts the instructions of, run in a process of its own:
 * `<engine|explore> <n>`. A warm-up comes first (the same work, smaller), then, when n > 0, the
 * counted work: `engine n` runs n sessions of the busy scenario at 4 CPUs with the checks on
 * (seeds 1..n, as the engine bench), `explore n` the explorer's search of R1 on its fixed kernel
 * to bound n. Prints the micro-steps or schedules done.
 */
import { runSession, start } from "../engine";
import { explore, prepare } from "../explore/search";
import { libraryEntry } from "../scenarios/library";
import { onFixedKernel } from "../scenarios/library/entry";
import { busyScenario } from "./scenarios";

function engineSessions(sessions: number): number {
  const sc = busyScenario(4, 60);
  let steps = 0;
  for (let seed = 1; seed <= sessions; seed++) {
    const sess = start(sc, { checks: true });
    steps += runSession(sess, { checks: true, seed, maxSteps: 200_000 }).steps;
  }
  return steps;
}

function exploreR1(bound: number): number {
  const e = libraryEntry("r1-put-cpu-partial-stale-page")!;
  return explore(prepare(onFixedKernel(e)), { bound }).stats.schedules;
}

const kind = process.argv[2];
const n = Number(process.argv[3] ?? "0");
if (kind === "engine") {
  engineSessions(5);
  console.log(`done ${n > 0 ? engineSessions(n) : 0}`);
} else if (kind === "explore") {
  exploreR1(1);
  console.log(`done ${n > 0 ? exploreR1(n) : 0}`);
} else {
  console.error("usage: instructionWork.ts <engine|explore> <n>");
  process.exit(2);
}
