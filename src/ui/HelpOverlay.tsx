/**
 * The keyboard help and the legend, opened with `?`: every command of the registry
 * (commands.ts) with its keys, so the buttons, the keys and this list can never disagree; then
 * every lane shape, slot look and term. Escape or the button closes it and gives the focus back.
 */
import { useEffect, useRef } from "react";
import { useAppStore, useSession } from "../store/react";
import { COMMANDS } from "./commands";
import { Legend } from "./legend";

export function HelpOverlay() {
  const session = useSession();
  const open = useAppStore((s) => s.panes.help);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const back = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") session.store.getState().setHelp(false);
      // A modal dialog keeps the focus: its one control is the close button.
      if (e.key === "Tab") {
        e.preventDefault();
        closeRef.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => {
      window.removeEventListener("keydown", onKey);
      back?.focus?.();
    };
  }, [open, session]);
  if (!open) return null;
  return (
    <div className="help-backdrop">
      <div
        className="help-overlay"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        data-testid="help-overlay"
      >
        <header className="help-head">
          <h2 id="help-title">Keyboard shortcuts and legend</h2>
          <button
            type="button"
            ref={closeRef}
            onClick={() => session.store.getState().setHelp(false)}
          >
            Close
          </button>
        </header>
        <div className="help-body">
          <section aria-label="keys">
            <h3>Keys</h3>
            <table>
              <tbody>
                {COMMANDS.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <kbd>{c.keyHelp}</kbd>
                    </th>
                    <td>{c.title}</td>
                  </tr>
                ))}
                <tr>
                  <th scope="row">
                    <kbd>Esc</kbd>
                  </th>
                  <td>Close this help</td>
                </tr>
              </tbody>
            </table>
            <p>
              Click or drag the timeline or an actor&apos;s lane to scrub. Tab
              moves through the controls, the lanes, the code pane and the
              findings.
            </p>
          </section>
          <Legend />
        </div>
      </div>
    </div>
  );
}
