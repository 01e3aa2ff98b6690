/** The percpu array cache's panel: one row in each CPU's panel (engine/features/pca.ts). */
import type { PcaView } from "../../worker/frame";
import { Chain } from "../state/chips";

/** One slub_percpu_array: a fill meter (`used` / `count`), the lock, then the objects. */
export function PcaRow({ pca, hl }: { pca: PcaView; hl: Set<number> }) {
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
