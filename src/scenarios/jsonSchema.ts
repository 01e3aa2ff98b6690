/**
 * The JSON Schema of the scenario format, generated from the zod schema. The checks between
 * fields (CPU numbers against kernel.cpus, schedule entries against actor names, the variant
 * registry) cannot be expressed in JSON Schema; `parseScenario` applies them.
 *
 * The committed copy is public/scenario.schema.json (`npm run schema` rewrites it; a test
 * fails when it is stale).
 */
import { format, resolveConfig } from "prettier";
import { z } from "zod";
import { scenarioSchema } from "./schema";

/** Relative to the repository root (the working directory of npm scripts and tests). */
export const JSON_SCHEMA_PATH = "public/scenario.schema.json";

export function scenarioJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(scenarioSchema, { target: "draft-2020-12" });
}

/** The file's text, formatted the way the repository's Prettier settings want it. */
export async function renderJsonSchema(): Promise<string> {
  const options = (await resolveConfig(JSON_SCHEMA_PATH)) ?? {};
  return format(JSON.stringify(scenarioJsonSchema()), {
    ...options,
    filepath: JSON_SCHEMA_PATH,
  });
}
