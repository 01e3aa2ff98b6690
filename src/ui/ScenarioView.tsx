/**
 * The workspace: one screen, no page scroll. The toolbar on top (scenario, sharing, editor,
 * counters, presentation mode, help), the state diagram in the centre, the story beside it
 * (narration, who steps next, the code pane and the findings; tabs under the state on narrow
 * screens) and the timeline docked along the bottom edge. Drawers open over the workspace and
 * never push it away. Embed links get a 16:9 cut of it: the state, the narration and a compact
 * scrubber.
 */
import { variantSpec } from "../engine/variants";
import { useEffect, type ReactNode } from "react";
import { useStore } from "zustand";
import { MAX_SCENARIO_BYTES } from "../scenarios/schema";
import { useAppStore, useSession } from "../store/react";
import type { Drawer, SideTab } from "../store/panes";
import type { Frame, ScenarioInfo } from "../worker/protocol";
import { Controls, SpeedSelect, StepCounter, useKeyboard } from "./Controls";
import { ForkPanel } from "./ForkPanel";
import { FrameView } from "./FrameView";
import { Timeline } from "./Timeline";
import { CodePane } from "./CodePane";
import { ComparePane } from "./ComparePane";
import { FindingsPanel } from "./FindingsPanel";
import { HelpOverlay } from "./HelpOverlay";
import { KernelBadges } from "./KernelBadges";
import { StatsPanel } from "./StatsPanel";
import { StepLog } from "./StepLog";
import { ScenarioEditor } from "./editor/ScenarioEditor";
import { ErasPanel } from "./eras/ErasPanel";
import { ExplorePanel } from "./explore/ExplorePanel";
import { StoryHeader } from "./story/StoryHeader";
import { GoalBar, GoalButton } from "./story/Goal";
import { ShareBar, ShareProblem } from "./share/ShareBar";
import { shareStore } from "./share/shareState";
import { COMMANDS, labelOf } from "./commands";
import { statusText } from "./statusText";
import "./panes.css";
import "./workspace.css";

const STOP: Record<string, string> = {
  done: "every actor has finished",
  deadlock: "nothing can run: a deadlock",
  "schedule-ended": "the schedule ended",
  "step-limit": "the step limit was reached",
  crashed: "an actor hit BUG() and stopped",
  "engine-error": "the engine failed here",
};

/** The whole app below the composition root. */
export function ScenarioView() {
  useKeyboard();
  const present = useAppStore((s) => s.panes.present);
  const compare = useAppStore((s) => s.panes.compare !== null);
  const embed = useStore(shareStore, (s) => s.embed);
  const loaded = useAppStore(
    (s) => s.scenario !== null && s.timeline.frame !== null,
  );
  useEffect(() => {
    document.documentElement.classList.toggle("present", present);
  }, [present]);
  useEffect(() => {
    document.documentElement.classList.toggle("embed", embed);
  }, [embed]);
  return (
    <div
      className="workspace"
      data-testid="workspace"
      data-present={present ? "true" : undefined}
      data-embed={embed ? "true" : undefined}
      data-compare={compare ? "true" : undefined}
    >
      {embed ? <EmbedBar /> : <Toolbar />}
      <Alerts />
      {loaded ? <Loaded embed={embed} /> : <Starting />}
      {!embed && <Drawers />}
      <HelpOverlay />
    </div>
  );
}

function Starting() {
  const connection = useAppStore((s) => s.connection);
  return (
    <section className="ws-state ws-starting" aria-label="allocator state">
      <p role="status">{statusText(connection)}</p>
    </section>
  );
}

function Loaded({ embed }: { embed: boolean }) {
  const scenario = useAppStore((s) => s.scenario)!;
  const frame = useAppStore((s) => s.timeline.frame)!;
  const compare = useAppStore((s) => s.panes.compare);
  return (
    <>
      <TitleBar info={scenario} embed={embed} />
      <section className="ws-state" aria-label="allocator state">
        {!embed && <GoalBar />}
        {compare ? (
          <ComparePane compare={compare} />
        ) : (
          <FrameView frame={frame} />
        )}
      </section>
      <aside className="ws-side" aria-label="the story at this step">
        <NarrationCard frame={frame} embed={embed} />
        {!embed && <SideTabs frame={frame} compare={compare !== null} />}
      </aside>
      <footer className="ws-dock" aria-label="timeline">
        <div className="ws-transport">
          <Controls compact={embed} />
          {!embed && <SpeedSelect />}
          <StepCounter />
        </div>
        <Timeline compact={embed} />
      </footer>
    </>
  );
}

