#!/usr/bin/env bash
# Prints the README's fault matrix: each fault the tests inject (crates/aelyst-core/tests/faults.rs,
# the crash test, the scheduler's clock test, the workspaces' address tests, the proxy, the
# answer cap and the settings file), how, and what happened to the actions (each test prints
# its own row).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "| fault | injected as | what happened to the actions |"
echo "| --- | --- | --- |"
{
  cargo test -q -p aelyst-core --test faults -- --nocapture --test-threads 1
  cargo test -q -p aelyst-core --lib a_clock_set_back -- --nocapture
  cargo test -q -p aelyst-core --test outbox_sandbox sigkill -- --nocapture
  cargo test -q -p aelyst-core --test workspaces -- --nocapture --test-threads 1
  cargo test -q -p aelyst-core --test proxy -- --nocapture
  cargo test -q -p aelyst-core --test client_sandbox larger_than_the_cap -- --nocapture
  cargo test -q -p aelyst-core --lib settings::tests -- --nocapture --test-threads 1
} 2>/dev/null | grep -o 'FAULT |.*' | sed 's/^FAULT //'
