import { useEffect } from "react";
import { StoreProvider, useAppStore, useAppStoreApi } from "../store/react";
import type { AppStore, Connection } from "../store/store";
import { errorMessage, type EngineClient } from "../worker/client";
import { ErrorBoundary } from "./ErrorBoundary";
import { ScenarioView } from "./ScenarioView";
import "./app.css";

export interface AppProps {
  client: EngineClient;
  store: AppStore;
}

export function App({ client, store }: AppProps) {
  return (
    <StoreProvider store={store}>
      <ErrorBoundary>
        <main className="app">
          <header>
            <h1>slabscope</h1>
            <p className="tagline">
              Step through the Linux SLUB slab allocator: per-CPU freelists,
              partial lists and frozen slabs, across CPUs, interrupts and tasks.
            </p>
          </header>
          <EngineStatus client={client} />
          <ScenarioView client={client} />
        </main>
      </ErrorBoundary>
    </StoreProvider>
  );
}

function EngineStatus({ client }: { client: EngineClient }) {
  useEngineConnection(client);
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

/** Asks the engine who it is and records the answer; records a worker crash as a failure. */
function useEngineConnection(client: EngineClient) {
  const store = useAppStoreApi();
  useEffect(() => {
    let live = true;
    const onTransport = () => {
      const transport = client.transport();
      if (transport.kind === "crashed") {
        store
          .getState()
          .failed(`The engine worker crashed: ${transport.message}.`);
      }
    };
    const unsubscribe = client.subscribe(onTransport);
    onTransport();
    client.api.ping().then(
      (reply) => {
        if (!live) return;
        const transport = client.transport();
        store
          .getState()
          .connected(
            reply,
            transport.kind === "in-thread" ? transport.reason : null,
          );
      },
      (error: unknown) => {
        if (live)
          store
            .getState()
            .failed(`The engine did not answer: ${errorMessage(error)}.`);
      },
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [client, store]);
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