/** The top bar: the app, the scenario picker, the drawers and modes. */
function Toolbar() {
  const session = useSession();
  const drawer = useAppStore((s) => s.panes.drawer);
  const present = useAppStore((s) => s.panes.present);
  const compareCmd = COMMANDS.find((c) => c.id === "compare")!;
  const compareEnabled = useAppStore((s) => compareCmd.enabled(s));
  const compareLabel = useAppStore((s) => labelOf(compareCmd, s));
  const undoCmd = COMMANDS.find((c) => c.id === "undo")!;
  const undoEnabled = useAppStore((s) => undoCmd.enabled(s));
  const toggle = (d: Drawer) => session.store.getState().toggleDrawer(d);
  const drawerButton = (d: Drawer, label: string, title: string) => (
    <button
      type="button"
      aria-expanded={drawer === d}
      aria-controls={`drawer-${d}`}
      data-drawer={d}
      title={title}
      onClick={() => toggle(d)}
    >
      {label}
    </button>
  );
  return (
    <header className="ws-toolbar" role="toolbar" aria-label="workspace">
      <h1 className="ws-brand">slabscope</h1>
      <ScenarioPicker />
      <span className="ws-spacer" />
      <button
        type="button"
        data-command="undo"
        title={`${undoCmd.title} (${undoCmd.keyHelp})`}
        aria-keyshortcuts={undoCmd.keys.join(" ")}
        aria-label="↶ Undo fork"
        disabled={!undoEnabled}
        onClick={() => undoCmd.run(session)}
      >
        ↶<span className="ws-wide-label"> Undo fork</span>
      </button>
      <button
        type="button"
        data-command="compare"
        title={`${compareCmd.title} (${compareCmd.keyHelp})`}
        aria-keyshortcuts={compareCmd.keys.join(" ")}
        aria-pressed={compareLabel === "Close compare"}
        aria-label={compareLabel}
        disabled={!compareEnabled}
        onClick={() => compareCmd.run(session)}
      >
        {compareLabel === "Compare with fix" ? (
          <>
            Compare<span className="ws-wide-label"> with fix</span>
          </>
        ) : (
          compareLabel
        )}
      </button>
      <GoalButton />
      {drawerButton("share", "Share", "Links, import and export")}
      {drawerButton("editor", "Edit", "Write or change a scenario")}
      {drawerButton("stats", "Stats", "SLUB_STATS counters over the trace")}
      {drawerButton(
        "explore",
        "Explore",
        "Search the interleavings of the scenario's operations for a finding",
      )}
      {drawerButton(
        "eras",
        "Eras",
        "Compare eras: the scenario's operations on every mainline release, and what each costs (cmpxchg, list_lock, slabs touched)",
      )}
      {drawerButton(
        "details",
        "Details",
        "Kernel configuration, kmem_cache_cpu layout, engine status",
      )}
      <button
        type="button"
        data-command="present"
        aria-pressed={present}
        title="Presentation mode: larger cells and type, high contrast (Shift+P)"
        aria-keyshortcuts="Shift+P"
        onClick={() => session.store.getState().setPresent(!present)}
      >
        Present
      </button>
      <button
        type="button"
        data-command="help"
        title="Keys and legend (?)"
        aria-keyshortcuts="?"
        onClick={() =>
          session.store.getState().setHelp(!session.store.getState().panes.help)
        }
      >
        ? Keys
      </button>
    </header>
  );
}

