/**
 * Every variant's resolved listing, held to the checked-in copy in src/engine/listings/. A change
 * to a function's steps, labels, lines or calls shows up as a diff there; rewrite the copies
 * with `UPDATE_GOLDEN=1 npx vitest run src/cli/listings.test.ts` when the change is intended.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { VARIANT_NAMES } from "../engine";
import { showFunction, variantListing } from "./show";

const DIR = fileURLToPath(new URL("../engine/listings/", import.meta.url));
const file = (name: string) => `${DIR}${name}.txt`;

describe("the variants' listings", () => {
  it("has one file per variant and no other", () => {
    if (process.env.UPDATE_GOLDEN) return;
    expect(
      readdirSync(DIR)
        .filter((f) => f.endsWith(".txt"))
        .sort(),
    ).toEqual(VARIANT_NAMES.map((n) => `${n}.txt`).sort());
  });

  it.each(VARIANT_NAMES)("%s is as checked in", (name) => {
    const got = variantListing(name);
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(file(name), got);
      return;
    }
    expect(existsSync(file(name)), `${file(name)} is missing`).toBe(true);
    expect(got).toBe(readFileSync(file(name), "utf8"));
  });

  it("holds what show prints for each function", () => {
    const text = variantListing("v5.15");
    const one = showFunction("v5.15", "___slab_alloc")!;
    expect(text).toContain(`\n\n${one}`);
  });
});
