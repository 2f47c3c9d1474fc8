#!/usr/bin/env bash
# Installs the release build's npm tools (Rollup, the Tauri CLI) from the committed
# scripts/build-tools/package-lock.json with `npm ci`: the exact versions, each checked against
# its recorded integrity hash, instead of whatever `npx --yes` fetches. Prints the folder of
# their commands. Installs only when something is missing or the lock changed.
set -euo pipefail
cd "$(dirname "$0")/build-tools"

stamp=node_modules/.installed-from-lock
if [ ! -x node_modules/.bin/rollup ] || [ ! -x node_modules/.bin/tauri ] \
  || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error >&2
  cp package-lock.json "$stamp"
fi
echo "$PWD/node_modules/.bin"
