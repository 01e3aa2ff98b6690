/**
 * `show <variant> [function]`: a variant's functions, or one function's resolved listing (see
 * engine/listing.ts). The same text is checked in per variant under src/engine/listings/.
 */
import { buildVariant, VARIANTS, type VariantName } from "../engine";
import { formatFunction, functionNames } from "../engine/listing";
import type { Variant } from "../engine/program";
import { sourcesOf, type FnSource } from "../worker/panes";

/** The variant as listed: the default build (no PREEMPT_RT, with CONFIG_SLUB_CPU_PARTIAL). */
export function listedVariant(name: VariantName): Variant {
  return buildVariant({ kernel: name, preemptRt: false, cpuPartial: true });
}

function origin(src: FnSource | undefined): string {
  if (!src || (src.tag === null && src.patch === null))
    return "not a kernel function";
  if (src.patch === null) return `mainline ${src.tag}`;
  return src.unchanged ? `as in ${src.tag}` : "from the posting";
}

/** One function's listing, or null when the variant has no such function. */
export function showFunction(name: VariantName, fnName: string): string | null {
  const v = listedVariant(name);
  const f = Object.hasOwn(v.fns, fnName) ? v.fns[fnName] : undefined;
  if (!f) return null;
  const src = sourcesOf(v)[fnName];
  return `${formatFunction(f, origin(src), src?.lines ?? [])}\n`;
}

function header(name: VariantName): string[] {
  const spec = VARIANTS[name];
  const s = spec.source;
  return [
    `# ${name}: ${spec.title}`,
    s.patch === null
      ? `# source: mainline ${s.base}`
      : `# source: ${s.patch.title} <${s.patch.url}> (unchanged functions as in ${s.base})`,
    "# listed as built without PREEMPT_RT, with CONFIG_SLUB_CPU_PARTIAL",
  ];
}

/** The variant's functions, one a line, with where each comes from and its step count. */
export function showVariant(name: VariantName): string {
  const v = listedVariant(name);
  const sources = sourcesOf(v);
  const names = functionNames(v);
  const width = Math.max(...names.map((n) => n.length));
  const rows = names.map(
    (n) =>
      `${n.padEnd(width)}  ${String(v.fns[n]!.steps.length).padStart(3)} steps  ${origin(sources[n])}`,
  );
  return `${[...header(name), "", ...rows].join("\n")}\n`;
}

/** Every function's listing: the checked-in golden text of a variant. */
export function variantListing(name: VariantName): string {
  const v = listedVariant(name);
  const sources = sourcesOf(v);
  const parts = functionNames(v).map((n) =>
    formatFunction(v.fns[n]!, origin(sources[n]), sources[n]?.lines ?? []),
  );
  return `${[header(name).join("\n"), ...parts].join("\n\n")}\n`;
}
