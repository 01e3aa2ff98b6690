/**
 * The app's state, as one vanilla zustand store with the immer middleware applied once, here.
 * It holds UI state only (connection status for now); the engine's state stays in the worker.
 * React components read it through useAppStore (./react.tsx).
 */
import { immer } from "zustand/middleware/immer";
import { createStore } from "zustand/vanilla";
import type {
  EngineLocation,
  Frame,
  PingReply,
  TraceSummary,
} from "../worker/protocol";

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
  /** The loaded scenario's summary and the frame at the cursor (from the engine). */
  summary: TraceSummary | null;
  frame: Frame | null;
  loaded(summary: TraceSummary): void;
  showFrame(frame: Frame): void;
  connected(reply: PingReply, fallbackReason: string | null): void;
  failed(message: string): void;
}

export type AppStore = ReturnType<typeof createAppStore>;

export function createAppStore() {
  return createStore<AppState>()(
    immer((set) => ({
      connection: { kind: "connecting" },
      summary: null,
      frame: null,
      loaded: (summary) =>
        set((state) => {
          state.summary = summary;
        }),
      showFrame: (frame) =>
        set((state) => {
          state.frame = frame;
        }),
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
