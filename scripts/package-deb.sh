#!/usr/bin/env bash
# Builds the release .deb (without the sandbox) with the Tauri CLI from npm, which brings a
# prebuilt binary in seconds. Output: target/release/bundle/deb/*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
npx --yes @tauri-apps/cli@2.12.5 build --bundles deb -- --no-default-features
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb
