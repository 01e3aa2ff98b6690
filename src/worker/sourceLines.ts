/**
 * Where the code pane's paraphrased lines come from: the mainline release a variant models (and
 * a link into a public source browser at that tag), or, for a variant that never shipped, the
 * patch or mail it is built from.
 *
 * Kept apart from the kernel step tables on purpose: it is data about them, keyed by the
 * variant's base release, the function and the step (its label, or its paraphrased line when it
 * has none). sourceLines.test.ts holds every entry to the listings, so a renamed step or function
 * fails a test instead of pointing at the wrong line.
 *
 * Data only (no engine code): the main thread reads it to draw the links.
 */

/** Mainline releases the engine models, as Elixir names their tags. */
export type MainlineTag = "v5.14" | "v5.15";

export const ELIXIR = "https://elixir.bootlin.com/linux";

/** A line of mm/slub.c at `tag` in Elixir. */
export function elixirLine(tag: MainlineTag, line: number): string {
  return `${ELIXIR}/${tag}/source/mm/slub.c#L${line}`;
}

/** Elixir's page for an identifier at `tag`: its definition, file and line, at that tag. */
export function elixirIdent(tag: MainlineTag, fn: string): string {
  return `${ELIXIR}/${tag}/C/ident/${encodeURIComponent(fn)}`;
}

/** The posting a variant that never shipped is built from. */
export interface PatchSource {
  /** The mail's subject, as posted. */
  title: string;
  /** A public archive of it (lore.kernel.org, or a search there by subject). */
  url: string;
}

function lore(subject: string): string {
  return `https://lore.kernel.org/all/?q=${encodeURIComponent(`s:"${subject}"`)}`;
}

/**
 * What each variant models: a mainline release, or a posting. Variants are matched by name
 * prefix, longest first (`rt-2021-07-mike-v2` before `rt-2021-07`).
 */
export const VARIANT_SOURCES: readonly {
  prefix: string;
  /** The release it is (mainline), or the one its unchanged functions are modelled on. */
  base: MainlineTag;
  /** Null for a mainline release. */
  patch: PatchSource | null;
}[] = [
  { prefix: "v5.14", base: "v5.14", patch: null },
  { prefix: "v5.15", base: "v5.15", patch: null },
  {
    prefix: "rt-2021-07-mike-v2",
    base: "v5.15",
    patch: {
      title:
        "v2 mm/slub: restore/expand unfreeze_partials() local exclusion scope",
      url: "https://lore.kernel.org/all/476d147ab6eec386a1e8b8e11cb09708377f8c3e.camel@gmx.de/",
    },
  },
  {
    prefix: "rt-2021-07-lockless-whatif",
    base: "v5.15",
    patch: {
      title:
        "What if (no tree had it): the PREEMPT_RT tree of July 2021 with the lockless fast paths the series gave up on RT after its RFC v1",
      url: lore(
        "[PATCH v4 00/35] SLUB: reduce irq disabled scope and make it RT compatible",
      ),
    },
  },
  {
    prefix: "rt-2021-07",
    base: "v5.15",
    patch: {
      title:
        "v2 mm/slub: restore/expand unfreeze_partials() local exclusion scope (thread, PREEMPT_RT tree of July 2021)",
      url: "https://lore.kernel.org/all/476d147ab6eec386a1e8b8e11cb09708377f8c3e.camel@gmx.de/",
    },
  },
  {
    prefix: "v4",
    base: "v5.15",
    patch: {
      title:
        "[PATCH v4 00/35] SLUB: reduce irq disabled scope and make it RT compatible",
      url: lore(
        "[PATCH v4 00/35] SLUB: reduce irq disabled scope and make it RT compatible",
      ),
    },
  },
  {
    prefix: "v6.15-nolock",
    base: "v5.15",
    patch: {
      title: "[PATCH 6/6] slab: Introduce kmalloc_nolock() and kfree_nolock().",
      url: lore("slab: Introduce kmalloc_nolock() and kfree_nolock()"),
    },
  },
  {
    prefix: "v6.7-pca-rfc3",
    base: "v5.15",
    patch: {
      title:
        "[PATCH RFC v3 5/9] mm/slub: add opt-in percpu array cache of objects",
      url: lore("mm/slub: add opt-in percpu array cache of objects"),
    },
  },
];

export function variantSource(
  variant: string,
): (typeof VARIANT_SOURCES)[number] | null {
  let best: (typeof VARIANT_SOURCES)[number] | null = null;
  for (const s of VARIANT_SOURCES)
    if (
      (variant === s.prefix || variant.startsWith(`${s.prefix}-`)) &&
      (!best || s.prefix.length > best.prefix.length)
    )
      best = s;
  return best;
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
