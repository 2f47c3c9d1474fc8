#!/usr/bin/env bash
# Installs what is missing, builds and launches Aelyst Desk.
#   scripts/run.sh            the app, talking to the real Aelyst API
#   scripts/run.sh --sandbox  the app, talking to a practice API it starts on this computer
#                             (no token needed to look around: use "sandbox-token")
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

if [ "${1:-}" = "--sandbox" ]; then
  cargo build -p aelyst-desk -p aelyst-sandbox
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  target/debug/aelyst-sandbox --port "$port" &
  sandbox_pid=$!
  trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
  export AELYST_API_BASE_URL="http://127.0.0.1:$port/v1"
  target/debug/aelyst-desk
else
  cargo build --bin aelyst-desk
  target/debug/aelyst-desk
fi