/** Embed mode's bar: the title and a way out to the full workspace. */
function EmbedBar() {
  return (
    <header className="ws-toolbar ws-embed-bar" data-testid="embed-bar">
      <span className="ws-brand">slabscope</span>
      <span className="ws-spacer" />
      <button
        type="button"
        onClick={() => shareStore.getState().setEmbed(false)}
      >
        Full view
      </button>
    </header>
  );
}

/** What went wrong or what the user should know, in one row under the toolbar. */
function Alerts() {
  const session = useSession();
  const connection = useAppStore((s) => s.connection);
  const notice = useAppStore((s) => s.timeline.notice);
  const loadErrors = useAppStore((s) => s.loadErrors);
  return (
    <div className="ws-alerts">
      {connection.kind === "failed" && (
        <div role="alert" className="alert">
          {connection.message} Reload the page to start the engine again.
        </div>
      )}
      {notice && (
        <div
          role={notice.kind === "error" ? "alert" : "status"}
          className={notice.kind === "error" ? "alert notice" : "notice"}
          data-testid="notice"
        >
          <span>{notice.text}</span>{" "}
          <button
            type="button"
            onClick={() => session.store.getState().notify(null)}
          >
            Dismiss
          </button>
        </div>
      )}
      {loadErrors && (
        <div role="alert" className="alert" data-testid="load-errors">
          The scenario was not opened:
          <ul>
            {loadErrors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => session.store.getState().scenarioRejected(null)}
          >
            Dismiss
          </button>
        </div>
      )}
      <ShareProblem />
    </div>
  );
}

function TitleBar({ info, embed }: { info: ScenarioInfo; embed: boolean }) {
  const total = useAppStore((s) => s.timeline.summary?.total ?? 0);
  return (
    <div
      className={info.story && !embed ? "ws-title ws-title-story" : "ws-title"}
    >
      <div className="ws-title-row">
        <h2 data-testid="scenario-title" title={info.title}>
          {info.title}
        </h2>
        {!embed && (
          <div className="ws-title-meta">
            <KernelBadges info={info} />
            <span className="kernel">
              kernel {info.kernel} · {total} micro-steps
            </span>
          </div>
        )}
      </div>
      {info.story && !embed && <StoryHeader story={info.story} />}
    </div>
  );
}

/** The narration at the cursor, the step just taken, why the trace ended, and who steps next. */
function NarrationCard({ frame, embed }: { frame: Frame; embed: boolean }) {
  return (
    <section className="ws-narration" aria-label="narration">
      <p
        className={frame.narration ? "narration" : "narration empty"}
        data-testid="narration"
      >
        {frame.narration ?? "No narration at this step."}
      </p>
      <EventLine frame={frame} />
      {frame.stop && (
        <p className="stop" data-testid="stop">
          End of the trace: {STOP[frame.stop.reason] ?? frame.stop.reason}
          {frame.stop.message ? ` — ${frame.stop.message}` : ""}.
        </p>
      )}
      {!embed && <ForkPanel />}
    </section>
  );
}

const TABS: { id: SideTab; label: string }[] = [
  { id: "code", label: "Code" },
  { id: "findings", label: "Findings" },
  { id: "steps", label: "Steps" },
];

/**
 * The code pane, the findings and the step log. Wide screens show the code and the findings
 * stacked (the tab bar is hidden by CSS); narrow ones show one tab at a time.
 */
function SideTabs({ frame, compare }: { frame: Frame; compare: boolean }) {
  const session = useSession();
  const tab = useAppStore((s) => s.panes.sideTab);
  const summary = useAppStore((s) => s.timeline.summary);
  const findings = frame.findings.length;
  return (
    <div className="ws-tabs" data-tab={tab}>
      <div className="ws-tablist" role="tablist" aria-label="side panes">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`tabpanel-${t.id}`}
            onClick={() => session.store.getState().setSideTab(t.id)}
          >
            {t.label}
            {t.id === "findings" && findings > 0 ? ` (${findings})` : ""}
          </button>
        ))}
      </div>
      <TabPanel id="code" tab={tab}>
        <CodePane frame={frame} />
      </TabPanel>
      <TabPanel id="findings" tab={tab}>
        {compare ? (
          <p className="hint">
            Compare mode shows each side&apos;s findings with its state.
          </p>
        ) : (
          <FindingsPanel frame={frame} summary={summary} />
        )}
      </TabPanel>
      <TabPanel id="steps" tab={tab}>
        <StepLog frame={frame} />
      </TabPanel>
    </div>
  );
}

