import { SessionProvider } from "../store/react";
import type { Session } from "../store/session";
import { ErrorBoundary } from "./ErrorBoundary";
import { ScenarioView } from "./ScenarioView";
import "./app.css";

export { statusText } from "./statusText";

export interface AppProps {
  session: Session;
}

export function App({ session }: AppProps) {
  return (
    <SessionProvider session={session}>
      <ErrorBoundary>
        <main className="app">
          <ScenarioView />
        </main>
      </ErrorBoundary>
    </SessionProvider>
  );
}
