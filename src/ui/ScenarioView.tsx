import { MAX_SCENARIO_BYTES } from "../scenarios/schema";
import { useAppStore, useSession } from "../store/react";
import type { Frame, ScenarioInfo } from "../worker/protocol";
import { Controls } from "./Controls";
import { ForkPanel } from "./ForkPanel";
import { FrameView } from "./FrameView";
import { TimelineLane } from "./TimelineLane";
import { ActorLanes } from "./ActorLanes";
import { CodePane } from "./CodePane";
import { ComparePane } from "./ComparePane";
import { FindingsPanel } from "./FindingsPanel";
import { HelpOverlay } from "./HelpOverlay";
import { KernelBadges } from "./KernelBadges";
import { StatsPanel } from "./StatsPanel";
import { StepLog } from "./StepLog";
import "./panes.css";

const STOP: Record<string, string> = {
  done: "every actor has finished",
  deadlock: "nothing can run: a deadlock",
  "schedule-ended": "the schedule ended",
  "step-limit": "the step limit was reached",
  crashed: "an actor hit BUG() and stopped",
  "engine-error": "the engine failed here",
};

/** The loaded scenario at the cursor: timeline, controls, who steps next, and the state. */
export function ScenarioView() {
  const scenario = useAppStore((s) => s.scenario);
  const total = useAppStore((s) => s.timeline.summary?.total);
  const frame = useAppStore((s) => s.timeline.frame);
  const summary = useAppStore((s) => s.timeline.summary);
  const compare = useAppStore((s) => s.panes.compare);
  if (!scenario || total === undefined || !frame) return null;
  return (
    <section className="scenario" aria-label="scenario">
      <h2 data-testid="scenario-title">{scenario.title}</h2>
      <KernelBadges info={scenario} />
      <p className="kernel">
        kernel {scenario.kernel} · {total} micro-steps
      </p>
      <CpuSlabLayoutLine layout={scenario.layout} />
      <ScenarioPicker />
      <Controls />
      <TimelineLane />
      <ActorLanes />
      {frame.narration && <p className="narration">{frame.narration}</p>}
      <EventLine frame={frame} />
      <StepLog frame={frame} />
      {frame.stop && (
        <p className="stop" data-testid="stop">
          End of the trace: {STOP[frame.stop.reason] ?? frame.stop.reason}
          {frame.stop.message ? ` — ${frame.stop.message}` : ""}.
        </p>
      )}
      <ForkPanel />
      {/* The state first: it is what the step changed; the code and findings explain it. */}
      {compare ? (
        <ComparePane compare={compare} />
      ) : (
        <FrameView frame={frame} />
      )}
      <div className="panes">
        <CodePane frame={frame} />
        {!compare && <FindingsPanel frame={frame} summary={summary} />}
      </div>
      <StatsPanel />
      <HelpOverlay />
    </section>
  );
}

/** struct kmem_cache_cpu's field offsets for this kernel and config, and whether the fast path's cmpxchg16b on {freelist, tid} is aligned. */
function CpuSlabLayoutLine({ layout }: { layout: ScenarioInfo["layout"] }) {
  return (
    <p className="kernel" data-testid="layout">
      kmem_cache_cpu:{" "}
      {layout.fields.map((f) => `${f.field}@${f.offset}`).join(" ")} (
      {layout.size} bytes) ·{" "}
      {layout.pairAligned ? (
        "{freelist, tid} 16-byte aligned"
      ) : (
        <strong>
          {"{freelist, tid}"} at offset {layout.freelistOffset}: not 16-byte
          aligned, cmpxchg16b faults
        </strong>
      )}
    </p>
  );
}

function EventLine({ frame }: { frame: Frame }) {
  const e = frame.event;
  return (
    <p className="event" data-testid="last-event">
      {e
        ? `${e.actor}: ${e.fn} — ${e.line}${e.notes.length > 0 ? ` (${e.notes.join(", ")})` : ""}`
        : "before the first step"}
    </p>
  );
}

/** Picks a scenario: the default, one of the library (on its kernel or the fixed one), or a file. */
function ScenarioPicker() {
  const session = useSession();
  const errors = useAppStore((s) => s.loadErrors);
  const library = useAppStore((s) => s.library);
  const source = useAppStore((s) => s.source);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > MAX_SCENARIO_BYTES) {
      session.store
        .getState()
        .scenarioRejected([
          `${file.name} is too large: ${file.size} bytes, at most ${MAX_SCENARIO_BYTES} (1 MB)`,
        ]);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(await file.text());
    } catch (e) {
      session.store
        .getState()
        .scenarioRejected([
          `${file.name} is not valid JSON: ${(e as Error).message}`,
        ]);
      return;
    }
    await session.loadScenario(value);
  };
  const onPick = (value: string) => {
    if (value === "default") void session.loadDefault();
    const m = /^library:(.+?)(:fixed)?$/.exec(value);
    if (m) void session.loadLibrary(m[1]!, m[2] !== undefined);
  };
  const group = (kind: "tour" | "race") =>
    library
      .filter((e) => e.kind === kind)
      .flatMap((e) => [
        <option key={e.id} value={`library:${e.id}`} title={e.summary}>
          {e.title}
        </option>,
        e.hasFix && (
          <option
            key={`${e.id}:fixed`}
            value={`library:${e.id}:fixed`}
            title={e.summary}
          >
            {e.title} — on the fixed kernel
          </option>
        ),
      ]);
  return (
    <div className="picker">
      <label>
        Scenario{" "}
        <select
          aria-label="scenario"
          value={source}
          onChange={(e) => {
            onPick(e.target.value);
            // Arrow keys on a focused select change the scenario: hand them back to the timeline.
            e.target.blur();
          }}
        >
          <option value="default">The default scenario</option>
          <optgroup label="Tours">{group("tour")}</optgroup>
          <optgroup label="Races">{group("race")}</optgroup>
          {source === "file" && <option value="file">From a file</option>}
        </select>
      </label>{" "}
      <label>
        or open a file{" "}
        <input
          type="file"
          accept=".json,application/json"
          data-testid="scenario-file"
          onChange={(e) => void onFile(e.target.files?.[0])}
        />
      </label>
      {errors && (
        <div role="alert" className="alert" data-testid="load-errors">
          The scenario was not opened:
          <ul>
            {errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
