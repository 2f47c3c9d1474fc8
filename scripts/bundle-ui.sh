#!/usr/bin/env bash
# Bundles ui/ for the release build: the ES modules (one per thing on screen) become main.js
# and the chunks of the views loaded later, so the window fetches three files at start (its
# words come with the page; My conversations' chunk too when it opens first) instead of fifteen
# (README, Figures: ~14 ms of start-up). Debug builds and the tests use ui/ as it is. Output: target/ui-dist/
set -euo pipefail
cd "$(dirname "$0")/.."

tools=$(scripts/build-tools.sh)
out=target/ui-dist
new=target/ui-dist.new
rm -rf "$new"
mkdir -p "$new"
# Rollup: what main.js imports stays in main.js, and what is imported later (Settings, Bulk,
# My conversations) goes in a chunk of its own, fetched when first shown, that takes what it
# shares from main.js. (esbuild's --splitting moved everything shared into chunks that main.js
# then fetched at start: six files instead of one.) Concatenates only: no transpiling, no
# minifying, so the shipped code is the code in ui/.
"$tools/rollup" ui/main.js --format es --dir "$new" --chunkFileNames "chunks/[name]-[hash].js" \
  --silent
# Each view loaded later is a chunk of its own, and main.js does not hold it.
for view in settings bulk my-conversations; do
  ls "$new"/chunks/"$view"-*.js >/dev/null 2>&1 || { echo "no chunk for $view.js" >&2; exit 1; }
done
if grep -qE "function (setUpSettings|setUpBulk|setUpMyConversations)\(" "$new/main.js"; then
  echo "main.js holds a view that should load when first shown" >&2
  exit 1
fi
cp ui/index.html ui/styles.css "$new/"
# A catalog is fetched when a language chosen in Settings is applied (i18n.js; at start its
# words come with the page): copied as they are.
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
