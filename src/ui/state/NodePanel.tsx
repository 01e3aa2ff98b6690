/**
 * One `struct kmem_cache_node`: who holds `list_lock`, the partial list with `nr_partial`, and
 * the full slabs (which SLUB itself keeps on no list without debugging; shown so no slab is out
 * of sight).
 */
import type { NodeView } from "../../worker/frame";
import { PageChip } from "./chips";

export function NodePanel({
  node: n,
  changed,
  hl,
  slabIds,
}: {
  node: NodeView;
  changed: boolean;
  hl: Set<number>;
  slabIds: Set<number>;
}) {
  return (
    <section
      className={changed ? "node changed" : "node"}
      data-testid={`node-${n.id}`}
      aria-label={`node ${n.id}`}
    >
      <h3>Node {n.id}</h3>
      <div className="badges">
        <span className="badge" data-kind={n.listLock ? "lock" : "idle"}>
          {n.listLock ? `■ list_lock: ${n.listLock}` : "list_lock free"}
        </span>
      </div>
      <dl>
        <dt>partial</dt>
        <dd data-testid={`node-${n.id}-partial`}>
          {n.partial.length === 0
            ? "empty"
            : n.partial.map((p, i) => (
                <span key={p}>
                  {i > 0 && " → "}
                  <PageChip id={p} hl={hl.has(p)} stale={!slabIds.has(p)} />
                </span>
              ))}
        </dd>
        <dt>nr_partial</dt>
        <dd data-testid={`node-${n.id}-nr-partial`}>{n.nrPartial}</dd>
        <dt>full</dt>
        <dd data-testid={`node-${n.id}-full`}>
          {n.full.length === 0
            ? "none"
            : n.full.map((p, i) => (
                <span key={p}>
                  {i > 0 && " "}
                  <PageChip id={p} hl={hl.has(p)} />
                </span>
              ))}
        </dd>
      </dl>
    </section>
  );
}
