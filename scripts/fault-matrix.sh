#!/usr/bin/env bash
# Prints the README's fault matrix: each fault the tests in crates/aelyst-core/tests/faults.rs
# inject, how, and what happened to the actions (each test prints its own row).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| fault | injected as | what happened to the actions |"
echo "| --- | --- | --- |"
cargo test -q -p aelyst-core --test faults -- --nocapture --test-threads 1 2>/dev/null \
  | grep -o 'FAULT |.*' | sed 's/^FAULT //'
