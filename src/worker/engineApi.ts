import { library, libraryEntry } from "../scenarios/library";
import type { LibraryEntry } from "../scenarios/library/entry";
import { defaultScenario } from "../scenarios/library/default";
import { parseScenario } from "../scenarios/schema";
import {
  configOf,
  VARIANTS,
  kmemCacheCpuLayout,
  type Scenario,
} from "../engine";
import { ENGINE_VERSION } from "../engine/version";
import type {
  CrashKind,
  EngineApi,
  EngineLocation,
  Opened,
  ScenarioInfo,
  ScenarioStory,
} from "./protocol";
import { kernelName, onFixedKernel } from "../scenarios/library/entry";
import {
  alignByOperation,
  firstDivergence,
  operationMarks,
  type OpMark,
} from "./divergence";
import { randomSchedule } from "./randomSchedule";
import { scenarioAsTaken } from "./takenSchedule";
import { historyOf, type HistoryCache } from "./history";
import { Timeline } from "./timeline";
import { listingsOf, sourcesOf } from "./panes";

/**
 * The implementation of EngineApi, the same code in the worker and in the main thread.
 * `where` only labels the answers, so the UI can say which transport it is talking to.
 * It holds one timeline: the loaded scenario with its trace and undo stack.
 */
export function createEngineApi(where: EngineLocation): EngineApi {
  let timeline: Timeline | null = null;
  let testing = false;
  // Histories of the current trace; replaced whenever the trace changes.
  let histories: HistoryCache = new Map();
  /** The library race loaded on its own kernel, which compare mode replays on the fix. */
  let race: LibraryEntry | null = null;
  /** Compare mode: the same schedule on the fixed kernel, seeked with the same cursor. */
  let compare: Timeline | null = null;

  /** Compare mode: each side's operation boundaries, to align the fixed side by operation. */
  let compareBounds: { main: OpMark[]; fixed: OpMark[] } | null = null;

  const loaded = (): Timeline => {
    if (!timeline) throw new Error("no scenario is loaded");
    return timeline;
  };
  const open = (
    s: Scenario,
    entry: LibraryEntry | null = null,
    story: ScenarioStory | undefined = undefined,
  ): Opened => {
    timeline = new Timeline(s);
    histories = new Map();
    race = entry;
    compare = null;
    compareBounds = null;
    const cursor = Math.min(s.cursor ?? 0, timeline.total);
    return {
      scenario: info(s, cursor, timeline, story),
      timeline: timeline.summary(),
      frame: timeline.frame(cursor),
    };
  };

  return {
    async ping() {
      return { engineVersion: ENGINE_VERSION, where };
    },
    async loadDefault() {
      return open(defaultScenario);
    },
    async listLibrary() {
      return library.map((e) => ({
        id: e.id,
        kind: e.kind,
        title: e.scenario.title,
        summary: e.summary,
        hasFix: e.fixed !== undefined,
      }));
    },
    async loadLibrary(id: string, fixed = false) {
      const e = libraryEntry(id);
      if (!e)
        return { ok: false, errors: [`no scenario "${id}" in the library`] };
      if (fixed && !e.fixed)
        return { ok: false, errors: [`"${id}" has no fixed kernel`] };
      const s: Scenario = fixed ? onFixedKernel(e) : e.scenario;
      return {
        ok: true,
        ...open(s, fixed || !e.fixed ? null : e, storyOf(e, fixed)),
      };
    },
    async load(input: unknown) {
      const r = parseScenario(input);
      if (!r.ok) return { ok: false, errors: r.errors };
      return { ok: true, ...open(r.scenario) };
    },
    async seek(step: number) {
      return loaded().frame(step);
    },
    async fork(step: number, actor: number, cpu: number) {
      const tl = loaded();
      const r = tl.fork(step, actor, cpu);
      if (!r.ok) return r;
      histories = new Map();
      if (compareBounds) compareBounds.main = operationMarks(tl);
      return {
        ok: true,
        timeline: tl.summary(),
        frame: tl.frame(Math.min(step + 1, tl.total)),
      };
    },
    async history(ref, upTo) {
      return historyOf(loaded(), ref, upTo, histories);
    },
    async undo() {
      const tl = loaded();
      const at = tl.undo();
      if (at === null) return null;
      histories = new Map();
      if (compareBounds) compareBounds.main = operationMarks(tl);
      return {
        scenario: info(
          tl.session.scenario,
          at,
          tl,
          race ? storyOf(race, false) : undefined,
        ),
        timeline: tl.summary(),
        frame: tl.frame(at),
      };
    },
    async currentScenario() {
      return scenarioAsTaken(loaded());
    },
    async openCompare(step: number) {
      loaded();
      if (!race)
        return {
          ok: false,
          message:
            "compare mode needs a library race opened on its own kernel (one with a fix)",
        };
      const tl = loaded();
      const s = onFixedKernel(race);
      compare = new Timeline(s);
      const summary = compare.summary();
      compareBounds = {
        main: operationMarks(tl),
        fixed: operationMarks(compare),
      };
      const at = alignByOperation(
        step,
        compareBounds.main,
        compareBounds.fixed,
        compare.total,
      );
      return {
        ok: true,
        scenario: info(s, at, compare, storyOf(race, true)),
        timeline: summary,
        frame: compare.frame(at),
        divergence: firstDivergence(tl, compare),
      };
    },
    async compareSeek(step: number) {
      if (!compare || !compareBounds) return null;
      return compare.frame(
        alignByOperation(
          step,
          compareBounds.main,
          compareBounds.fixed,
          compare.total,
        ),
      );
    },
    async closeCompare() {
      compare = null;
      compareBounds = null;
    },
    async randomSchedule(scenario: Scenario, seed: number) {
      return randomSchedule(scenario, seed);
    },
    async setTesting(on: boolean) {
      testing = on;
    },
    async crashForTesting(how: CrashKind) {
      if (!testing) throw new Error("testing mode is off");
      if (how === "engine" || where === "in-thread")
        throw new Error("the engine failed on purpose (testing)");
      if (how === "silent") {
        // A worker that stops without an error event, as one killed from outside does.
        (globalThis as unknown as { close(): void }).close();
        return new Promise<void>(() => {});
      }
      // An uncaught error outside any call: the worker's error event, as a real crash gives.
      setTimeout(() => {
        throw new Error("the engine worker crashed on purpose (testing)");
      });
      return new Promise<void>(() => {});
    },
  };
}

