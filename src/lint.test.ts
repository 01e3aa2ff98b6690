// Proves the engine's purity boundary in eslint.config.js instead of assuming it: lint
// snippets as if they lived under src/engine/ and check that each breach is reported.
import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const enginePath = "src/engine/__lint_probe__.ts";

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function ruleIds(code: string, filePath = enginePath): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map(
    (message) => message.ruleId ?? message.message,
  );
}

describe("engine purity lint", () => {
  it.each([
    [
      "Math.random",
      "export const r = Math.random();\n",
      "no-restricted-properties",
    ],
    ["Date.now", "export const t = Date.now();\n", "no-restricted-properties"],
    ["new Date", "export const t = new Date();\n", "no-restricted-syntax"],
    [
      "react",
      'import { useState } from "react";\nexport { useState };\n',
      "no-restricted-imports",
    ],
    [
      "zustand",
      'export { createStore } from "zustand/vanilla";\n',
      "no-restricted-imports",
    ],
    [
      "d3",
      'import { select } from "d3";\nexport { select };\n',
      "no-restricted-imports",
    ],
    [
      "the worker",
      'import { createEngineApi } from "../worker/engineApi";\nexport { createEngineApi };\n',
      "no-restricted-imports",
    ],
    [
      "window",
      "export const w = window.innerWidth;\n",
      "no-restricted-globals",
    ],
    ["setTimeout", "setTimeout(() => {}, 0);\n", "no-restricted-globals"],
  ])(
    "reports %s",
    async (_name, code, rule) => {
      expect(await ruleIds(code)).toContain(rule);
    },
    20_000,
  );

  it("accepts plain engine code", async () => {
    const code =
      'import { ENGINE_VERSION } from "./version";\nexport const v = ENGINE_VERSION + 1;\n';
    expect(await ruleIds(code)).toEqual([]);
  }, 60_000);

  it("leaves the rest of the app alone", async () => {
    const code =
      'import { useState } from "react";\nexport const r = [useState, Math.random()];\n';
    expect(await ruleIds(code, "src/ui/__lint_probe__.ts")).toEqual([]);
  }, 60_000);
});
