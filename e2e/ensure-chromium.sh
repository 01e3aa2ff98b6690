#!/usr/bin/env bash
# Makes sure a Chromium is available for the end-to-end tests (run as the `pretest:e2e` hook).
# Order matches e2e/playwright.config.ts: CHROMIUM_PATH, /usr/bin/chromium, Playwright's own build.
# As root on Debian/Ubuntu it installs Debian's `chromium` package with apt when none is found;
# otherwise it prints how to get one and fails.
set -euo pipefail

if [[ -n "${CHROMIUM_PATH:-}" ]]; then
  if [[ -x "$CHROMIUM_PATH" ]]; then
    echo "e2e: using CHROMIUM_PATH=$CHROMIUM_PATH"
    exit 0
  fi
  echo "e2e: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable file." >&2
  exit 1
fi

if [[ -x /usr/bin/chromium ]]; then
  echo "e2e: using /usr/bin/chromium"
  exit 0
fi

# Playwright's own download (from `npx playwright install chromium`), where downloads work.
playwright_chromium="$(node --input-type=module -e "
import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';
try { const p = chromium.executablePath(); if (existsSync(p)) console.log(p); } catch {}
" 2>/dev/null || true)"
if [[ -n "$playwright_chromium" ]]; then
  echo "e2e: using Playwright's Chromium at $playwright_chromium"
  exit 0
fi

if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null 2>&1; then
  echo "e2e: no Chromium found; installing Debian's chromium package with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends chromium
  if [[ -x /usr/bin/chromium ]]; then
    echo "e2e: installed /usr/bin/chromium"
    exit 0
  fi
  echo "e2e: apt-get finished but /usr/bin/chromium is still missing." >&2
  exit 1
fi

cat >&2 <<'MSG'
No Chromium found for the end-to-end tests. Fix one of:
  sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium   (Debian/Ubuntu; gives /usr/bin/chromium)
  CHROMIUM_PATH=/path/to/chromium npm run test:e2e                                (any Chromium or Chrome binary)
  npx playwright install chromium                                                  (Playwright's own build, where downloads work)
MSG
exit 1