/** What the header and goal mode show of a library entry. */
function storyOf(e: LibraryEntry, onFixed: boolean): ScenarioStory {
  const fixed = e.fixed ? { ...e.scenario.kernel, ...e.fixed } : null;
  return {
    id: e.id,
    kind: e.kind,
    summary: e.summary,
    basis: e.source.basis,
    source: e.source.seed,
    ...(e.source.fix !== undefined ? { fix: e.source.fix } : {}),
    ...(fixed
      ? {
          fixedKernel: [kernelName(fixed), ...(e.fixed?.fixes ?? [])].join(
            " +",
          ),
        }
      : {}),
    onFixedKernel: onFixed,
    ...(e.goal !== undefined ? { goal: e.goal } : {}),
  };
}

function info(
  s: Scenario,
  cursor: number,
  tl: Timeline,
  story?: ScenarioStory,
): ScenarioInfo {
  const v = tl.session.variant;
  const k = s.kernel;
  return {
    ...(story ? { story } : {}),
    title: s.title,
    description: s.description ?? "",
    kernel: `${k.variant}${k.preemptRt ? " +rt" : ""}`,
    config: configOf(s),
    objectsPerSlab: s.cache.objects,
    narration: tl.narrationEntries,
    listings: listingsOf(v),
    sources: sourcesOf(v),
    layout: kmemCacheCpuLayout(VARIANTS[k.variant].cpuSlabOrder, {
      preemptRt: k.preemptRt ?? false,
      lockdep: k.lockdep ?? true,
      lockStat: k.lockStat ?? false,
      cpuPartial: k.cpuPartial ?? true,
    }),
    cursor,
  };
}
