/**
 * One `struct kmem_cache_node`: who holds `list_lock`, `nr_partial` beside the cache's
 * `min_partial`, then its slabs in order (`children`): the partial list from its head, the full
 * slabs (which SLUB itself keeps on no list without debugging; shown so no slab is out of
 * sight), and any slab of the node on no list at all.
 */
import type { ReactNode } from "react";
import type { NodeView } from "../../worker/frame";
import { PageChip } from "./chips";
import { Field } from "./CpuPanel";

export function NodePanel({
  node: n,
  fields,
  hl,
  slabIds,
  minPartial,
  children,
}: {
  node: NodeView;
  /** NodeView fields the last step changed. */
  fields: Set<string>;
  hl: Set<number>;
  slabIds: Set<number>;
  minPartial: number;
  children?: ReactNode;
}) {
  const headStale = n.partial.length > 0 && !slabIds.has(n.partial[0]!);
  return (
    <section
      className="node"
      data-testid={`node-${n.id}`}
      data-changed={fields.size > 0 || undefined}
      aria-label={`node ${n.id}`}
    >
      <div className="panel-head">
        <h3>Node {n.id}</h3>
        <div className={fields.has("listLock") ? "badges changed" : "badges"}>
          <span className="badge" data-kind={n.listLock ? "lock" : "idle"}>
            {n.listLock ? `■ list_lock: ${n.listLock}` : "list_lock free"}
          </span>
        </div>
      </div>
      <div className="panel-body">
        <dl className="fields">
          <Field
            name="partial"
            testId={`node-${n.id}-partial`}
            changed={fields.has("partial")}
            port={n.partial.length ? `node-${n.id}-partial` : undefined}
            stale={headStale}
          >
            {n.partial.length === 0 ? (
              "empty"
            ) : (
              <PageChip
                id={n.partial[0]!}
                hl={hl.has(n.partial[0]!)}
                stale={headStale}
              />
            )}
          </Field>
          <Field
            name="nr_partial"
            testId={`node-${n.id}-nr-partial-row`}
            changed={fields.has("nrPartial")}
          >
            <span data-testid={`node-${n.id}-nr-partial`}>{n.nrPartial}</span>
            <span className="limit" data-testid={`node-${n.id}-min-partial`}>
              {" "}
              / min_partial {minPartial}
            </span>
          </Field>
        </dl>
        <div className="lane" aria-label={`slabs of node ${n.id}`}>
          {children}
        </div>
      </div>
    </section>
  );
}
