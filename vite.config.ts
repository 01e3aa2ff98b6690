import react from "@vitejs/plugin-react";
import type { Plugin } from "vite";
import { defineConfig } from "vitest/config";

/**
 * The built app's Content-Security-Policy (README: Content-Security-Policy): scripts, styles,
 * the engine worker and fetches from the app's own origin only; no inline script, no eval, no
 * plugins, no <base>, no form posts. Images may also be data: and blob: URLs (the PNG export
 * draws an SVG data: URL; downloads are blob: URLs). React's style props go through the CSSOM,
 * which style-src does not restrict, so styles need no 'unsafe-inline' either.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

/**
 * Puts the policy in the built index.html as the first element of <head>. Build only: the
 * development server's hot reload injects an inline script the policy would block.
 */
function contentSecurityPolicy(): Plugin {
  return {
    name: "slabscope-content-security-policy",
    apply: "build",
    transformIndexHtml: () => [
      {
        tag: "meta",
        attrs: {
          "http-equiv": "Content-Security-Policy",
          content: CONTENT_SECURITY_POLICY,
        },
        injectTo: "head-prepend",
      },
    ],
  };
}

/**
 * Cross-origin isolation for the development and preview servers: with it the page may share
 * memory with its workers (SharedArrayBuffer), and the explorer's Web Workers share one table of
 * the states explored and take the search's subtrees as they reach them. Served without these
 * headers, the app works the same and the workers share the tree out by number. The app loads
 * nothing from other origins, so requiring CORP of cross-origin resources blocks nothing.
 */
export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export default defineConfig({
  plugins: [react(), contentSecurityPolicy()],
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // The engine runs in a module worker (src/worker/engine.worker.ts); keep it an ES module
  // in the production build too, so the worker and the main thread share chunks.
  worker: { format: "es" },
  build: { target: "es2022" },
  test: {
    // Explicit includes per project, so Vitest never picks up the Playwright specs in e2e/.
    passWithNoTests: true,
    // A hang guard, not a speed check: on a busy 2-core machine an in-thread engine run under
    // jsdom can take several seconds (speed is measured by `npm run bench`).
    testTimeout: 30_000,
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
            "src/explore/**/*.test.ts",
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
