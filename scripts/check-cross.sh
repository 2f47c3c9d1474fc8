#!/usr/bin/env bash
# Compile-checks the whole workspace (every crate, binary, test, bench and feature) for the
# laptops agents use, from this Linux machine: Windows always; with --macos also what can be
# checked for macOS here. Our own crates' warnings are errors, as in clippy's step.
#
# rustup here has only Linux's standard library and no other can be fetched, so this uses
# Debian's Rust (rustc-web: /usr/bin/cargo and /usr/bin/rustc, with the standard library's
# source) and builds `std` for the target from that source (`-Z build-std`, unlocked on a stable
# compiler by RUSTC_BOOTSTRAP). Nothing is linked: `cargo check` stops before the linker, so no
# Windows or Apple SDK is needed beyond the C compiler that ring's build script runs.
#
#   scripts/check-cross.sh            Windows (x86_64-pc-windows-gnu): the whole workspace
#   scripts/check-cross.sh --macos    and macOS (x86_64-apple-darwin): the sandbox crate only.
#
# macOS stops short of the app and the core: three of their dependencies' build scripts compile
# C or Objective-C that needs the macOS SDK's headers (ring and alloca include <stdint.h>, and
# clang falls back to this machine's glibc one: 'bits/libc-header-start.h' file not found;
# mac-notification-sys includes <Cocoa/Cocoa.h>), and the SDK cannot be had on this machine.
# The README says what this leaves to the release workflow. `MACOS_ALL=1 scripts/check-cross.sh
# --macos` tries the whole workspace (with --keep-going), to show where it stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# target, then what to check for it
checks=("x86_64-pc-windows-gnu --workspace")
packages=(rustc-web cargo-web rust-web-src gcc-mingw-w64-x86-64)
if [ "${1:-}" = "--macos" ]; then
  if [ "${MACOS_ALL:-}" = 1 ]; then
    checks+=("x86_64-apple-darwin --workspace --keep-going")
  else
    checks+=("x86_64-apple-darwin -p aelyst-sandbox")
  fi
  packages+=(clang)
fi

scripts/apt-install-missing.sh "${packages[@]}"

# Debian's compiler by full path: rustup's proxies come first on the PATH, and Debian's cargo
# would otherwise run rustup's rustc, whose sysroot has no standard library source.
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
# Its own target folder: another compiler's artefacts cannot be shared with the Linux build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/cross"
# RUSTFLAGS reach only the target's crates, and cargo caps lints for crates from a registry,
# so this makes warnings errors in our three crates alone.
export RUSTFLAGS="-D warnings"
# ring's C for the Apple target goes through clang (gcc cannot emit Mach-O).
export CC_x86_64_apple_darwin=clang

for check in "${checks[@]}"; do
  read -r target what <<<"$check"
  echo "cargo check --target $target $what (Debian's $(/usr/bin/rustc --version))"
  start=$SECONDS
  # shellcheck disable=SC2086 # $what is a few words: --workspace, or -p and a package
  /usr/bin/cargo check --locked --quiet -Z build-std=std,panic_abort --target "$target" \
    $what --all-targets --all-features
  echo "$target ($what): checked in $((SECONDS - start)) s"
done
