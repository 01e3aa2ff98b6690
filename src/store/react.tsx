// The one React binding of the app store and session: a context carrying both, a selector hook
// for the store and a hook for the session. Select narrowly; components re-render only when
// their selection changes.
import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { Session } from "./session";
import type { AppState, AppStore } from "./store";

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({
  session,
  children,
}: {
  session: Session;
  children: ReactNode;
}) {
  return <SessionContext value={session}>{children}</SessionContext>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session)
    throw new Error("useSession needs a <SessionProvider> above it");
  return session;
}

export function useAppStoreApi(): AppStore {
  return useSession().store;
}

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(useAppStoreApi(), selector);
}
