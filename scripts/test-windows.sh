#!/usr/bin/env bash
# Runs the tests of aelyst-core and aelyst-sandbox as Windows programs: built for
# x86_64-pc-windows-gnu (Debian's rustc-web with -Z build-std, as scripts/check-cross.sh
# does), linked by mingw-w64, and run under Debian's Wine. Arguments go to `cargo test`
# (a test name, or `-- --nocapture`).
#
# Wine 8.0 has no bcryptprimitives.dll, whose ProcessPrng Rust's standard library calls for
# random bytes; a stand-in (scripts/windows/bcryptprimitives.c) goes into the prefix first.
# What Wine proves, and what it cannot, is in the README (Windows).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/apt-install-missing.sh rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64 wine64

target=x86_64-pc-windows-gnu
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/cross"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/scripts/windows/wine-run.sh"
export WINEPREFIX="$CARGO_TARGET_DIR/wine-prefix"
export WINEDEBUG=-all
# No window: Wine would otherwise look for a display for its dialogs.
unset DISPLAY WAYLAND_DISPLAY

# The prefix: made once (wineboot), then the stand-in DLL in its system32.
start=$SECONDS
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  mkdir -p "$WINEPREFIX"
  /usr/lib/wine/wine64 wineboot --init
  /usr/lib/wine/wineserver -w
  # Wine links the user's Desktop, Documents, Templates and the like to the Linux home
  # folder: made plain folders, so the tests' Windows side sees only the prefix (as
  # winetricks' sandbox does).
  find "$WINEPREFIX/drive_c/users" -type l -exec sh -c \
    'rm "$1" && mkdir "$1"' _ {} \;
fi
dll="$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
if [ ! -f "$dll" ] || [ scripts/windows/bcryptprimitives.c -nt "$dll" ]; then
  x86_64-w64-mingw32-gcc -O2 -shared -s -o "$dll" scripts/windows/bcryptprimitives.c -ladvapi32
fi
echo "Wine prefix ready in $((SECONDS - start)) s ($(/usr/lib/wine/wine64 --version))"

# The disk-full tests' small volume (Windows has no per-process file-size limit): a 512 KiB
# RAM disk, drive S: in the prefix, which runs out of room with ERROR_DISK_FULL.
volume="$CARGO_TARGET_DIR/wine-small-volume"
mkdir -p "$volume"
if ! mountpoint -q "$volume"; then
  mount -t tmpfs -o size=512k,mode=0700 aelyst-small-volume "$volume"
fi
trap 'umount "$volume" || true' EXIT
ln -sfn "$volume" "$WINEPREFIX/dosdevices/s:"
export AELYST_TEST_SMALL_VOLUME='S:\'

# One wineserver for the whole run. Left to itself it exits a moment after each test
# program, and the next program can reach it while it is going: "wine client error:0:
# recvmsg: Connection reset by peer" (seen here with busy loops beside the run).
# A server left by a run that was killed would refuse the new one: the prefix is this run's own,
# so it is stopped first.
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true; /usr/lib/wine/wineserver -w || true; umount "$volume" || true' EXIT
/usr/lib/wine/wineserver -k 2>/dev/null || true
/usr/lib/wine/wineserver -w || true
/usr/lib/wine/wineserver -p

start=$SECONDS
/usr/bin/cargo test --locked -Z build-std=std,panic_abort --target "$target" \
  -p aelyst-core -p aelyst-sandbox --lib --bins --tests "$@"
echo "Windows tests under Wine: $((SECONDS - start)) s"
