import { useEffect } from "react";
import { useAppStore, useSession } from "../store/react";
import { SPEEDS, type Speed } from "../store/store";
import {
  COMMANDS,
  commandFor,
  isTextEntry,
  labelOf,
  type Command,
} from "./commands";

/** The timeline's transport, docked above the scrubber: start, operations, steps, play, findings. */
const TRANSPORT = [
  "start",
  "prev-op",
  "back",
  "play",
  "step",
  "next-op",
  "end",
  "prev-finding",
  "next-finding",
];
/** What an embedded view keeps: stepping and playing. */
const COMPACT = ["back", "play", "step"];

export function Controls({ compact = false }: { compact?: boolean }) {
  const ids = compact ? COMPACT : TRANSPORT;
  return (
    <div className="controls" role="toolbar" aria-label="timeline controls">
      {ids.map((id) => {
        const c = COMMANDS.find((x) => x.id === id)!;
        return <CommandButton key={c.id} command={c} />;
      })}
    </div>
  );
}

export function SpeedSelect() {
  const session = useSession();
  const speed = useAppStore((s) => s.timeline.speed);
  return (
    <label className="speed" title="Playback speed (- and + change it)">
      <span>speed</span>{" "}
      <select
        aria-label="speed"
        value={speed}
        onChange={(e) => {
          session.setSpeed(Number(e.target.value) as Speed);
          // Space plays and pauses again, instead of opening the list.
          e.target.blur();
        }}
      >
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s} steps/s
          </option>
        ))}
      </select>
    </label>
  );
}

function CommandButton({ command }: { command: Command }) {
  const session = useSession();
  const enabled = useAppStore((s) => command.enabled(s));
  const label = useAppStore((s) => labelOf(command, s));
  return (
    <button
      type="button"
      title={`${command.title} (${command.keyHelp})`}
      aria-keyshortcuts={command.keys.join(" ")}
      disabled={!enabled}
      data-command={command.id}
      onClick={() => command.run(session)}
    >
      {label}
    </button>
  );
}

export function StepCounter() {
  const step = useAppStore((s) => s.timeline.frame?.step ?? 0);
  const total = useAppStore((s) => s.timeline.summary?.total ?? 0);
  return (
    <span className="step-counter" data-testid="step-counter">
      step {step} / {total}
    </span>
  );
}

/** The shortcuts, on the whole page except where the user types text. */
export function useKeyboard() {
  const session = useSession();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || isTextEntry(e.target)) return;
      const c = commandFor(e.key);
      if (!c) return;
      // While the help is open only its own key works (Escape is the overlay's).
      if (session.store.getState().panes.help && c.id !== "help") return;
      // Also keeps Space from pressing the focused button and arrows from scrolling.
      e.preventDefault();
      if (c.enabled(session.store.getState())) c.run(session, e.key);
    };
    // Space presses a focused button on key up: the shortcut has already run.
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === " " && !isTextEntry(e.target)) e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    window.addEventListener("keyup", onKeyUp);
    return () => {
      window.removeEventListener("keydown", onKey);
      window.removeEventListener("keyup", onKeyUp);
    };
  }, [session]);
}
