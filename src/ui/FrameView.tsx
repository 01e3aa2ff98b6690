import { useCallback } from "react";
import { useAppStore, useSession } from "../store/react";
import type { Frame } from "../worker/protocol";
import { StatePanels, type FetchHistory } from "./state/StatePanels";

/**
 * The state at the cursor: CPUs, nodes, the page pool and every slab, with what changed marked
 * and the selection's highlight. Takes the frame as a prop: compare mode draws two.
 */
export function FrameView({ frame }: { frame: Frame }) {
  const highlight = useAppStore(
    (s) => s.selection.hover ?? s.selection.highlight,
  );
  // Slabs slide between owners, except while playing faster than a slide can be followed.
  const motion = useAppStore(
    (s) => !(s.timeline.playing && s.timeline.speed > 10),
  );
  const session = useSession();
  const fetchHistory = useCallback<FetchHistory>(
    (ref, upTo) => session.client.api.history(ref, upTo),
    [session],
  );
  return (
    <div className="frame">
      <StatePanels
        frame={frame}
        highlight={highlight}
        fetchHistory={fetchHistory}
        motion={motion}
      />
    </div>
  );
}
