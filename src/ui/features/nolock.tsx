/**
 * What kmalloc_nolock() and kfree_nolock() add (the May 2025 series): the kmalloc bucket strip
 * with the modelled bucket's per-CPU locks (the local lock an NMI probes with
 * local_lock_is_locked()), the cache's deferred free list (`s->defer_free_objects`, an llist)
 * with who last owned its cache line, `__CMPXCHG_DOUBLE`, and the page refcounts that the
 * nolock page path and the compaction scanner race on.
 */
import type { CpuView, NolockView } from "../../worker/frame";
import { Chain } from "../state/chips";

export function NolockPanel({
  nolock: n,
  cpus,
  changed,
  hl,
}: {
  nolock: NolockView;
  cpus: CpuView[];
  changed: boolean;
  hl: Set<number>;
}) {
  const holders = cpus
    .filter((c) => c.lock !== null)
    .map((c) => `cpu ${c.id}: ${c.lock}`);
  return (
    <section
      className={changed ? "nolock changed" : "nolock"}
      data-testid="nolock"
      aria-label="kmalloc_nolock state"
    >
      <h3>
        kmalloc_nolock{" "}
        <span className="totals">
          2025 series ·{" "}
          {n.cmpxchgDouble
            ? "__CMPXCHG_DOUBLE set"
            : "no __CMPXCHG_DOUBLE: NULL"}
        </span>
      </h3>
      <dl>
        <dt>buckets</dt>
        <dd>
          <ul className="buckets" data-testid="nolock-buckets">
            {n.buckets.map((b) => (
              <li
                key={b.name}
                className={b.modelled ? "bucket modelled" : "bucket"}
                title={
                  b.modelled
                    ? "the scenario's cache, drawn object by object below"
                    : "counted only: nobody holds its locks"
                }
              >
                {b.name}
                {b.modelled
                  ? ` ◆ locks: ${holders.length > 0 ? holders.join(", ") : "free"}`
                  : b.allocated > 0
                    ? ` (${b.allocated} handed out)`
                    : ""}
              </li>
            ))}
          </ul>
        </dd>
        <dt>deferred</dt>
        <dd data-testid="nolock-deferred">
          <Chain items={n.deferred} refs={n.deferredRefs} hl={hl} />
          <span className="totals">
            {" "}
            · cache line last written by{" "}
            {n.deferLine.cpu === null ? "nobody" : `cpu ${n.deferLine.cpu}`} ·
            transfers{" "}
            {n.deferLine.transfers.map((t, i) => `cpu ${i}: ${t}`).join(", ")}
          </span>
        </dd>
        {n.pageRefs.length > 0 && (
          <>
            <dt>refcounts</dt>
            <dd data-testid="nolock-refcounts">
              {n.pageRefs
                .map(
                  (r) =>
                    `P${r.page}: ${r.refcount}${r.refcount === 0 ? " (frozen)" : ""}`,
                )
                .join(" · ")}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
