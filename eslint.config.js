// @ts-check
import js from "@eslint/js";
import { defineConfig, globalIgnores } from "eslint/config";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

const determinism = "The engine is deterministic: same scenario, same trace.";
const purity = "src/engine is pure: no UI, DOM, worker, timers or clocks.";

export default defineConfig([
  globalIgnores([
    "dist/",
    "coverage/",
    "e2e/test-results/",
    "e2e/playwright-report/",
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["src/engine/**", "src/cli/**", "src/bench/**"],
    languageOptions: { globals: globals.browser },
  },
  {
    files: [
      "**/*.{js,mjs}",
      "e2e/**/*.ts",
      "src/cli/**",
      "src/bench/**",
      "vite.config.ts",
    ],
    languageOptions: { globals: globals.node },
  },
  {
    files: ["**/*.tsx"],
    extends: [reactHooks.configs.flat.recommended],
  },

  // The purity boundary of the engine. TypeScript already hides the DOM from it
  // (src/engine/tsconfig.json); these rules catch the rest and say why.
  {
    files: ["src/engine/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "react",
                "react/*",
                "react-dom",
                "react-dom/*",
                "zustand",
                "zustand/*",
                "d3",
                "d3-*",
                "immer",
                "immer/*",
                "comlink",
                "comlink/*",
              ],
              message: purity,
            },
            {
              regex: String.raw`^(\.\./)+(worker|store|ui|share)(/|$)`,
              message: `${purity} The app depends on the engine, never the other way round.`,
            },
          ],
        },
      ],
      "no-restricted-globals": [
        "error",
        ...[
          "window",
          "document",
          "self",
          "navigator",
          "localStorage",
          "sessionStorage",
        ].map((name) => ({ name, message: purity })),
        ...["performance", "setTimeout", "setInterval", "Date"].map((name) => ({
          name,
          message: `${determinism} Time must not enter the model.`,
        })),
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "Math",
          property: "random",
          message: `${determinism} Take a seeded PRNG from the scenario.`,
        },
        {
          object: "Date",
          property: "now",
          message: `${determinism} No clocks.`,
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date']",
          message: `${determinism} No clocks.`,
        },
      ],
    },
  },
  {
    // The race explorer's search follows the engine's rules: the same scenario and options
    // always walk the same schedules (the callers time it).
    files: ["src/explore/**/*.ts"],
    rules: {
      "no-restricted-globals": [
        "error",
        ...["performance", "setTimeout", "setInterval", "Date"].map((name) => ({
          name,
          message: `${determinism} Time must not enter the search.`,
        })),
      ],
      "no-restricted-properties": [
        "error",
        {
          object: "Math",
          property: "random",
          message: `${determinism} The search is systematic, not random.`,
        },
      ],
    },
  },
  {
    // The engine runs in the worker. The main thread imports only its types and the light
    // modules (scenario format, variant catalogue), so the kernels are not bundled twice there.
    files: [
      "src/ui/**/*.{ts,tsx}",
      "src/store/**/*.{ts,tsx}",
      "src/share/**/*.{ts,tsx}",
      "src/main.tsx",
      "src/scenarios/schema.ts",
    ],
    ignores: ["**/*.test.{ts,tsx}", "src/ui/state/renderBench.tsx"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "(^|/)engine(/index)?$",
              allowTypeImports: true,
              message:
                "The main thread takes only types from the engine; values come from engine/scenario or engine/kernel/catalogue, or from the worker.",
            },
            {
              regex: "(^|/)scenarios/library",
              allowTypeImports: true,
              message:
                "The library runs in the worker (EngineApi.listLibrary / loadLibrary).",
            },
          ],
        },
      ],
    },
  },
]);
