#!/usr/bin/env bash
# Bundles ui/ for the release build: the ES modules (one per thing on screen) become one
# main.js, so the window fetches four files (with its language's catalog) instead of fifteen
# (README, Figures: ~14 ms of start-up). Debug builds and the tests use ui/ as it is. Output: target/ui-dist/
set -euo pipefail
cd "$(dirname "$0")/.."

tools=$(scripts/build-tools.sh)
out=target/ui-dist
rm -rf "$out"
mkdir -p "$out"
"$tools/esbuild" ui/main.js --bundle --format=esm \
  --log-level=warning --outfile="$out/main.js"
cp ui/index.html ui/styles.css "$out/"
# The catalogs are fetched at start (i18n.js), one per language: copied as they are.
cp -R ui/locales "$out/locales"
