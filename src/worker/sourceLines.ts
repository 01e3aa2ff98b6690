/**
 * Where the code pane's paraphrased lines come from: the mainline release a variant models (and
 * a link into a public source browser at that tag), or, for a variant that never shipped, the
 * patch or mail it is built from (both declared with the variant, in engine/variants.ts).
 *
 * Kept apart from the kernel step tables on purpose: it is data about them, keyed by the
 * variant's base release, the function and the step (its label, or its paraphrased line when it
 * has none). sourceLines.test.ts holds every entry to the listings, so a renamed step or function
 * fails a test instead of pointing at the wrong line.
 *
 * Data only (no engine code): the main thread reads it to draw the links.
 */

import {
  VARIANTS,
  type MainlineTag,
  type VariantName,
  type VariantSource,
} from "../engine/variants";

export type { MainlineTag, PatchSource } from "../engine/variants";

export const ELIXIR = "https://elixir.bootlin.com/linux";

/** A line of mm/slub.c at `tag` in Elixir. */
export function elixirLine(tag: MainlineTag, line: number): string {
  return `${ELIXIR}/${tag}/source/mm/slub.c#L${line}`;
}

/** Elixir's page for an identifier at `tag`: its definition, file and line, at that tag. */
export function elixirIdent(tag: MainlineTag, fn: string): string {
  return `${ELIXIR}/${tag}/C/ident/${encodeURIComponent(fn)}`;
}

/** What a variant models: a mainline release, or a posting (declared with the variant). */
export function variantSource(variant: VariantName): VariantSource {
  return VARIANTS[variant].source;
}

/**
 * mm/slub.c line numbers at a mainline tag, by function, then by step (its label, or its
 * paraphrased line when it has none). `fn` is the line of the function's definition.
 *
 * Only numbers checked against the file at that tag belong here: a step without an entry shows
 * no number (its function's link still leads to the definition at the tag).
 */
export type LineTable = Readonly<
  Record<
    string,
    {
      fn?: number;
      steps?: Readonly<Record<string, number>>;
    }
  >
>;

export const SLUB_LINES: Readonly<Record<MainlineTag, LineTable>> = {
  "v5.14": {},
  "v5.15": {},
  "v6.8": {},
  "v6.18": {},
};

/** Functions of the model that are not kernel functions (no link). */
export const NOT_KERNEL: ReadonlySet<string> = new Set(["user_write"]);

/** The mm/slub.c line of one step at `tag`, when it is known. */
export function slubLine(
  tag: MainlineTag,
  fn: string,
  step: { label: string | null; line: string },
): number | null {
  const f = SLUB_LINES[tag][fn];
  if (!f?.steps) return null;
  return (
    (step.label !== null ? f.steps[step.label] : undefined) ??
    f.steps[step.line] ??
    null
  );
}
