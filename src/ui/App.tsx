import { SessionProvider, useAppStore, useSession } from "../store/react";
import type { Session } from "../store/session";
import type { Connection } from "../store/store";
import { ErrorBoundary } from "./ErrorBoundary";
import { ScenarioView } from "./ScenarioView";
import { ScenarioEditor } from "./editor/ScenarioEditor";
import { ShareBar } from "./share/ShareBar";
import "./app.css";

export interface AppProps {
  session: Session;
}

export function App({ session }: AppProps) {
  return (
    <SessionProvider session={session}>
      <ErrorBoundary>
        <main className="app">
          <header>
            <h1>slabscope</h1>
            <p className="tagline">
              Step through the Linux SLUB slab allocator: per-CPU freelists,
              partial lists and frozen slabs, across CPUs, interrupts and tasks.
            </p>
          </header>
          <EngineStatus />
          <Notice />
          <ShareBar />
          <ScenarioEditor />
          <ScenarioView />
        </main>
      </ErrorBoundary>
    </SessionProvider>
  );
}

function EngineStatus() {
  const connection = useAppStore((state) => state.connection);
  if (connection.kind === "failed") {
    return (
      <div role="alert" className="alert">
        {connection.message} Reload the page to start the engine again.
      </div>
    );
  }
  return (
    <p role="status" className="status" data-testid="engine-status">
      {statusText(connection)}
    </p>
  );
}

/** What just happened that the user should know: a recovered crash, a refused fork. */
function Notice() {
  const session = useSession();
  const notice = useAppStore((s) => s.timeline.notice);
  if (!notice) return null;
  return (
    <div
      role={notice.kind === "error" ? "alert" : "status"}
      className={notice.kind === "error" ? "alert notice" : "notice"}
      data-testid="notice"
    >
      <span>{notice.text}</span>{" "}
      <button
        type="button"
        onClick={() => session.store.getState().notify(null)}
      >
        Dismiss
      </button>
    </div>
  );
}

export function statusText(connection: Connection): string {
  switch (connection.kind) {
    case "connecting":
      return "Starting the engine…";
    case "connected": {
      const version = `engine v${connection.engineVersion}`;
      if (connection.where === "worker")
        return `${version} — answered by worker`;
      const why = connection.fallbackReason
        ? ` (${connection.fallbackReason})`
        : "";
      return `${version} — answered in-thread${why}`;
    }
    case "failed":
      return connection.message;
  }
}
