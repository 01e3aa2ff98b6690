/** Small inline pieces the panels share: a page chip and an object chain. */

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
  return (
    <span
      className={["chip page", hl && "hl", stale && "stale"]
        .filter(Boolean)
        .join(" ")}
      title={stale ? `P${id} is not a slab any more` : undefined}
    >
      P{id}
    </span>
  );
}

/** A freelist chain as text chips joined by arrows, or NULL. */
export function Chain({
  items,
  refs,
  hl,
}: {
  items: string[];
  refs: number[];
  hl: Set<number>;
}) {
  if (items.length === 0) return <>NULL</>;
  return (
    <>
      {items.map((t, i) => (
        <span key={i}>
          {i > 0 && " → "}
          <span className={hl.has(refs[i]!) ? "chip obj hl" : "chip obj"}>
            {t}
          </span>
        </span>
      ))}
    </>
  );
}
