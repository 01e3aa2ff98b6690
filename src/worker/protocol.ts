import type { Frame } from "./frame";
/**
 * The contract between the UI and the engine. The same object is served from the module
 * worker (engine.worker.ts, through comlink) or called in the main thread (the fallback), so:
 *
 * - every method returns a Promise;
 * - arguments and results are structured-clonable plain data (no functions, class instances
 *   or DOM objects); the in-thread client clones them too, so both transports behave alike;
 * - methods may keep state (the loaded scenario, the trace) inside the implementation object.
 *
 * To add a method: declare it here, implement it in engineApi.ts. The clients forward every
 * method by name, so nothing else changes.
 */
export interface EngineApi {
  /** Liveness check; answers which engine is running and where. */
  ping(): Promise<PingReply>;
  /** Loads the default scenario and runs it to its end; answers its summary. */
  loadDefault(): Promise<TraceSummary>;
  /** The frame after `step` micro-steps of the loaded scenario (clamped to the trace). */
  frame(step: number): Promise<Frame>;
}

export interface TraceSummary {
  title: string;
  description: string;
  kernel: string;
  steps: number;
  findings: number;
}

export type { Frame } from "./frame";

export type EngineLocation = "worker" | "in-thread";

export interface PingReply {
  engineVersion: number;
  where: EngineLocation;
}
