/**
 * The percpu sheaves and node barns (v7.0): per CPU the local trylock's holder and the main and
 * spare sheaves with their objects (the top is popped next), per node the barn's lock and its
 * full and empty sheaves against their limits, and the sheaves an actor holds detached (a refill
 * or a flush running with the CPU's lock dropped).
 */
import type { SheafView, SheavesView } from "../../worker/frame";
import { Chain } from "../state/chips";

function SheafRow({
  label,
  sheaf,
  capacity,
  hl,
  testId,
}: {
  label: string;
  sheaf: SheafView | null;
  capacity: number;
  hl: Set<number>;
  testId: string;
}) {
  return (
    <div className="sheaf" data-testid={testId} data-sheaf={sheaf?.id ?? ""}>
      <span className="sheaf-label">{label}</span>{" "}
      {sheaf === null ? (
        "NULL"
      ) : (
        <>
          <span className="totals">
            sheaf #{sheaf.id} · {sheaf.objects.length}/{capacity}
          </span>{" "}
          {sheaf.objects.length === 0 ? (
            "empty"
          ) : (
            <>
              <Chain
                items={sheaf.objects}
                refs={sheaf.refs}
                hl={hl}
                sep=" | "
              />
              <span className="totals"> ← top</span>
            </>
          )}
        </>
      )}
    </div>
  );
}

export function SheavesPanel({
  sheaves: s,
  changed,
  hl,
}: {
  sheaves: SheavesView;
  changed: boolean;
  hl: Set<number>;
}) {
  return (
    <section
      className={changed ? "sheaves changed" : "sheaves"}
      data-testid="sheaves"
      aria-label="percpu sheaves and barns"
    >
      <h3>
        percpu sheaves <span className="totals">capacity {s.capacity}</span>
      </h3>
      {s.cpus.map((c) => (
        <div key={c.cpu} className="pcs" data-testid={`pcs-${c.cpu}`}>
          <strong>cpu {c.cpu}</strong>{" "}
          <span className="badge" data-kind={c.lock ? "lock" : "idle"}>
            {c.lock ? `■ locked by ${c.lock}` : "unlocked"}
          </span>
          <SheafRow
            label="main"
            sheaf={c.main}
            capacity={s.capacity}
            hl={hl}
            testId={`pcs-${c.cpu}-main`}
          />
          <SheafRow
            label="spare"
            sheaf={c.spare}
            capacity={s.capacity}
            hl={hl}
            testId={`pcs-${c.cpu}-spare`}
          />
        </div>
      ))}
      {s.barns.map((b) => (
        <div key={b.node} className="barn" data-testid={`barn-${b.node}`}>
          <strong>node {b.node} barn</strong>{" "}
          <span className="badge" data-kind={b.lock ? "lock" : "idle"}>
            {b.lock ? `■ locked by ${b.lock}` : "unlocked"}
          </span>{" "}
          <span className="totals" data-testid={`barn-${b.node}-counts`}>
            full {b.full.length}/{s.maxFull} · empty {b.empty.length}/
            {s.maxEmpty}
          </span>
          {b.full.map((sh) => (
            <SheafRow
              key={sh.id}
              label="full"
              sheaf={sh}
              capacity={s.capacity}
              hl={hl}
              testId={`barn-${b.node}-full`}
            />
          ))}
        </div>
      ))}
      {s.held.map((h) => (
        <SheafRow
          key={h.sheaf.id}
          label={`held by ${h.actor}`}
          sheaf={h.sheaf}
          capacity={s.capacity}
          hl={hl}
          testId="sheaf-held"
        />
      ))}
    </section>
  );
}
