#!/usr/bin/env bash
# Builds the release .deb (without the sandbox, with the bundled front end) with the Tauri CLI
# from npm (a prebuilt binary, in seconds), installed from the committed lock file
# (scripts/build-tools.sh). Output: target/release/bundle/deb/*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/bundle-ui.sh
# The shipped window loads the bundled front end (scripts/bundle-ui.sh); tauri.conf.json keeps
# ui/ for debug builds and the tests.
# The sandbox is its own crate and only a dev-dependency, so the app's build cannot include it.
tools=$(scripts/build-tools.sh)
"$tools/tauri" build --bundles deb --config src-tauri/tauri.bundled-ui.conf.json
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb
