import { describe, expect, it } from "vitest";
import { buildVariant, kernelTable, VARIANT_NAMES } from "../engine";
import type { VariantName } from "../engine/variants";
import { sourcesOf } from "./panes";
import {
  elixirIdent,
  elixirLine,
  SLUB_LINES,
  variantSource,
  type MainlineTag,
} from "./sourceLines";

const build = (kernel: VariantName) =>
  buildVariant({ kernel, preemptRt: false, cpuPartial: true });

describe("mm/slub.c line table", () => {
  it("names only functions and steps the mainline listings have", () => {
    for (const tag of Object.keys(SLUB_LINES) as MainlineTag[]) {
      const fns = kernelTable(tag);
      for (const [fn, entry] of Object.entries(SLUB_LINES[tag])) {
        const f = fns[fn];
        expect(f, `${tag} has no function ${fn}`).toBeDefined();
        for (const key of Object.keys(entry.steps ?? {}))
          expect(
            f!.steps.some((s) => s.label === key || s.line === key),
            `${tag} ${fn} has no step labelled or reading "${key}"`,
          ).toBe(true);
        // Lines of one function lie after its definition.
        for (const n of Object.values(entry.steps ?? {}))
          if (entry.fn !== undefined) expect(n).toBeGreaterThan(entry.fn);
      }
    }
  });

  it("links a line and a definition at the tag", () => {
    expect(elixirLine("v5.15", 2950)).toBe(
      "https://elixir.bootlin.com/linux/v5.15/source/mm/slub.c#L2950",
    );
    expect(elixirIdent("v5.14", "___slab_alloc")).toBe(
      "https://elixir.bootlin.com/linux/v5.14/C/ident/___slab_alloc",
    );
  });
});

describe("where each variant's lines come from", () => {
  it("knows every declared variant", () => {
    for (const name of VARIANT_NAMES)
      expect(variantSource(name).base, name).toMatch(
        /^v5\.1[45]$|^v6\.(8|18)$/,
      );
    expect(variantSource("rt-2021-07-mike-v2").patch!.title).toMatch(
      /^v2 mm\/slub: restore\/expand/,
    );
    expect(variantSource("v5.15").patch).toBeNull();
    // The hypothetical variant says so instead of borrowing the RT tree's posting.
    expect(variantSource("rt-2021-07-lockless-whatif").patch!.title).toMatch(
      /^What if \(no tree had it\)/,
    );
  });

  it("gives a mainline release its own tag for every kernel function", () => {
    for (const tag of ["v5.14", "v5.15", "v6.8"] as const) {
      const src = sourcesOf(build(tag));
      expect(src["___slab_alloc"]).toMatchObject({
        tag,
        patch: null,
        unchanged: false,
      });
      // Not a kernel function: no link.
      expect(src["user_write"]!.tag).toBeNull();
    }
  });

  it("links a changed function of an unshipped variant to its posting, an unchanged one to its base", () => {
    const name = "v6.15-nolock-v1";
    const v = build(name);
    const src = sourcesOf(v);
    expect(src["kmalloc_nolock"]).toMatchObject({
      tag: null,
      unchanged: false,
    });
    expect(src["kmalloc_nolock"]!.patch!.title).toMatch(/kmalloc_nolock/);
    expect(src["kmalloc_nolock"]!.lines.every((l) => l === null)).toBe(true);
    // deactivate_slab is the v5.15 table's own function in this variant.
    expect(v.fns["deactivate_slab"]).toBe(
      kernelTable("v5.15")["deactivate_slab"],
    );
    expect(src["deactivate_slab"]).toMatchObject({
      tag: "v5.15",
      unchanged: true,
    });
  });

  it("has one line entry per step of every function", () => {
    for (const name of VARIANT_NAMES) {
      const v = build(name);
      const src = sourcesOf(v);
      for (const f of Object.values(v.fns))
        expect(src[f.name]!.lines).toHaveLength(f.steps.length);
    }
  });
});
