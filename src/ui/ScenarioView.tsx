import { useCallback, useEffect } from "react";
import { useAppStore, useAppStoreApi } from "../store/react";
import { errorMessage, type EngineClient } from "../worker/client";
import type { Frame } from "../worker/protocol";

/** The loaded scenario at the cursor: step controls, CPUs, slabs, node lists, actors, findings. */
export function ScenarioView({ client }: { client: EngineClient }) {
  const store = useAppStoreApi();
  const connected = useAppStore((s) => s.connection.kind === "connected");
  const summary = useAppStore((s) => s.summary);
  const frame = useAppStore((s) => s.frame);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    client.api
      .loadDefault()
      .then(async (sum) => {
        if (!live) return;
        store.getState().loaded(sum);
        const f = await client.api.frame(0);
        if (live) store.getState().showFrame(f);
      })
      .catch((e: unknown) => {
        if (live)
          store
            .getState()
            .failed(`The scenario could not be loaded: ${errorMessage(e)}.`);
      });
    return () => {
      live = false;
    };
  }, [client, connected, store]);

  const go = useCallback(
    (step: number) => {
      client.api.frame(step).then(
        (f) => store.getState().showFrame(f),
        (e: unknown) =>
          store
            .getState()
            .failed(`The engine did not answer: ${errorMessage(e)}.`),
      );
    },
    [client, store],
  );

  if (!summary || !frame) return null;
  return (
    <section className="scenario" aria-label="scenario">
      <h2 data-testid="scenario-title">{summary.title}</h2>
      <p className="kernel">
        kernel {summary.kernel} · {summary.steps} micro-steps
      </p>
      <div className="controls">
        <button
          type="button"
          onClick={() => go(frame.step - 1)}
          disabled={frame.step <= 0}
        >
          ◀ Back
        </button>
        <span data-testid="step-counter">
          step {frame.step} / {frame.total}
        </span>
        <button
          type="button"
          onClick={() => go(frame.step + 1)}
          disabled={frame.step >= frame.total}
        >
          Step ▶
        </button>
        <button
          type="button"
          onClick={() => go(frame.total)}
          disabled={frame.step >= frame.total}
        >
          To end
        </button>
      </div>
      {frame.narration && <p className="narration">{frame.narration}</p>}
      <p className="event" data-testid="last-event">
        {frame.event
          ? `${frame.event.actor}: ${frame.event.fn} — ${frame.event.line}`
          : "before the first step"}
      </p>
      <FrameView frame={frame} />
    </section>
  );
}

function FrameView({ frame }: { frame: Frame }) {
  return (
    <div className="frame">
      <div className="cpus">
        {frame.cpus.map((c) => (
          <div key={c.id} className="cpu" data-testid={`cpu-${c.id}`}>
            <h3>
              CPU {c.id} {c.online ? "" : "(offline)"}{" "}
              {c.irqsOff ? "· irqs off" : ""}
            </h3>
            <dl>
              <dt>running</dt>
              <dd>{c.context.join(" ← ") || "idle"}</dd>
              <dt>c-&gt;page</dt>
              <dd data-testid={`cpu-${c.id}-page`}>
                {c.page === null ? "NULL" : `P${c.page}`}
              </dd>
              <dt>c-&gt;freelist</dt>
              <dd data-testid={`cpu-${c.id}-freelist`}>
                {c.freelist.join(" → ") || "NULL"}
              </dd>
              <dt>c-&gt;partial</dt>
              <dd>{c.partial.map((p) => `P${p}`).join(" → ") || "NULL"}</dd>
              <dt>tid</dt>
              <dd>{c.tid}</dd>
              <dt>lock</dt>
              <dd>{c.lock ?? "free"}</dd>
            </dl>
          </div>
        ))}
      </div>
      <div className="slabs">
        <h3>Slabs</h3>
        <ul>
          {frame.slabs.map((s) => (
            <li key={s.id} className={s.frozen ? "frozen" : ""}>
              P{s.id} {s.frozen ? "frozen" : "unfrozen"} · inuse {s.inuse}/
              {s.objects} · {s.where} · freelist{" "}
              {s.freelist.join(" → ") || "NULL"}
            </li>
          ))}
        </ul>
        {frame.nodes.map((n) => (
          <p key={n.id}>
            node {n.id} partial:{" "}
            {n.partial.map((p) => `P${p}`).join(", ") || "empty"} (nr_partial{" "}
            {n.nrPartial})
          </p>
        ))}
      </div>
      <div className="actors">
        <h3>Actors</h3>
        <ul>
          {frame.actors.map((a) => (
            <li key={a.name}>
              <strong>{a.name}</strong> ({a.kind}, cpu {a.cpu}){" "}
              {a.status === "done" ? "done" : a.op}
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
        {frame.findings.length === 0 ? (
          <p>none</p>
        ) : (
          <ul>
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
