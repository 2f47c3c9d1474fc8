#!/usr/bin/env bash
# cargo deny check (advisories, licences, bans, sources) without the network: the RustSec
# advisory database comes from ../shared/rustsec-advisory-db.bundle (a git bundle), cloned
# where cargo-deny looks for it, and is never fetched. Installs cargo-deny when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v cargo-deny >/dev/null; then
  echo "Installing cargo-deny"
  cargo install cargo-deny --version '^0.20' --locked --quiet
fi

bundle=../shared/rustsec-advisory-db.bundle
origin=$(git config --get remote.origin.url || true)
if [ ! -e "$bundle" ] && [ -n "$origin" ] && [ -e "$origin/../shared/rustsec-advisory-db.bundle" ]; then
  # A clone made somewhere else (a CI clone under /tmp): the bundle beside the repository it
  # was cloned from.
  bundle="$origin/../shared/rustsec-advisory-db.bundle"
fi
export AELYST_ADVISORY_DBS="${AELYST_ADVISORY_DBS:-${TMPDIR:-/tmp}/aelyst-advisory-dbs}"
# cargo-deny keeps each database in a folder named after its URL's hash.
db="$AELYST_ADVISORY_DBS/advisory-db-3157b0e258782691"
if [ ! -d "$db/.git" ]; then
  mkdir -p "$AELYST_ADVISORY_DBS"
  git -c init.defaultBranch=main clone --quiet "$bundle" "$db"
fi
# Every package of the lock file, for every platform (a build fetches only this machine's):
# cargo-deny reads them all. Crates come from crates.io; only the advisories stay offline.
cargo fetch --locked --quiet
cargo deny --offline --workspace check