function TabPanel({
  id,
  tab,
  children,
}: {
  id: SideTab;
  tab: SideTab;
  children: ReactNode;
}) {
  return (
    <div
      className={`ws-tabpanel ws-tabpanel-${id}`}
      role="tabpanel"
      id={`tabpanel-${id}`}
      aria-labelledby={`tab-${id}`}
      data-active={tab === id ? "true" : undefined}
    >
      {children}
    </div>
  );
}

/** The drawers over the workspace; the editor and sharing stay mounted to keep their state. */
function Drawers() {
  const session = useSession();
  const drawer = useAppStore((s) => s.panes.drawer);
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") session.store.getState().toggleDrawer(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [drawer, session]);
  const titles: Record<Drawer, string> = {
    share: "Share, import and export",
    editor: "Edit a scenario",
    stats: "SLUB_STATS",
    details: "Kernel and engine",
    explore: "Explore interleavings",
    eras: "Compare eras",
  };
  const panel = (d: Drawer, body: ReactNode) => (
    <section
      key={d}
      id={`drawer-${d}`}
      className={`ws-drawer ws-drawer-${d}`}
      aria-label={titles[d]}
      hidden={drawer !== d}
    >
      <header>
        <h2>{titles[d]}</h2>
        <button
          type="button"
          aria-label={`close ${titles[d]}`}
          onClick={() => session.store.getState().toggleDrawer(null)}
        >
          ✕ Close
        </button>
      </header>
      <div className="ws-drawer-body">{body}</div>
    </section>
  );
  return (
    <>
      {panel("share", <ShareBar />)}
      {panel("editor", <ScenarioEditor />)}
      {panel("stats", drawer === "stats" ? <StatsPanel /> : null)}
      {panel("details", <DetailsPanel />)}
      {panel("explore", <ExplorePanel />)}
      {panel("eras", drawer === "eras" ? <ErasPanel /> : null)}
    </>
  );
}

function DetailsPanel() {
  const scenario = useAppStore((s) => s.scenario);
  const connection = useAppStore((s) => s.connection);
  return (
    <div className="ws-details">
      <p role="status" className="status" data-testid="engine-status">
        {statusText(connection)}
      </p>
      {scenario && (
        <>
          <p>{scenario.description}</p>
          {variantSpec(scenario.config.kernel).noCpuSlab ? (
            <p className="kernel" data-testid="layout">
              no struct kmem_cache_cpu in this kernel: the per-CPU state is the
              sheaves
            </p>
          ) : (
            <CpuSlabLayoutLine layout={scenario.layout} />
          )}
        </>
      )}
    </div>
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
    <p className="event">
      {e && <span className="event-step">step {frame.step} </span>}
      <span data-testid="last-event">
        {e
          ? `${e.actor}: ${e.fn} — ${e.line}${e.notes.length > 0 ? ` (${e.notes.join(", ")})` : ""}`
          : "before the first step"}
      </span>
    </p>
  );
}

/** Picks a scenario: the default, one of the library (on its kernel or the fixed one), or a file. */
function ScenarioPicker() {
  const session = useSession();
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
      <select
        aria-label="scenario"
        value={source}
        onChange={(e) => {
          onPick(e.target.value);
          // The arrows step the timeline again, not the list of scenarios.
          e.target.blur();
        }}
      >
        <option value="default">The default scenario</option>
        <optgroup label="Tours">{group("tour")}</optgroup>
        <optgroup label="Races">{group("race")}</optgroup>
        {source === "file" && <option value="file">From a file</option>}
      </select>
      <label className="ws-file" title="Open a scenario file (JSON)">
        <span>Open file…</span>
        <input
          type="file"
          accept=".json,application/json"
          data-testid="scenario-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            void onFile(file);
          }}
        />
      </label>
    </div>
  );
}
