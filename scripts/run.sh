#!/usr/bin/env bash
# Installs what is missing, builds and launches Aelyst Desk.
#   scripts/run.sh            the app, talking to the real Aelyst API
#   scripts/run.sh --sandbox  the app, in its "Sandbox" workspace, talking to a practice API
#                             it starts on this computer (token: "sandbox-token"); the real
#                             workspace's token and actions are never read or changed
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh

if [ "${1:-}" = "--sandbox" ]; then
  cargo build -p aelyst-desk -p aelyst-sandbox
  # One fixed port, so every practice run opens the same "Sandbox" workspace (the app keeps
  # one workspace per address; its token and history are its own, apart from the real one's).
  port="${AELYST_SANDBOX_PORT:-47010}"
  if ! python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1])))' "$port" 2>/dev/null; then
    echo "Port $port is in use; set AELYST_SANDBOX_PORT to a free one." >&2
    exit 1
  fi
  target/debug/aelyst-sandbox --port "$port" &
  sandbox_pid=$!
  trap 'kill "$sandbox_pid" 2>/dev/null || true' EXIT
  export AELYST_API_BASE_URL="http://127.0.0.1:$port/v1"
  target/debug/aelyst-desk
else
  cargo build --bin aelyst-desk
  target/debug/aelyst-desk
fi
