#!/usr/bin/env bash
# cargo's runner for x86_64-pc-windows-gnu (scripts/test-windows.sh sets it): runs one test
# executable under Wine, in the prefix that script prepared. Debian's 64-bit loader is called
# by its full path: /usr/bin/wine looks for 32-bit Wine first and says so on every run.
set -euo pipefail
: "${WINEPREFIX:?scripts/test-windows.sh sets the Wine prefix}"
export WINEDEBUG="${WINEDEBUG:--all}"
exec /usr/lib/wine/wine64 "$@"
