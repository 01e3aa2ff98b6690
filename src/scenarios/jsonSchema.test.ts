import { describe, expect, it } from "vitest";
import committed from "../../public/scenario.schema.json?raw";
import { renderJsonSchema, scenarioJsonSchema } from "./jsonSchema";

describe("public/scenario.schema.json", () => {
  it("is what `npm run schema` generates now", async () => {
    // When this fails, the zod schema changed: run `npm run schema` and commit the file.
    expect(committed).toBe(await renderJsonSchema());
  });

  it("describes a closed object with the required top-level fields", () => {
    const schema = scenarioJsonSchema();
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      additionalProperties: false,
      required: ["format", "version", "title", "kernel", "cache", "actors"],
    });
  });
});
