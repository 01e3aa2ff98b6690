/**
 * `compare <scenario> [--variants a,b] [--json]`: the scenario's operations on every mainline
 * era (or the variants named), side by side: what each operation cost in micro-steps,
 * cmpxchg_double, list_lock, trylocks and slabs touched (src/engine/cost.ts says how they are
 * counted and how the operations are scheduled).
 */
import { compareSections, type EraComparison } from "../engine/costMetrics";

/** The comparison as text: one table, eras as columns, metrics as rows. */
export function compareText(c: EraComparison): string {
  const head = ["", ...c.eras.map((r) => r.variant)];
  const rows: string[][] = [head];
  const breaks: number[] = [];
  for (const s of compareSections(c)) {
    breaks.push(rows.length);
    rows.push([`${s.title}:`, ...c.eras.map(() => "")]);
    for (const r of s.rows) rows.push([`  ${r.label}`, ...r.cells]);
  }
  const widths = head.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) =>
        i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
      )
      .join("  ")
      .trimEnd(),
  );
  const skipped = c.eras.flatMap((r) =>
    r.kind === "skipped" ? [`${r.variant}: not run: ${r.reason}`] : [],
  );
  return `${[
    `scenario  ${c.title}`,
    `eras      ${c.eras.map((r) => r.variant).join(", ")}`,
    `schedule  ${c.schedule}`,
    ...c.notes,
    ...skipped,
    "",
    ...lines.flatMap((l, i) => (breaks.includes(i) && i > 1 ? ["", l] : [l])),
  ].join("\n")}\n`;
}

/** The comparison as JSON: every era's run with each operation's counts. */
export function compareJson(c: EraComparison): string {
  return `${JSON.stringify(c)}\n`;
}
