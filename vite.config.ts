import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  // The engine runs in a module worker (src/worker/engine.worker.ts); keep it an ES module
  // in the production build too, so the worker and the main thread share chunks.
  worker: { format: "es" },
  build: { target: "es2022" },
  test: {
    // Explicit includes per project, so Vitest never picks up the Playwright specs in e2e/.
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: {
          name: "engine",
          environment: "node",
          include: [
            "src/engine/**/*.test.ts",
            "src/scenarios/**/*.test.ts",
            "src/share/**/*.test.ts",
            "src/cli/**/*.test.ts",
            "src/bench/**/*.test.ts",
            "src/*.test.ts",
          ],
        },
      },
      {
        extends: true,
        test: {
          name: "ui",
          environment: "jsdom",
          include: [
            "src/ui/**/*.test.{ts,tsx}",
            "src/store/**/*.test.{ts,tsx}",
            "src/worker/**/*.test.{ts,tsx}",
          ],
        },
      },
    ],
  },
});
