import { useAppStore, useSession } from "../store/react";
import type { Frame } from "../worker/protocol";
import { useCallback } from "react";
import { StatePanels, type FetchHistory } from "./state/StatePanels";

const cls = (...names: (string | false)[]) =>
  names.filter(Boolean).join(" ") || undefined;

/** The state at the cursor: CPUs, slabs, node lists, actors, findings. Changed parts are marked. */
export function FrameView({ frame }: { frame: Frame }) {
  const selected = useAppStore((s) => s.selection.actor);
  const highlight = useAppStore((s) => s.selection.highlight);
  const session = useSession();
  const fetchHistory = useCallback<FetchHistory>(
    (ref, upTo) => session.client.api.history(ref, upTo),
    [session],
  );
  const ch = frame.changed;
  return (
    <div className="frame">
      <StatePanels
        frame={frame}
        highlight={highlight}
        fetchHistory={fetchHistory}
      />
      <div className="actors">
        <h3>Actors</h3>
        <ul data-testid="actors">
          {frame.actors.map((a) => (
            <li
              key={a.name}
              className={cls(
                ch.actors.includes(a.name) && "changed",
                selected === a.name && "selected",
              )}
            >
              <strong>{a.name}</strong> ({a.kind}, cpu {a.cpu}){" "}
              {a.status === "done" ? "done" : a.op}
              {a.waiting && ` · waits (${a.waiting})`}
              {a.stack.length > 0 && (
                <code>
                  {a.stack.at(-1)!.fn}: {a.stack.at(-1)!.line}
                </code>
              )}
            </li>
          ))}
        </ul>
      </div>
      <div className="findings" data-testid="findings">
        <h3>Findings</h3>
        {frame.findingsTotal === 0 ? (
          <p>none</p>
        ) : (
          <ul>
            {frame.findingsTotal > frame.findings.length && (
              <li>
                … {frame.findingsTotal - frame.findings.length} earlier findings
              </li>
            )}
            {frame.findings.map((f, i) => (
              <li key={i}>
                step {f.step} · {f.code} · {f.actor ?? ""}: {f.message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
