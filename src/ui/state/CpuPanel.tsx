/**
 * One `struct kmem_cache_cpu` and its CPU: who runs there, the lock holder and the irq, preempt
 * and migrate state as badges, `tid`, the `c->freelist` chain, the cpu slab, and the per-CPU
 * partial list with the head's `pages` / `pobjects` totals. An offline CPU is greyed and says so.
 * With the percpu array cache (RFC v3, 2023) the CPU's array shows too: its fill, its lock's
 * holder and the cached objects, top (the next one popped) last.
 */
import type { CpuView, PcaView } from "../../worker/frame";
import { Chain, PageChip } from "./chips";

export function CpuPanel({
  cpu: c,
  changed,
  highlight,
  slabIds,
}: {
  cpu: CpuView;
  changed: boolean;
  highlight: { slabs: Set<number>; objects: Set<number> };
  /** Pages that are slabs now: any other page a pointer names is freed memory. */
  slabIds: Set<number>;
}) {
  return (
    <section
      className={["cpu", c.online ? "online" : "offline", changed && "changed"]
        .filter(Boolean)
        .join(" ")}
      data-testid={`cpu-${c.id}`}
      aria-label={`CPU ${c.id}${c.online ? "" : ", offline"}`}
    >
      <h3>
        CPU {c.id}
        {!c.online && " (offline)"}
      </h3>
      <div className="badges" data-testid={`cpu-${c.id}-badges`}>
        {!c.online && (
          <span className="badge" data-kind="offline">
            ✕ offline
          </span>
        )}
        <span className="badge" data-kind={c.lock ? "lock" : "idle"}>
          {c.lock ? `■ lock: ${c.lock}` : "lock free"}
        </span>
        {c.irqsOff && (
          <span className="badge" data-kind="irqs-off">
            ⊘ irqs off
          </span>
        )}
        {c.preemptCount > 0 && (
          <span className="badge" data-kind="preempt-off">
            ‖ preempt off ({c.preemptCount})
          </span>
        )}
        {c.migrateDisable > 0 && (
          <span className="badge" data-kind="migrate-off">
            ⇥ migrate off ({c.migrateDisable})
          </span>
        )}
      </div>
      <dl>
        <dt>running</dt>
        <dd data-testid={`cpu-${c.id}-running`}>
          {c.context.join(" ← ") || "idle"}
        </dd>
        <dt>tid</dt>
        <dd data-testid={`cpu-${c.id}-tid`}>{c.tid}</dd>
        <dt>c-&gt;page</dt>
        <dd data-testid={`cpu-${c.id}-page`}>
          {c.page === null ? (
            "NULL"
          ) : (
            <PageChip
              id={c.page}
              hl={highlight.slabs.has(c.page)}
              stale={!slabIds.has(c.page)}
            />
          )}
        </dd>
        <dt>c-&gt;freelist</dt>
        <dd data-testid={`cpu-${c.id}-freelist`}>
          <Chain
            items={c.freelist}
            refs={c.freelistRefs}
            hl={highlight.objects}
          />
        </dd>
        <dt>c-&gt;partial</dt>
        <dd data-testid={`cpu-${c.id}-partial`}>
          {c.partial.length === 0 ? (
            "NULL"
          ) : (
            <>
              {c.partial.map((p, i) => (
                <span key={p}>
                  {i > 0 && " → "}
                  <PageChip
                    id={p}
                    hl={highlight.slabs.has(p)}
                    stale={!slabIds.has(p)}
                  />
                </span>
              ))}{" "}
              <span
                className="totals"
                data-testid={`cpu-${c.id}-partial-totals`}
              >
                pages {c.partialPages} · pobjects {c.partialObjects}
              </span>
            </>
          )}
        </dd>
        {c.pca && (
          <>
            <dt>array cache</dt>
            <dd data-testid={`cpu-${c.id}-pca`}>
              <PcaRow pca={c.pca} hl={highlight.objects} />
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** One slub_percpu_array: a fill meter (`used` / `count`), the lock, then the objects. */
function PcaRow({ pca, hl }: { pca: PcaView; hl: Set<number> }) {
  return (
    <>
      <span className="pca-fill" data-testid="pca-fill">
        <meter
          min={0}
          max={pca.count}
          value={pca.used}
          aria-label={`array cache: ${pca.used} of ${pca.count} used`}
        />{" "}
        used {pca.used} / count {pca.count}
      </span>{" "}
      <span className="badge" data-kind={pca.lock ? "lock" : "idle"}>
        {pca.lock ? `■ locked by ${pca.lock}` : "unlocked"}
      </span>
      <div className="pca-objects">
        {pca.objects.length === 0 ? (
          "empty"
        ) : (
          <>
            <Chain items={pca.objects} refs={pca.refs} hl={hl} sep=" | " />
            <span className="totals"> ← top</span>
          </>
        )}
      </div>
    </>
  );
}
