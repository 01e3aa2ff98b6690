/**
 * The "Compare eras" panel: the loaded scenario's operations replayed on every mainline era
 * (src/engine/cost.ts, in a Web Worker of its own), with what each operation cost there as a
 * table: eras as columns, metrics as rows (the same table as `npm run cli -- compare`). Each
 * era's column opens the scenario on that era, with the replay's schedule, on the timeline.
 *
 * Runs when it is mounted and again when another scenario is loaded. `createWorker` is for
 * tests.
 */
import { useEffect, useRef, useState } from "react";
import { useAppStore, useSession } from "../../store/react";
import {
  compareSections,
  eraScenario,
  type EraComparison,
} from "../../engine/costMetrics";
import type { Scenario } from "../../engine/scenario";
import { mainlineEras } from "../../engine/variants";
import type { ErasMessage, ErasRequest } from "../../worker/erasJob";
import "./eras.css";

/** What the panel needs of a worker (a Web Worker, or a stand-in in tests). */
export interface ErasWorkerLike {
  postMessage(req: ErasRequest): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<ErasMessage>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

function webWorker(): ErasWorkerLike {
  return new Worker(new URL("../../worker/eras.worker.ts", import.meta.url), {
    type: "module",
    name: "slabscope-eras",
  }) as unknown as ErasWorkerLike;
}

type Result =
  | { kind: "running" }
  | { kind: "done"; scenario: Scenario; comparison: EraComparison }
  | { kind: "failed"; message: string };

export function ErasPanel({
  createWorker = webWorker,
}: {
  createWorker?: () => ErasWorkerLike;
}) {
  const session = useSession();
  // Another scenario loaded (or a fork) gives a new info object: run again.
  const loaded = useAppStore((s) => s.scenario);
  const [result, setResult] = useState<Result>({ kind: "running" });
  const worker = useRef<ErasWorkerLike | null>(null);
  // The first one given: a new function each render must not start another run.
  const [make] = useState(() => createWorker);

  useEffect(() => {
    let live = true;
    const stop = () => {
      worker.current?.terminate();
      worker.current = null;
    };
    void (async () => {
      const scenario = loaded ? await session.currentScenario() : null;
      if (!live || !scenario) return;
      stop();
      setResult({ kind: "running" });
      const w = make();
      worker.current = w;
      w.onmessage = (e) => {
        if (worker.current !== w) return;
        stop();
        const m = e.data;
        setResult(
          m.kind === "done"
            ? { kind: "done", scenario, comparison: m.comparison }
            : { kind: "failed", message: m.message },
        );
      };
      w.onerror = (e) => {
        if (worker.current !== w) return;
        stop();
        setResult({
          kind: "failed",
          message: e.message || "the comparison's worker failed",
        });
      };
      w.postMessage({ scenario, variants: mainlineEras() });
    })();
    return () => {
      live = false;
      stop();
    };
  }, [loaded, session, make]);

  return (
    <section className="eras-panel" aria-label="compare eras">
      <p className="eras-intro">
        The same workload on every mainline era: the operations of{" "}
        {loaded ? <q>{loaded.title}</q> : "the scenario"} replayed on each, and
        what each operation costs there.
      </p>
      {result.kind === "running" && (
        <p role="status" data-testid="eras-status">
          Running the operations on {mainlineEras().join(", ")}…
        </p>
      )}
      {result.kind === "failed" && (
        <p role="alert">The comparison could not run: {result.message}</p>
      )}
      {result.kind === "done" && (
        <ErasTable
          comparison={result.comparison}
          onOpen={(variant) => {
            const run = result.comparison.eras.find(
              (r) => r.variant === variant,
            );
            if (run?.kind !== "ran") return;
            const st = session.store.getState();
            st.toggleDrawer(null);
            void session.loadScenario(eraScenario(result.scenario, run));
          }}
        />
      )}
    </section>
  );
}

/** The comparison's table; `onOpen` opens the scenario on one era. */
export function ErasTable({
  comparison: c,
  onOpen,
}: {
  comparison: EraComparison;
  onOpen: (variant: string) => void;
}) {
  const sections = compareSections(c);
  return (
    <>
      <p className="eras-schedule" data-testid="eras-schedule">
        Schedule: {c.schedule}.
      </p>
      {c.eras.map((r) =>
        r.kind === "skipped" ? (
          <p key={r.variant} className="eras-skipped">
            {r.variant} not run: {r.reason}
          </p>
        ) : null,
      )}
      <table className="eras-table" data-testid="eras-table">
        <thead>
          <tr>
            <th scope="col">per operation</th>
            {c.eras.map((r) => (
              <th key={r.variant} scope="col" data-era={r.variant}>
                <div>{r.variant}</div>
                <button
                  type="button"
                  disabled={r.kind !== "ran"}
                  aria-label={`open the scenario on ${r.variant}`}
                  title={`Open the scenario on ${r.variant}, with this replay's schedule`}
                  onClick={() => onOpen(r.variant)}
                >
                  Open
                </button>
              </th>
            ))}
          </tr>
        </thead>
        {sections.map((s) => (
          <tbody key={s.key} data-section={s.key}>
            <tr className="eras-section">
              <th scope="rowgroup" colSpan={c.eras.length + 1}>
                {s.title}
              </th>
            </tr>
            {s.rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                {row.cells.map((cell, i) => {
                  const v = c.eras[i]!.variant;
                  return (
                    <td key={v} data-testid={`eras-${s.key}-${row.key}-${v}`}>
                      {cell}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </>
  );
}
