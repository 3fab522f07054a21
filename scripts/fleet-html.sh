#!/usr/bin/env bash
# The fleet map as a person sees it: builds scripts/demo-fleet.sh's fleet, opens its HTML map in
# headless Chromium (Debian's package, installed when missing) driven by playwright-core (npm,
# pinned; it downloads no browser), sorts a table by clicking its headers and checks the rows'
# order, checks the page makes no request at all, and takes a screenshot. .ci/run runs it.
#   scripts/fleet-html.sh [--update-docs]   (--update-docs copies the screenshot to docs/fleet.png)
set -euo pipefail
cd "$(dirname "$0")/.."
update=0
if [ "${1:-}" = --update-docs ]; then update=1; fi
work=target/fleet-html
rm -rf "$work"
mkdir -p "$work"
cargo build --locked --quiet
LONGTAIL="$PWD/target/debug/longtail" scripts/demo-fleet.sh "$work/fleet" >/dev/null
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "fleet-html: installing Debian's chromium"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "fleet-html: chromium is not installed (apt-get install chromium)" >&2
    exit 1
  fi
fi
PLAYWRIGHT_VERSION=1.64.1
modules=target/playwright/node_modules/playwright-core
if [ "$(node -p "require('./$modules/package.json').version" 2>/dev/null)" != "$PLAYWRIGHT_VERSION" ]; then
  mkdir -p target/playwright
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
    --prefix target/playwright "playwright-core@$PLAYWRIGHT_VERSION"
fi
node scripts/fleet-html.mjs "$work/fleet/map.html" "$work/fleet.png" "$modules"
if [ "$update" = 1 ]; then
  cp "$work/fleet.png" docs/fleet.png
  echo "fleet-html: docs/fleet.png updated"
fi
