/**
 * Small inline pieces the panels share: a page chip and an object chain. Hovering either shows
 * the history of what it names, through the state view's TargetContext.
 */
import { createContext, useContext } from "react";
import type { HistoryRef } from "../../worker/protocol";

/** Asks the state view for the history of a page or an object, anchored at an element. */
export const TargetContext = createContext<
  (ref: HistoryRef, anchor: Element) => void
>(() => {});

/** A page id; `stale` when the page is no longer a slab (a pointer into freed memory). */
export function PageChip({
  id,
  hl,
  stale = false,
}: {
  id: number;
  hl: boolean;
  stale?: boolean;
}) {
  const onTarget = useContext(TargetContext);
  return (
    <span
      onMouseEnter={(e) => onTarget({ kind: "slab", id }, e.currentTarget)}
      className={["chip page", hl && "hl", stale && "stale"]
        .filter(Boolean)
        .join(" ")}
      title={stale ? `P${id} is not a slab any more` : undefined}
    >
      P{id}
    </span>
  );
}

/** A freelist chain as text chips joined by arrows (or `sep`), or NULL. */
export function Chain({
  items,
  refs,
  hl,
  sep = " → ",
}: {
  items: string[];
  refs: number[];
  hl: Set<number>;
  sep?: string;
}) {
  const onTarget = useContext(TargetContext);
  if (items.length === 0) return <>NULL</>;
  return (
    <>
      {items.map((t, i) => (
        <span key={i}>
          {i > 0 && sep}
          <span
            className={hl.has(refs[i]!) ? "chip obj hl" : "chip obj"}
            onMouseEnter={(e) =>
              onTarget({ kind: "object", id: refs[i]! }, e.currentTarget)
            }
          >
            {t}
          </span>
        </span>
      ))}
    </>
  );
}
