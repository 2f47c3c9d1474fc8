#!/usr/bin/env bash
# Runs every test: unit, integration against the sandbox and the real keychain, and the
# end-to-end tests in the real window (they start Xvfb, D-Bus, gnome-keyring and tauri-driver
# themselves).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo test --workspace --all-targets "$@"
