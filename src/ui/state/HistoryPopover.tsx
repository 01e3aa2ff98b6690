/**
 * The history of the hovered or focused object or slab: the steps that moved it up to the
 * cursor, who took each and where it went. Asked from the engine after a short pause, so
 * sweeping the mouse over a slab does not replay the trace for every slot it crosses.
 */
import { useEffect, useState } from "react";
import type { HistoryReply } from "../../worker/protocol";
import type { FetchHistory, Target } from "./StatePanels";

const HOVER_DELAY_MS = 120;

export function HistoryPopover({
  target,
  step,
  fetchHistory,
  onClose,
}: {
  target: Target;
  step: number;
  fetchHistory: FetchHistory;
  onClose(): void;
}) {
  const [reply, setReply] = useState<HistoryReply | null>(null);
  const { kind, id } = target.ref;
  useEffect(() => {
    let live = true;
    const t = setTimeout(
      () => {
        fetchHistory({ kind, id }, step).then(
          (r) => {
            if (live) setReply(r);
          },
          () => {
            // The engine restarted under us; the next hover asks again.
          },
        );
      },
      target.pinned ? 0 : HOVER_DELAY_MS,
    );
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [kind, id, step, target.pinned, fetchHistory]);
  const current =
    reply && reply.ref.kind === kind && reply.ref.id === id ? reply : null;
  return (
    <div
      className="history"
      role="dialog"
      aria-label="history"
      aria-live="polite"
      data-testid="history"
      style={{ left: target.x, top: target.y }}
    >
      <div className="history-head">
        <strong>
          {current?.label ?? (kind === "slab" ? `P${id}` : `object ${id}`)}
        </strong>{" "}
        up to step {step}
        <button type="button" aria-label="close history" onClick={onClose}>
          ×
        </button>
      </div>
      {current === null ? (
        <p>…</p>
      ) : (
        <ol>
          {current.omitted > 0 && <li>… {current.omitted} earlier moves</li>}
          {current.entries.map((e, i) => (
            <li key={i}>
              <span className="step">step {e.step}</span>{" "}
              {e.actor ? (
                <>
                  {e.actor} in <code>{e.fn}</code>:{" "}
                </>
              ) : (
                "at the start: "
              )}
              <span className="place">{e.place}</span>
              {e.line && <div className="line">{e.line}</div>}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
