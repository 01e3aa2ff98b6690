/** Small inline pieces the panels share: a page chip and an object chain. */

export function PageChip({ id, hl }: { id: number; hl: boolean }) {
  return <span className={hl ? "chip page hl" : "chip page"}>P{id}</span>;
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
