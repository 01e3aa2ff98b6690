/**
 * The engine's source modules (tests and `src/engine/test` left out), for the tests that read
 * the engine's code itself: its import graph and its page accesses.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ENGINE_ROOT = fileURLToPath(new URL("../engine", import.meta.url));

/** Every engine module under `dir`, as a path. */
export function engineSourceFiles(dir: string = ENGINE_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === "test"
        ? []
        : engineSourceFiles(join(dir, e.name))
      : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
        ? [join(dir, e.name)]
        : [],
  );
}
