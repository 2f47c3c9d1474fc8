#!/usr/bin/env bash
# Builds the release .deb (without the sandbox, with the bundled front end) with the Tauri CLI
# from npm (a prebuilt binary, in seconds), installed from the committed lock file
# (scripts/build-tools.sh). Output: target/release/bundle/deb/*.deb
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/bundle-ui.sh
# The shipped window loads the bundled front end (scripts/bundle-ui.sh); tauri.conf.json keeps
# ui/ for debug builds and the tests.
# The sandbox is its own crate and only a dev-dependency, so the app's build cannot include it.
tools=$(scripts/build-tools.sh)
"$tools/tauri" build --bundles deb --config src-tauri/tauri.bundled-ui.conf.json
# Updates by apt (README, Updates): the release build names the repository and its public key
# (AELYST_APT_URL, AELYST_APT_KEY: a file, armored or not); the package then carries the key
# and the source its postinst adds. A build without them ships neither, and adds no source.
if [ -n "${AELYST_APT_URL:-}" ]; then
  case "$AELYST_APT_URL" in
    https://*/ | http://*/) ;;
    *) echo "AELYST_APT_URL must be an http(s) address ending in /: $AELYST_APT_URL" >&2; exit 1 ;;
  esac
  if [ ! -f "${AELYST_APT_KEY:-}" ]; then
    echo "AELYST_APT_URL needs AELYST_APT_KEY, the repository's public key file" >&2
    exit 1
  fi
  apt_dir="$PWD/${CARGO_TARGET_DIR:-target}/deb-apt-source"
  rm -rf "$apt_dir"
  mkdir -p "$apt_dir"
  if grep -q -- "-----BEGIN PGP PUBLIC KEY BLOCK-----" "$AELYST_APT_KEY"; then
    gpg --batch --dearmor < "$AELYST_APT_KEY" > "$apt_dir/aelyst-desk.gpg"
  else
    cp "$AELYST_APT_KEY" "$apt_dir/aelyst-desk.gpg"
  fi
  printf 'Types: deb\nURIs: %s\nSuites: stable\nComponents: main\nSigned-By: /usr/share/keyrings/aelyst-desk.gpg\n' \
    "$AELYST_APT_URL" > "$apt_dir/aelyst-desk.sources"
  printf '{"bundle":{"linux":{"deb":{"files":{"/usr/share/keyrings/aelyst-desk.gpg":"%s","/usr/share/aelyst-desk/aelyst-desk.sources":"%s"}}}}}' \
    "$apt_dir/aelyst-desk.gpg" "$apt_dir/aelyst-desk.sources" > "$apt_dir/tauri.conf.json"
  # Bundled again from the program just built: the files are the package's, not the
  # program's, so nothing is compiled again.
  "$tools/tauri" bundle --bundles deb --config src-tauri/tauri.bundled-ui.conf.json \
    --config "$apt_dir/tauri.conf.json"
fi
# Tauri's bundler compresses the package's files with gzip; dpkg's own default, xz, makes the
# .deb about a third smaller (README, Figures). The package is unpacked and built again with
# dpkg-deb: the same files, modes, control files and maintainer scripts, owned by root.
# Only the package just built (the newest): an older one left in the folder keeps its time, so
# the scripts that take the newest (check-deb.sh, check-apt-updates.py) still take this one.
deb=$(ls -t "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb | head -n 1)
if ar t "$deb" | grep -qx "data.tar.gz"; then
  tree=$(mktemp -d)
  trap 'rm -rf "$tree"' EXIT
  dpkg-deb --raw-extract "$deb" "$tree/pkg"
  dpkg-deb --root-owner-group -Zxz -z9 --build "$tree/pkg" "$tree/out.deb" >/dev/null
  mv "$tree/out.deb" "$deb"
fi
ls -l "${CARGO_TARGET_DIR:-target}"/release/bundle/deb/*.deb
