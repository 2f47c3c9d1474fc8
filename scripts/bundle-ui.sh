#!/usr/bin/env bash
# Bundles ui/ for the release build: the ES modules (one per thing on screen) become one
# main.js, so the window fetches four files (with its language's catalog) instead of fifteen
# (README, Figures: ~14 ms of start-up). Debug builds and the tests use ui/ as it is. Output: target/ui-dist/
set -euo pipefail
cd "$(dirname "$0")/.."

tools=$(scripts/build-tools.sh)
out=target/ui-dist
new=target/ui-dist.new
rm -rf "$new"
mkdir -p "$new"
"$tools/esbuild" ui/main.js --bundle --format=esm \
  --log-level=warning --outfile="$new/main.js"
cp ui/index.html ui/styles.css "$new/"
# The catalogs are fetched at start (i18n.js), one per language: copied as they are.
cp -R ui/locales "$new/locales"
# Only files whose bytes changed are replaced: the release binary embeds this folder, and a
# file rewritten unchanged (a new mtime) would have cargo compile and link the app again
# (about 3 minutes here) at every package.
mkdir -p "$out"
(cd "$new" && find . -type f) | while IFS= read -r file; do
  if ! cmp -s "$new/$file" "$out/$file"; then
    mkdir -p "$(dirname "$out/$file")"
    cp "$new/$file" "$out/$file"
  fi
done
(cd "$out" && find . -type f) | while IFS= read -r file; do
  [ -e "$new/$file" ] || rm -f "$out/$file"
done
rm -rf "$new"
