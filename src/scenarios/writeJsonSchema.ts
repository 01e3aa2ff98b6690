/** `npm run schema`: rewrites public/scenario.schema.json from the zod schema. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { JSON_SCHEMA_PATH, renderJsonSchema } from "./jsonSchema";

const text = await renderJsonSchema();
if (
  existsSync(JSON_SCHEMA_PATH) &&
  readFileSync(JSON_SCHEMA_PATH, "utf8") === text
) {
  process.stdout.write(`${JSON_SCHEMA_PATH} is up to date\n`);
} else {
  writeFileSync(JSON_SCHEMA_PATH, text);
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
}
