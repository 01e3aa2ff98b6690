/**
 * The app's state, as one vanilla zustand store with the immer middleware applied once, here.
 * It holds UI state only (connection status for now); the engine's state stays in the worker.
 * React components read it through useAppStore (./react.tsx).
 */
import { immer } from "zustand/middleware/immer";
import { createStore } from "zustand/vanilla";
import type { EngineLocation, PingReply } from "../worker/protocol";

export type Connection =
  | { kind: "connecting" }
  | {
      kind: "connected";
      engineVersion: number;
      where: EngineLocation;
      /** Why the worker is not used, when the engine runs in the main thread. */
      fallbackReason: string | null;
    }
  | { kind: "failed"; message: string };

export interface AppState {
  connection: Connection;
  connected(reply: PingReply, fallbackReason: string | null): void;
  failed(message: string): void;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore() {
  return createStore<AppState>()(
    immer((set) => ({
      connection: { kind: "connecting" },
      connected: (reply, fallbackReason) =>
        set((state) => {
          state.connection = {
            kind: "connected",
            engineVersion: reply.engineVersion,
            where: reply.where,
            fallbackReason,
          };
        }),
      failed: (message) =>
        set((state) => {
          state.connection = { kind: "failed", message };
        }),
    })),
  );
}
