import type { Frame } from "../worker/protocol";

const cls = (...names: (string | false)[]) =>
  names.filter(Boolean).join(" ") || undefined;

/** The state at the cursor: CPUs, slabs, node lists, actors, findings. Changed parts are marked. */
export function FrameView({ frame }: { frame: Frame }) {
  const ch = frame.changed;
  return (
    <div className="frame">
      <div className="cpus">
        {frame.cpus.map((c) => (
          <div
            key={c.id}
            className={cls("cpu", ch.cpus.includes(c.id) && "changed")}
            data-testid={`cpu-${c.id}`}
          >
            <h3>
              CPU {c.id} {c.online ? "" : "(offline)"}{" "}
              {c.irqsOff ? "· irqs off" : ""}
            </h3>
            <dl>
              <dt>running</dt>
              <dd data-testid={`cpu-${c.id}-running`}>
                {c.context.join(" ← ") || "idle"}
              </dd>
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
        <ul data-testid="slabs">
          {frame.slabs.map((s) => (
            <li
              key={s.id}
              className={cls(
                s.frozen && "frozen",
                ch.slabs.includes(s.id) && "changed",
              )}
            >
              P{s.id} {s.frozen ? "frozen" : "unfrozen"} · inuse {s.inuse}/
              {s.objects} · {s.where} · freelist{" "}
              {s.freelist.join(" → ") || "NULL"}
            </li>
          ))}
        </ul>
        {frame.nodes.map((n) => (
          <p key={n.id} className={cls(ch.nodes.includes(n.id) && "changed")}>
            node {n.id} partial:{" "}
            {n.partial.map((p) => `P${p}`).join(", ") || "empty"} (nr_partial{" "}
            {n.nrPartial})
          </p>
        ))}
      </div>
    </div>
  );
}
