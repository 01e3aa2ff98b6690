/**
 * One `struct kmem_cache_cpu` and its CPU: who runs there, the lock holder and the irq, preempt
 * and migrate state as badges, `tid`, `c->page`, `c->freelist` and `c->partial` (with the
 * chain head's `pages` / `pobjects` beside the cache's `cpu_partial`), then the slabs it owns
 * in list order (`children`: the cpu slab, then the partial chain). Each pointer field ends in a
 * port the state view draws its arrow from. An offline CPU is greyed and says so. With the
 * percpu array cache (RFC v3, 2023) the CPU's array shows too: its fill, its lock's holder and
 * the cached objects, top (the next one popped) last.
 */
import type { ReactNode } from "react";
import type { CpuView } from "../../worker/frame";
import { FEATURE_PANEL_LIST } from "../features";
import { Chain, PageChip } from "./chips";
import { cpuMark } from "./slotLook";

/** A `dt`/`dd` pair, outlined when the last step changed it; `port` ends it in an arrow port. */
export function Field({
  name,
  testId,
  changed,
  port,
  stale = false,
  after,
  children,
}: {
  name: ReactNode;
  testId: string;
  changed: boolean;
  port?: string;
  stale?: boolean;
  /** Shown after the port: a note on the value (e.g. the chain head's `pages`). */
  after?: ReactNode;
  children: ReactNode;
}) {
  const cls = changed ? "field changed" : "field";
  return (
    <>
      <dt className={cls}>{name}</dt>
      <dd className={cls}>
        <span className="value" data-testid={testId}>
          {children}
        </span>
        {port && (
          <span
            className={stale ? "port stale" : "port"}
            data-port={port}
            aria-hidden="true"
          >
            •
          </span>
        )}
        {after}
      </dd>
    </>
  );
}

export function CpuPanel({
  cpu: c,
  fields,
  highlight,
  slabIds,
  cpuPartial,
  slabName = "page",
  cpuSlab = true,
  children,
}: {
  cpu: CpuView;
  /** CpuView fields the last step changed. */
  fields: Set<string>;
  highlight: { slabs: Set<number>; objects: Set<number> };
  /** Pages that are slabs now: any other page a pointer names is freed memory. */
  slabIds: Set<number>;
  /** The cache's `cpu_partial`. */
  cpuPartial: number;
  /** What the kernel calls the cpu slab field: `c->page`, or `c->slab` from v6.8's view. */
  slabName?: "page" | "slab";
  /** The kernel has `struct kmem_cache_cpu` (all but v7.0): its fields are drawn. */
  cpuSlab?: boolean;
  children?: ReactNode;
}) {
  const pageStale = c.page !== null && !slabIds.has(c.page);
  const partialStale = c.partial.length > 0 && !slabIds.has(c.partial[0]!);
  return (
    <section
      className={["cpu", c.online ? "online" : "offline"].join(" ")}
      data-testid={`cpu-${c.id}`}
      data-changed={fields.size > 0 || undefined}
      aria-label={`CPU ${c.id}${c.online ? "" : ", offline"}`}
    >
      <div className="panel-head">
        <h3>
          CPU {c.id}{" "}
          <span className="cpu-mark" title={`cells on CPU ${c.id}'s lists`}>
            {cpuMark(c.id)}
          </span>
          {!c.online && " (offline)"}
        </h3>
        <div
          className={
            fields.has("lock") ||
            fields.has("irqsOff") ||
            fields.has("preemptCount") ||
            fields.has("migrateDisable") ||
            fields.has("online")
              ? "badges changed"
              : "badges"
          }
          data-testid={`cpu-${c.id}-badges`}
        >
          {!c.online && (
            <span className="badge" data-kind="offline">
              ✕ offline
            </span>
          )}
          {/* Without kmem_cache_cpu there is no cpu_slab lock: the sheaves show theirs. */}
          {(cpuSlab || c.lock) && (
            <span className="badge" data-kind={c.lock ? "lock" : "idle"}>
              {c.lock ? `■ lock: ${c.lock}` : "lock free"}
            </span>
          )}
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
      </div>
      <div className="panel-body">
        <dl className="fields">
          <Field
            name="running"
            testId={`cpu-${c.id}-running`}
            changed={fields.has("context")}
          >
            {c.context.join(" ← ") || "idle"}
          </Field>
          {cpuSlab && (
            <>
              <Field
                name="tid"
                testId={`cpu-${c.id}-tid`}
                changed={fields.has("tid")}
              >
                {c.tid}
              </Field>
              <Field
                name={`c->${slabName}`}
                testId={`cpu-${c.id}-page`}
                changed={fields.has("page")}
                port={c.page === null ? undefined : `cpu-${c.id}-page`}
                stale={pageStale}
              >
                {c.page === null ? (
                  "NULL"
                ) : (
                  <PageChip
                    id={c.page}
                    hl={highlight.slabs.has(c.page)}
                    stale={pageStale}
                  />
                )}
              </Field>
              <Field
                name="c->freelist"
                testId={`cpu-${c.id}-freelist`}
                changed={fields.has("freelist")}
                port={c.freelist.length ? `cpu-${c.id}-freelist` : undefined}
              >
                <Chain
                  items={c.freelist}
                  refs={c.freelistRefs}
                  hl={highlight.objects}
                />
              </Field>
              <Field
                name="c->partial"
                testId={`cpu-${c.id}-partial`}
                port={c.partial.length ? `cpu-${c.id}-partial` : undefined}
                stale={partialStale}
                after={
                  c.partialPages !== null && (
                    <span
                      className="limit"
                      data-testid={`cpu-${c.id}-partial-pages`}
                      title="pages: slabs on the chain, kept in its head"
                    >
                      pages {c.partialPages}
                    </span>
                  )
                }
                changed={fields.has("partial") || fields.has("partialPages")}
              >
                {c.partial.length === 0 ? (
                  "NULL"
                ) : (
                  <PageChip
                    id={c.partial[0]!}
                    hl={highlight.slabs.has(c.partial[0]!)}
                    stale={partialStale}
                  />
                )}
              </Field>
              <Field
                name="pobjects"
                testId={`cpu-${c.id}-partial-totals`}
                changed={fields.has("partialObjects")}
              >
                <PartialMeter pobjects={c.partialObjects} limit={cpuPartial} />
              </Field>
            </>
          )}
          {FEATURE_PANEL_LIST.map(({ name, cpu }) => {
            const body = cpu?.render(c, highlight.objects);
            return body ? (
              <Field
                key={name}
                name={cpu!.title}
                testId={`cpu-${c.id}-${cpu!.field}`}
                changed={fields.has(cpu!.field)}
              >
                {body}
              </Field>
            ) : null;
          })}
        </dl>
        <div className="lane" aria-label={`slabs CPU ${c.id} owns`}>
          {children}
        </div>
      </div>
    </section>
  );
}

/** The partial chain head's `pobjects` against `cpu_partial`. */
function PartialMeter({
  pobjects,
  limit,
}: {
  pobjects: number | null;
  limit: number;
}) {
  const n = pobjects ?? 0;
  return (
    <span className="meter-row">
      <meter
        min={0}
        max={Math.max(limit, n)}
        high={limit}
        value={n}
        aria-label={`pobjects ${n} of cpu_partial ${limit}`}
      />{" "}
      {pobjects === null ? "none" : n} / cpu_partial {limit}
    </span>
  );
}
