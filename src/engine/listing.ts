/**
 * A variant's resolved listing: for every kernel function of its table, each micro-step with its
 * index, label, paraphrased line, the kernel line number when one is known, and the functions it
 * calls. Checked in per variant under listings/ (listings.test.ts regenerates and compares them)
 * and printed by the CLI's `show`, so a change to a function's steps is visible in review.
 *
 * Callees are the names a step's code passes to `call("...")`, plus those it declares in
 * `StepDef.calls` (for a name it computes).
 */
import type { KernelFn, StepDef, Variant } from "./program";

export interface ListingStep {
  index: number;
  label: string | null;
  line: string;
  /** The mm/slub.c line at the function's mainline tag, when known. */
  kernelLine: number | null;
  callees: string[];
}

const CALL = /\bcall\)?\(\s*["'`]([^"'`]+)["'`]/g;

/** The functions a step calls. */
export function calleesOf(step: StepDef): string[] {
  const out = new Set<string>();
  for (const body of [step.run, step.after])
    if (body) for (const m of body.toString().matchAll(CALL)) out.add(m[1]!);
  for (const c of step.calls ?? []) out.add(c);
  return [...out];
}

export function listingOf(
  f: KernelFn,
  kernelLines: readonly (number | null)[] = [],
): ListingStep[] {
  return f.steps.map((s, index) => ({
    index,
    label: s.label ?? null,
    line: s.line,
    kernelLine: kernelLines[index] ?? null,
    callees: calleesOf(s),
  }));
}

/** The variant's function names, sorted. */
export function functionNames(v: Variant): string[] {
  return Object.keys(v.fns).sort();
}

/** One function's listing as text: a heading, then one row per step. */
export function formatFunction(
  f: KernelFn,
  origin: string,
  kernelLines: readonly (number | null)[] = [],
): string {
  const rows = listingOf(f, kernelLines);
  const width = Math.max(0, ...rows.map((r) => (r.label ?? "").length));
  const digits = String(rows.length - 1).length;
  const body = rows.map((r) => {
    const label = (r.label ?? "").padEnd(width);
    const at = r.kernelLine !== null ? `  [L${r.kernelLine}]` : "";
    const calls = r.callees.length > 0 ? `  -> ${r.callees.join(", ")}` : "";
    return `  ${String(r.index).padStart(digits)}  ${label}${width > 0 ? "  " : ""}${r.line}${at}${calls}`.trimEnd();
  });
  return [`${f.name}  (${origin})`, ...body].join("\n");
}
