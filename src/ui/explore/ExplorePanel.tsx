/**
 * The Explore panel: searches the interleavings of the loaded scenario's operations (its
 * schedule ignored) for one that produces a finding, in Web Workers that share out the tree
 * (src/explore; on a cross-origin isolated page they also share the states explored). Shows
 * the progress by bound, live schedules per second and a stop button; a found schedule,
 * shrunk, opens on the timeline at its finding.
 *
 * Fills its container; mount it anywhere under the SessionProvider (the workspace puts it in a
 * drawer). `createWorker` and `workers` are for tests and embedding.
 */
import { useEffect, useRef, useState } from "react";
import { useAppStore, useSession } from "../../store/react";
import type {
  ExploreMessage,
  ExploreRequest,
  FoundSchedule,
} from "../../explore/job";
import { merge, asResult } from "../../explore/merge";
import {
  CLAIMED_SPLIT_DEPTH,
  claimsBuffer,
  type ExploreResult,
  type ExploreStats,
} from "../../explore/search";
import { SharedVisited } from "../../explore/visited";
import "./explore.css";

/** What the panel needs of a worker (a Web Worker, or a stand-in in tests). */
export interface ExploreWorkerLike {
  postMessage(req: ExploreRequest): void;
  terminate(): void;
  onmessage: ((e: MessageEvent<ExploreMessage>) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

function webWorker(): ExploreWorkerLike {
  return new Worker(
    new URL("../../worker/explore.worker.ts", import.meta.url),
    {
      type: "module",
      name: "slabscope-explore",
    },
  ) as unknown as ExploreWorkerLike;
}

function defaultWorkers(): number {
  const n =
    typeof navigator !== "undefined" ? navigator.hardwareConcurrency || 1 : 1;
  return Math.max(1, Math.min(n, 4));
}

/**
 * The subtrees below this many branch points are shared out among the workers by number; when
 * the page may share memory with its workers (cross-origin isolated, see vite.config.ts), each
 * worker takes the next one it reaches (search.ts CLAIMED_SPLIT_DEPTH), and the workers share
 * one table of the states explored.
 */
const SPLIT_DEPTH = 3;

/** Memory the workers may share: SharedArrayBuffer and a cross-origin isolated page. */
function canShareMemory(): boolean {
  return (
    typeof SharedArrayBuffer !== "undefined" &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ===
      true
  );
}

type Status = "idle" | "running" | "found" | "none" | "stopped" | "failed";

export function ExplorePanel({
  createWorker = webWorker,
  workers = defaultWorkers(),
}: {
  createWorker?: () => ExploreWorkerLike;
  workers?: number;
}) {
  const session = useSession();
  const title = useAppStore((s) => s.scenario?.title ?? null);
  const [bound, setBound] = useState(3);
  const [status, setStatus] = useState<Status>("idle");
  const [stats, setStats] = useState<ExploreStats | null>(null);
  const [rate, setRate] = useState(0);
  const [found, setFound] = useState<FoundSchedule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const running = useRef<ExploreWorkerLike[]>([]);

  const stopAll = () => {
    for (const w of running.current) w.terminate();
    running.current = [];
  };
  useEffect(() => stopAll, []);

  const start = async () => {
    stopAll();
    setFound(null);
    setError(null);
    setStats(null);
    setRate(0);
    const scenario = await session.currentScenario();
    if (!scenario) return;
    setStatus("running");
    const t0 = performance.now();
    const count = workers;
    const latest: (ExploreStats | undefined)[] = [];
    const results: (ExploreResult | undefined)[] = [];
    let foundOne: FoundSchedule | null = null;
    const pool: ExploreWorkerLike[] = [];
    const show = (s: ExploreStats) => {
      setStats(s);
      const secs = (performance.now() - t0) / 1000;
      if (secs > 0) setRate(Math.round(s.schedules / secs));
    };
    const finish = () => {
      const all = merge(results.filter((r) => r !== undefined));
      show(all.stats);
      stopAll();
      if (foundOne) {
        setFound(foundOne);
        setStatus("found");
      } else setStatus(all.end === "exhausted" ? "none" : "stopped");
    };
    for (let index = 0; index < count; index++) {
      const w = createWorker();
      pool.push(w);
      w.onmessage = (e) => {
        if (!running.current.includes(w)) return;
        const m = e.data;
        if (m.kind === "progress") {
          latest[index] = m.stats;
          show(
            merge(latest.filter((x) => x !== undefined).map(asResult)).stats,
          );
          return;
        }
        if (m.kind === "failed") {
          stopAll();
          setError(m.message);
          setStatus("failed");
          return;
        }
        results[index] = { ...m.result, found: null };
        if (m.found && !foundOne) {
          foundOne = m.found;
          finish();
          return;
        }
        if (results.filter((r) => r !== undefined).length === count) finish();
      };
      w.onerror = (e) => {
        if (!running.current.includes(w)) return;
        stopAll();
        setError(e.message || "the explorer's worker failed");
        setStatus("failed");
      };
    }
    running.current = pool;
    const shared =
      count > 1 && canShareMemory()
        ? {
            claims: claimsBuffer(bound),
            visited: SharedVisited.buffer(1 << 18),
          }
        : null;
    pool.forEach((w, index) =>
      w.postMessage({
        scenario,
        bound,
        codes: null,
        ...(count === 1
          ? {}
          : shared === null
            ? { split: { index, count, depth: SPLIT_DEPTH } }
            : {
                split: {
                  index,
                  count,
                  depth: CLAIMED_SPLIT_DEPTH,
                  claims: shared.claims,
                },
                sharedVisited: shared.visited,
              }),
      }),
    );
  };

  const stop = () => {
    stopAll();
    setStatus("stopped");
  };

  const open = async () => {
    if (found) await session.loadScenario(found.scenario);
  };

  const progress =
    stats === null ? 0 : Math.max(0, stats.boundDone + 1) / (bound + 1);
  return (
    <section className="explore-panel" aria-label="explore interleavings">
      <p className="explore-intro">
        Search the interleavings of {title ? <q>{title}</q> : "the scenario"}
        &apos;s operations (its schedule ignored) for one that produces a
        finding, with at most a given number of preemptions.
      </p>
      <div className="explore-controls">
        <label>
          Preemptions at most{" "}
          <select
            value={bound}
            disabled={status === "running"}
            onChange={(e) => setBound(Number(e.target.value))}
          >
            {[0, 1, 2, 3, 4].map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        {status === "running" ? (
          <button type="button" onClick={stop}>
            ■ Stop
          </button>
        ) : (
          <button type="button" onClick={() => void start()}>
            ▶ Explore
          </button>
        )}
      </div>
      {stats && (
        <div className="explore-progress">
          <progress
            max={1}
            value={status === "none" ? 1 : progress}
            aria-label="bounds explored"
          />
          <p role="status" data-testid="explore-status">
            {stats.schedules} schedules ({stats.pruned} cut at a known state),
            bound {stats.bound}
            {stats.boundDone >= 0
              ? `, bounds 0–${stats.boundDone} done`
              : ""}; {rate} schedules/s
            {status === "running"
              ? ` on ${workers} ${workers === 1 ? "worker" : "workers"}`
              : ""}
          </p>
          {stats.engineErrors > 0 && (
            <p className="explore-errors">
              {stats.engineErrors} schedules hit an internal engine error (a bug
              in slabscope); the search went on.
            </p>
          )}
        </div>
      )}
      {status === "none" && (
        <p className="explore-result" data-testid="explore-result">
          No finding within bound {bound} ({stats?.schedules ?? 0} schedules).
        </p>
      )}
      {status === "stopped" && (
        <p className="explore-result" data-testid="explore-result">
          Stopped: no finding so far.
        </p>
      )}
      {status === "failed" && (
        <p className="explore-result" role="alert">
          The explorer could not run: {error}
        </p>
      )}
      {status === "found" && found && (
        <div className="explore-result" data-testid="explore-result">
          <p>
            <strong>{found.code}</strong> at step {found.step}
            {found.actor ? ` (${found.actor})` : ""}, with {found.bound}{" "}
            {found.bound === 1 ? "preemption" : "preemptions"} at most:{" "}
            {found.message}
          </p>
          <p>
            Schedule ({found.switches} context switches, {found.stepCount}{" "}
            steps): <code>{found.steps.join(" ")}</code>
          </p>
          <button type="button" onClick={() => void open()}>
            Open the counterexample
          </button>
        </div>
      )}
    </section>
  );
}
