/**
 * The page allocator's pool: free pages (the next one handed out first) and pages reused by
 * another user, which is how a freed slab page comes back as something else (R1's ABA). Each
 * chip carries `data-flip` with its page id, so a slab freed to the allocator slides here.
 */
import { useContext } from "react";
import type { PagePoolView } from "../../worker/frame";
import { TargetContext } from "./chips";

export function PagePool({
  pool,
  changed,
  hl,
}: {
  pool: PagePoolView;
  changed: boolean;
  /** Highlighted pages (a clicked finding may name a page that is no longer a slab). */
  hl: Set<number>;
}) {
  const onTarget = useContext(TargetContext);
  // The allocator hands out the most recently freed page: the end of `free`.
  const free = [...pool.free].reverse();
  return (
    <section
      className="pool"
      data-testid="page-pool"
      data-changed={changed || undefined}
      aria-label="page allocator"
    >
      <h3>
        Page allocator{" "}
        <span className="totals">
          {pool.free.length} free · {pool.reused.length} reused · {pool.total}{" "}
          pages
        </span>
      </h3>
      <dl>
        <dt>free</dt>
        <dd data-testid="page-pool-free">
          {free.length === 0
            ? "none"
            : free.map((p) => (
                <span
                  key={p}
                  data-flip={p}
                  data-owner="pool-free"
                  className={hl.has(p) ? "chip page free hl" : "chip page free"}
                  onMouseEnter={(e) =>
                    onTarget({ kind: "slab", id: p }, e.currentTarget)
                  }
                >
                  P{p}
                </span>
              ))}
        </dd>
        <dt>reused</dt>
        <dd data-testid="page-pool-reused">
          {pool.reused.length === 0
            ? "none"
            : pool.reused.map((r) => (
                <span
                  key={r.page}
                  data-flip={r.page}
                  data-owner="pool-reused"
                  className={
                    hl.has(r.page) ? "chip page reused hl" : "chip page reused"
                  }
                  onMouseEnter={(e) =>
                    onTarget({ kind: "slab", id: r.page }, e.currentTarget)
                  }
                >
                  P{r.page}
                  {r.slot ? ` as ${r.slot}` : ""}
                </span>
              ))}
        </dd>
      </dl>
    </section>
  );
}
