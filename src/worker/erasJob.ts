/**
 * The app's era comparison as a job for a Web Worker (eras.worker.ts): the scenario's
 * operations on every era asked for (src/engine/cost.ts), posted back whole. The panel imports
 * the types only, so the kernel tables stay out of the main bundle.
 */
import { compareEras } from "../engine/cost";
import type { EraComparison } from "../engine/costMetrics";
import type { Scenario } from "../engine/scenario";
import type { VariantName } from "../engine/variants";

export interface ErasRequest {
  scenario: Scenario;
  variants: VariantName[];
}

export type ErasMessage =
  | { kind: "done"; comparison: EraComparison }
  | { kind: "failed"; message: string };

export function runErasJob(
  req: ErasRequest,
  post: (m: ErasMessage) => void,
): void {
  try {
    post({
      kind: "done",
      comparison: compareEras(req.scenario, req.variants),
    });
  } catch (e) {
    post({
      kind: "failed",
      message: e instanceof Error ? e.message : String(e),
    });
  }
}
